import { Injectable } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import type { TenantContext } from '#domain';
import { presentConversation } from '#domain/conversations/conversation.presenter.js';
import { ConversationsService } from '#domain/conversations/conversations.service.js';
import type { McpTool, ToolOutput } from '../mcp-tool.js';

/** POST /v1/conversations/{id}/read takes only the id from its path. */
class MarkMessagesReadArgs {
  @ApiProperty({
    description: 'The conversation whose received messages are marked read (cnv_…), from list_conversations.',
  })
  @IsString()
  @MaxLength(64)
  conversation_id: string;
}

@Injectable()
export class MarkMessagesReadTool implements McpTool<MarkMessagesReadArgs> {
  readonly name = 'mark_messages_read';
  readonly title = 'Mark messages read';
  readonly description =
    "Marks every received message of a conversation read: the unread count drops to 0 and the contact's WhatsApp shows blue ticks. " +
    'Call it after reading a conversation with get_conversation; calling it again is harmless.';
  readonly annotations = { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true };
  readonly args = MarkMessagesReadArgs;
  readonly access = 'write';
  readonly defaultFormat = 'concise';
  readonly restTwin = 'POST /v1/conversations/{id}/read';

  constructor(private readonly conversations: ConversationsService) {}

  async run(ctx: TenantContext, { conversation_id }: MarkMessagesReadArgs): Promise<ToolOutput> {
    const { conversation, readReceipt } = await this.conversations.markRead(ctx, conversation_id);
    const data = { ...presentConversation(conversation), read_receipt: readReceipt };
    const receipt =
      readReceipt.status === 'sent'
        ? 'WhatsApp read receipt sent.'
        : readReceipt.status === 'none'
          ? 'There was no received message to acknowledge.'
          : `WhatsApp read receipt ${readReceipt.status}${readReceipt.error ? ` (${readReceipt.error.code})` : ''}; marked read here anyway.`;
    return { data, summary: `Conversation ${conversation.id} marked read. ${receipt}` };
  }
}
