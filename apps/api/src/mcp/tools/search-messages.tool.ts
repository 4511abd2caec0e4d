import { Injectable } from '@nestjs/common';
import { listEnvelope, type TenantContext } from '#domain';
import { ListMessagesDto } from '#domain/messages/dto/list-messages.dto.js';
import { presentMessage } from '#domain/messages/message.presenter.js';
import { MessagesService } from '#domain/messages/messages.service.js';
import { READ_ONLY, type McpTool, type ToolOutput } from '../mcp-tool.js';
import { contactLabel, listSummary, messageLine } from './summaries.js';

@Injectable()
export class SearchMessagesTool implements McpTool<ListMessagesDto> {
  readonly name = 'search_messages';
  readonly title = 'Search messages';
  readonly description =
    'Full-text search over message texts, captions and template names (q), newest first, optionally within one conversation or contact, ' +
    'one direction (inbound = from customers), one status or a time range. Each hit names its conversation: ' +
    'open it with get_conversation for the surrounding messages.';
  readonly annotations = READ_ONLY;
  readonly args = ListMessagesDto;
  readonly access = 'read';
  readonly defaultFormat = 'concise';
  readonly restTwin = 'GET /v1/messages';

  constructor(private readonly messages: MessagesService) {}

  async run(ctx: TenantContext, args: ListMessagesDto): Promise<ToolOutput> {
    const page = await this.messages.list(ctx, args);
    const data = listEnvelope(page, presentMessage);
    const who = new Map(
      page.data.map((m) => [
        m.id,
        m.contact
          ? contactLabel({ name: m.contact.name, profile_name: m.contact.profileName, phone: m.contact.phone })
          : 'unknown contact',
      ]),
    );
    return {
      data,
      summary: listSummary(
        data,
        ['message', 'messages'],
        (m) => `${messageLine(m)} with ${who.get(m.id)} in ${m.conversation_id}`,
      ),
    };
  }
}
