import { Injectable } from '@nestjs/common';
import { PickType } from '@nestjs/swagger';
import { listEnvelope, type TenantContext } from '#domain';
import { presentConversation } from '#domain/conversations/conversation.presenter.js';
import { ConversationsService } from '#domain/conversations/conversations.service.js';
import { ListConversationsDto } from '#domain/conversations/dto/list-conversations.dto.js';
import { READ_ONLY, type McpTool, type ToolOutput } from '../mcp-tool.js';
import { conversationLine, listSummary } from './summaries.js';

/** The inbox filters of GET /v1/conversations (search_conversations takes the text and time filters too). */
class ListConversationsArgs extends PickType(ListConversationsDto, [
  'phone_number_id',
  'status',
  'contact_id',
  'limit',
  'cursor',
] as const) {}

@Injectable()
export class ListConversationsTool implements McpTool<ListConversationsArgs> {
  readonly name = 'list_conversations';
  readonly title = 'List conversations';
  readonly description =
    'The inbox: conversations newest first (by last message), optionally only one number (phone_number_id from list_phone_numbers) ' +
    'or one status (open, pending, resolved). Each shows the contact, unread count and whether the 24-hour window is open. ' +
    'Use get_conversation to read one; use search_conversations to find conversations by phone, name or time range.';
  readonly annotations = READ_ONLY;
  readonly args = ListConversationsArgs;
  readonly access = 'read';
  readonly defaultFormat = 'concise';
  readonly restTwin = 'GET /v1/conversations';

  constructor(private readonly conversations: ConversationsService) {}

  async run(ctx: TenantContext, args: ListConversationsArgs): Promise<ToolOutput> {
    const data = listEnvelope(await this.conversations.list(ctx, args), (c) => presentConversation(c));
    return { data, summary: listSummary(data, ['conversation', 'conversations'], conversationLine) };
  }
}
