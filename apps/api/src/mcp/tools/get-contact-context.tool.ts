import { Injectable } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import type { TenantContext } from '#domain';
import { presentContactContext } from '#domain/conversations/contact-context.presenter.js';
import { ConversationsService } from '#domain/conversations/conversations.service.js';
import { GetContactContextDto } from '#domain/conversations/dto/get-contact-context.dto.js';
import { READ_ONLY, type McpTool, type ToolOutput } from '../mcp-tool.js';
import { contactLine, conversationLine, messageLine, when } from './summaries.js';

/** GET /v1/contacts/{id}/context's query plus the id REST takes from the path. */
class GetContactContextArgs extends GetContactContextDto {
  @ApiProperty({ description: 'The contact (ctc_…), from search_contacts or a conversation.' })
  @IsString()
  @MaxLength(64)
  contact_id: string;
}

@Injectable()
export class GetContactContextTool implements McpTool<GetContactContextArgs> {
  readonly name = 'get_contact_context';
  readonly title = 'Get contact context';
  readonly description =
    'Everything an agent reads before answering someone: the contact, their latest conversation (status, 24-hour window), ' +
    'their latest messages across numbers (oldest first, message_limit default 20) and the latest internal notes. ' +
    'Find the contact id with search_contacts first.';
  readonly annotations = READ_ONLY;
  readonly args = GetContactContextArgs;
  readonly access = 'read';
  readonly defaultFormat = 'detailed';
  readonly restTwin = 'GET /v1/contacts/{id}/context';

  constructor(private readonly conversations: ConversationsService) {}

  async run(ctx: TenantContext, { contact_id, ...q }: GetContactContextArgs): Promise<ToolOutput> {
    const data = presentContactContext(await this.conversations.contactContext(ctx, contact_id, q));
    const summary = [
      `Contact ${contactLine(data.contact)}`,
      data.last_conversation
        ? `Latest conversation: ${conversationLine(data.last_conversation)}`
        : 'No conversation yet.',
      data.recent_messages.length ? `Last ${data.recent_messages.length} messages (oldest first):` : 'No messages.',
      ...data.recent_messages.map(messageLine),
      ...(data.recent_notes.length
        ? ['Notes (newest first):', ...data.recent_notes.map((n) => `- ${when(n.created_at)}: ${n.body}`)]
        : []),
    ];
    return { data, summary: summary.join('\n') };
  }
}
