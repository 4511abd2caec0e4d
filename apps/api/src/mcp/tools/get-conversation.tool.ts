import { Injectable } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import type { TenantContext } from '#domain';
import { presentConversationWithMessages } from '#domain/conversations/contact-context.presenter.js';
import { ConversationsService } from '#domain/conversations/conversations.service.js';
import { GetConversationDto } from '#domain/conversations/dto/get-conversation.dto.js';
import { READ_ONLY, type McpTool, type ToolOutput } from '../mcp-tool.js';
import { conversationLine, messageLine } from './summaries.js';

/** GET /v1/conversations/{id}'s query plus the id REST takes from the path. */
class GetConversationArgs extends GetConversationDto {
  @ApiProperty({ description: 'The conversation (cnv_…), from list_conversations or search_conversations.' })
  @IsString()
  @MaxLength(64)
  conversation_id: string;
}

@Injectable()
export class GetConversationTool implements McpTool<GetConversationArgs> {
  readonly name = 'get_conversation';
  readonly title = 'Read a conversation';
  readonly description =
    'One conversation with its latest messages, oldest first (message_limit, default 20, at most 100): who it is with, its status, ' +
    'unread count and whether the 24-hour window is open (if closed, reply with a template). ' +
    'Get the id from list_conversations or search_conversations.';
  readonly annotations = READ_ONLY;
  readonly args = GetConversationArgs;
  readonly access = 'read';
  readonly defaultFormat = 'detailed';
  readonly restTwin = 'GET /v1/conversations/{id}';

  constructor(private readonly conversations: ConversationsService) {}

  async run(ctx: TenantContext, { conversation_id, ...q }: GetConversationArgs): Promise<ToolOutput> {
    const data = presentConversationWithMessages(await this.conversations.getWithMessages(ctx, conversation_id, q));
    const lines = data.messages.map(messageLine);
    return {
      data,
      summary: [
        conversationLine(data),
        lines.length ? `Last ${lines.length} messages (oldest first):` : 'No messages.',
        ...lines,
      ].join('\n'),
    };
  }
}
