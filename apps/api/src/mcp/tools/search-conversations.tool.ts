import { Injectable } from '@nestjs/common';
import { listEnvelope, type TenantContext } from '#domain';
import { presentConversation } from '#domain/conversations/conversation.presenter.js';
import { ConversationsService } from '#domain/conversations/conversations.service.js';
import { ListConversationsDto } from '#domain/conversations/dto/list-conversations.dto.js';
import { READ_ONLY, type McpTool, type ToolOutput } from '../mcp-tool.js';
import { conversationLine, listSummary } from './summaries.js';

@Injectable()
export class SearchConversationsTool implements McpTool<ListConversationsDto> {
  readonly name = 'search_conversations';
  readonly title = 'Search conversations';
  readonly description =
    "Finds conversations by the contact's phone number or part of their name (q), status, number, contact id and a time range " +
    '(since / until, ISO 8601, on the last message). Newest first. Use get_conversation with a result id to read the messages; ' +
    'to find words inside messages use search_messages instead.';
  readonly annotations = READ_ONLY;
  readonly args = ListConversationsDto;
  readonly access = 'read';
  readonly defaultFormat = 'concise';
  readonly restTwin = 'GET /v1/conversations';

  constructor(private readonly conversations: ConversationsService) {}

  async run(ctx: TenantContext, args: ListConversationsDto): Promise<ToolOutput> {
    const data = listEnvelope(await this.conversations.list(ctx, args), (c) => presentConversation(c));
    return { data, summary: listSummary(data, ['conversation', 'conversations'], conversationLine) };
  }
}
