import { Injectable } from '@nestjs/common';
import type { TenantContext } from '#domain';
import { SendMessageDto } from '#domain/messages/dto/send-message.dto.js';
import { presentMessage } from '#domain/messages/message.presenter.js';
import { MessagesService } from '#domain/messages/messages.service.js';
import { SENDS, type McpTool, type ToolOutput } from '../mcp-tool.js';
import { messageGist } from './summaries.js';

@Injectable()
export class SendMessageTool implements McpTool<SendMessageDto> {
  readonly name = 'send_message';
  readonly title = 'Send a WhatsApp message';
  readonly description =
    'Sends a WhatsApp message to a phone number (to, E.164 such as +628123456789) from one of your numbers (phone_number_id from ' +
    'list_phone_numbers; optional when there is only one). Set type and the body object of the same name: text {body}, ' +
    'image / video / audio / document / sticker {link or id, caption}, location, contacts, reaction, template {name, language: {code}, components}, ' +
    'or interactive (button, list, cta_url, carousel). Free-form types only reach someone who wrote to you in the last 24 hours; ' +
    'otherwise send an approved template (list_templates shows them and their parameters), or add fallback_template to a free-form ' +
    'message so the template goes out only if the window is closed. send_at (ISO 8601 with a timezone, up to 30 days ahead) schedules the message. ' +
    'The message is queued and delivered asynchronously: get_conversation shows its status (sent, delivered, read, failed).';
  readonly annotations = SENDS;
  readonly args = SendMessageDto;
  readonly access = 'write';
  readonly defaultFormat = 'concise';
  readonly restTwin = 'POST /v1/messages';

  constructor(private readonly messages: MessagesService) {}

  async run(ctx: TenantContext, args: SendMessageDto): Promise<ToolOutput> {
    const data = presentMessage(await this.messages.send(ctx, args));
    return {
      data,
      summary:
        `Message ${data.id} ${messageGist(data)} accepted for ${data.to} from ${data.phone_number_id} (conversation ${data.conversation_id}); ` +
        `status ${data.status}${data.send_at ? ` (goes out at ${data.send_at})` : ''}${data.fallback_used ? '; the window was closed, so the fallback template was sent' : ''}. ` +
        'Delivery is asynchronous: get_conversation shows when it is delivered or read.',
    };
  }
}
