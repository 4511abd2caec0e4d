import { Injectable } from '@nestjs/common';
import { listEnvelope, type TenantContext } from '#domain';
import { presentContact } from '#domain/contacts/contact.presenter.js';
import { ContactsService } from '#domain/contacts/contacts.service.js';
import { ListContactsDto } from '#domain/contacts/dto/list-contacts.dto.js';
import { READ_ONLY, type McpTool, type ToolOutput } from '../mcp-tool.js';
import { contactLine, listSummary } from './summaries.js';

@Injectable()
export class SearchContactsTool implements McpTool<ListContactsDto> {
  readonly name = 'search_contacts';
  readonly title = 'Search contacts';
  readonly description =
    'Finds contacts by exact phone number (phone, E.164 with or without "+") or by a piece of their name, WhatsApp profile name, ' +
    'email or phone digits (search). Returns contact ids (ctc_…) for get_contact_context, update_contact and add_contact_note. ' +
    'To message someone you do not need their contact: send_message takes the phone number directly.';
  readonly annotations = READ_ONLY;
  readonly args = ListContactsDto;
  readonly access = 'read';
  readonly defaultFormat = 'concise';
  readonly restTwin = 'GET /v1/contacts';

  constructor(private readonly contacts: ContactsService) {}

  async run(ctx: TenantContext, args: ListContactsDto): Promise<ToolOutput> {
    const data = listEnvelope(await this.contacts.list(ctx, args), presentContact);
    return { data, summary: listSummary(data, ['contact', 'contacts'], contactLine) };
  }
}
