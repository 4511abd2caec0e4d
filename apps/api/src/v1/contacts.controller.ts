import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ContactsService,
  ConversationsService,
  CreateContactDto,
  CreateContactNoteDto,
  GetContactContextDto,
  ListContactNotesDto,
  ListContactsDto,
  listEnvelope,
  presentContact,
  presentContactContext,
  presentContactNote,
  UpdateContactDto,
  type TenantContext,
} from '#domain';
import { Tenant } from '../http/tenant.decorator.js';

@ApiTags('contacts')
@Controller('v1/contacts')
export class ContactsController {
  constructor(
    private readonly contacts: ContactsService,
    private readonly conversations: ConversationsService,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a contact (by phone, or by Meta user id for username-only users)' })
  async create(@Tenant() ctx: TenantContext, @Body() body: CreateContactDto) {
    return presentContact(await this.contacts.create(ctx, body));
  }

  @Get()
  @ApiOperation({ summary: 'List contacts, newest first; find one by exact phone or search name/email' })
  async list(@Tenant() ctx: TenantContext, @Query() query: ListContactsDto) {
    return listEnvelope(await this.contacts.list(ctx, query), presentContact);
  }

  @Get(':id')
  async get(@Tenant() ctx: TenantContext, @Param('id') id: string) {
    return presentContact(await this.contacts.get(ctx, id));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Update name, email or metadata (merged; null removes a key)' })
  async update(@Tenant() ctx: TenantContext, @Param('id') id: string, @Body() body: UpdateContactDto) {
    return presentContact(await this.contacts.update(ctx, id, body));
  }

  @Get(':id/context')
  @ApiOperation({ summary: 'The contact, their last conversation, recent messages and notes' })
  async context(@Tenant() ctx: TenantContext, @Param('id') id: string, @Query() query: GetContactContextDto) {
    return presentContactContext(await this.conversations.contactContext(ctx, id, query));
  }

  @Post(':id/notes')
  @HttpCode(201)
  @ApiOperation({ summary: 'Add an internal note to the contact (never sent to them)' })
  async addNote(@Tenant() ctx: TenantContext, @Param('id') id: string, @Body() body: CreateContactNoteDto) {
    return presentContactNote(await this.contacts.addNote(ctx, id, body));
  }

  @Get(':id/notes')
  async notes(@Tenant() ctx: TenantContext, @Param('id') id: string, @Query() query: ListContactNotesDto) {
    return listEnvelope(await this.contacts.listNotes(ctx, id, query), presentContactNote);
  }
}
