import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ConversationsService,
  GetConversationDto,
  ListConversationMessagesDto,
  ListConversationsDto,
  listEnvelope,
  presentConversation,
  presentConversationWithMessages,
  presentMessage,
  UpdateConversationDto,
  type TenantContext,
} from '#domain';
import { Tenant } from '../http/tenant.decorator.js';

@ApiTags('conversations')
@Controller('v1/conversations')
export class ConversationsController {
  constructor(private readonly conversations: ConversationsService) {}

  @Get()
  @ApiOperation({ summary: 'List conversations, newest message first; filter by number, status, contact, phone/name, time' })
  async list(@Tenant() ctx: TenantContext, @Query() query: ListConversationsDto) {
    return listEnvelope(await this.conversations.list(ctx, query), (c) => presentConversation(c));
  }

  @Get(':id')
  @ApiOperation({ summary: 'A conversation with its latest messages (message_limit, default 20, at most 100)' })
  async get(@Tenant() ctx: TenantContext, @Param('id') id: string, @Query() query: GetConversationDto) {
    return presentConversationWithMessages(await this.conversations.getWithMessages(ctx, id, query));
  }

  @Get(':id/messages')
  @ApiOperation({ summary: 'Messages of the conversation, newest first' })
  async messages(@Tenant() ctx: TenantContext, @Param('id') id: string, @Query() query: ListConversationMessagesDto) {
    return listEnvelope(await this.conversations.listMessages(ctx, id, query), presentMessage);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Set the status (open, pending, resolved) or the assignee' })
  async update(@Tenant() ctx: TenantContext, @Param('id') id: string, @Body() body: UpdateConversationDto) {
    return presentConversation(await this.conversations.update(ctx, id, body));
  }

  @Post(':id/read')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark the conversation read: unread count to 0, and a read receipt to WhatsApp' })
  async read(@Tenant() ctx: TenantContext, @Param('id') id: string) {
    const { conversation, readReceipt } = await this.conversations.markRead(ctx, id);
    return { ...presentConversation(conversation), read_receipt: readReceipt };
  }
}
