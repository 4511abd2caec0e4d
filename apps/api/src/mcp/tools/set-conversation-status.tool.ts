import { Injectable } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import type { TenantContext } from '#domain';
import { presentConversation } from '#domain/conversations/conversation.presenter.js';
import { ConversationsService } from '#domain/conversations/conversations.service.js';
import { UpdateConversationDto } from '#domain/conversations/dto/update-conversation.dto.js';
import { STATUS_CHANGE, type McpTool, type ToolOutput } from '../mcp-tool.js';
import { conversationLine } from './summaries.js';

/** PATCH /v1/conversations/{id}'s body plus the id REST takes from the path. */
class SetConversationStatusArgs extends UpdateConversationDto {
  @ApiProperty({ description: 'The conversation (cnv_…), from list_conversations or search_conversations.' })
  @IsString()
  @MaxLength(64)
  conversation_id: string;
}

@Injectable()
export class SetConversationStatusTool implements McpTool<SetConversationStatusArgs> {
  readonly name = 'set_conversation_status';
  readonly title = 'Set conversation status';
  readonly description =
    'Marks a conversation open, pending or resolved, optionally assigning it to an agent (assignee: { id, name }; null unassigns). ' +
    'Setting the same status again changes nothing. A resolved conversation reopens by itself on the next inbound message. ' +
    'Nothing is sent to the contact.';
  readonly annotations = STATUS_CHANGE;
  readonly args = SetConversationStatusArgs;
  readonly access = 'write';
  readonly defaultFormat = 'concise';
  readonly restTwin = 'PATCH /v1/conversations/{id}';
  readonly required = ['status'];

  constructor(private readonly conversations: ConversationsService) {}

  async run(ctx: TenantContext, { conversation_id, ...patch }: SetConversationStatusArgs): Promise<ToolOutput> {
    const data = presentConversation(await this.conversations.update(ctx, conversation_id, patch));
    return { data, summary: `Conversation is now ${conversationLine(data)}.` };
  }
}
