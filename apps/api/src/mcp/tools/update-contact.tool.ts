import { Injectable } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import type { TenantContext } from '#domain';
import { presentContact } from '#domain/contacts/contact.presenter.js';
import { ContactsService } from '#domain/contacts/contacts.service.js';
import { UpdateContactDto } from '#domain/contacts/dto/update-contact.dto.js';
import { STATUS_CHANGE, type McpTool, type ToolOutput } from '../mcp-tool.js';
import { contactLine } from './summaries.js';

/** PATCH /v1/contacts/{id}'s body plus the id REST takes from the path. */
class UpdateContactArgs extends UpdateContactDto {
  @ApiProperty({ description: 'The contact to change (ctc_…), from search_contacts or get_contact_context.' })
  @IsString()
  @MaxLength(64)
  contact_id: string;
}

@Injectable()
export class UpdateContactTool implements McpTool<UpdateContactArgs> {
  readonly name = 'update_contact';
  readonly title = 'Update a contact';
  readonly description =
    "Changes a contact's name, email or metadata (metadata keys are merged; a key set to null is removed). " +
    'Find the contact first with search_contacts. This changes our records only; nothing is sent to the contact.';
  readonly annotations = STATUS_CHANGE;
  readonly args = UpdateContactArgs;
  readonly access = 'write';
  readonly defaultFormat = 'concise';
  readonly restTwin = 'PATCH /v1/contacts/{id}';

  constructor(private readonly contacts: ContactsService) {}

  async run(ctx: TenantContext, { contact_id, ...patch }: UpdateContactArgs): Promise<ToolOutput> {
    const data = presentContact(await this.contacts.update(ctx, contact_id, patch));
    return { data, summary: `Updated contact ${contactLine(data)}.` };
  }
}
