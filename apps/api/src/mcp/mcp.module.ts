import { Module, type Type } from '@nestjs/common';
import { ContactsModule } from '#domain/contacts/contacts.module.js';
import { ConversationsModule } from '#domain/conversations/conversations.module.js';
import { MessagesModule } from '#domain/messages/messages.module.js';
import { PhoneNumbersModule } from '#domain/phone-numbers/phone-numbers.module.js';
import { TemplatesModule } from '#domain/templates/templates.module.js';
import { HttpModule } from '../http/http.module.js';
import type { McpTool } from './mcp-tool.js';
import { McpController } from './mcp.controller.js';
import { McpServerFactory } from './mcp-server-factory.js';
import { MCP_TOOLS, McpToolRegistry } from './mcp-tool-registry.js';
import { AddContactNoteTool } from './tools/add-contact-note.tool.js';
import { GetContactContextTool } from './tools/get-contact-context.tool.js';
import { GetConversationTool } from './tools/get-conversation.tool.js';
import { GetProjectInfoTool } from './tools/get-project-info.tool.js';
import { ListConversationsTool } from './tools/list-conversations.tool.js';
import { ListPhoneNumbersTool } from './tools/list-phone-numbers.tool.js';
import { ListTemplatesTool } from './tools/list-templates.tool.js';
import { MarkMessagesReadTool } from './tools/mark-messages-read.tool.js';
import { SearchContactsTool } from './tools/search-contacts.tool.js';
import { SearchConversationsTool } from './tools/search-conversations.tool.js';
import { SearchMessagesTool } from './tools/search-messages.tool.js';
import { SendMessageTool } from './tools/send-message.tool.js';
import { SetConversationStatusTool } from './tools/set-conversation-status.tool.js';
import { UpdateContactTool } from './tools/update-contact.tool.js';

/**
 * Every MCP tool, each the twin of a /v1 route (`restTwin`; a test checks those routes exist).
 * /v1 routes deliberately WITHOUT a tool (REST or dashboard only):
 * - webhook_subscriptions, webhook_deliveries: set up once by a developer; a model must not redirect data flows.
 * - labels (CRUD, bulk assign, contact labels): label administration, not conversation work.
 * - api_keys, realtime/tokens: credentials are never minted, listed or revoked through an assistant.
 * - POST/PATCH/DELETE phone_numbers: onboarding and Meta credentials (GET {id} adds nothing to list_phone_numbers).
 * - POST/DELETE templates, templates/sync: submitting to Meta review and deleting are account admin (list_templates reads).
 * - media upload/get: binary bodies do not fit JSON arguments; send_message takes a link or an uploaded media id.
 * - audit_logs: compliance reading for admins, not for the agent being audited.
 * - POST contacts: contacts appear when messages flow (send_message creates them); bulk creation is import work.
 * - GET contacts/{id}, contacts/{id}/notes: get_contact_context returns the contact with its latest notes.
 * - GET conversations/{id}/messages, messages/{id}: get_conversation (up to 100) and search_messages page history.
 * - POST messages/{id}/typing: a few-seconds UI signal, meaningless in an assistant's turn-based loop.
 * - POST messages/{id}/cancel: canceling a scheduled send is a person's decision (send_message can schedule with send_at).
 * - GET/PATCH settings: the guard rails limit assistants; an assistant must not read around or change them.
 * - GET/PATCH settings/retention: data retention is an administrator's decision.
 * - broadcasts (create, recipients, send, cancel, reads): bulk sends are deliberately kept away from assistants.
 * - DELETE contacts/{id}: erasing a person's data is irreversible; people decide it, not an assistant.
 * - sandbox/inbound and /sandbox/*: test affordances simulating customers and Meta, not an assistant's job.
 */
const TOOLS: Type<McpTool>[] = [
  // The essential six.
  ListPhoneNumbersTool,
  SendMessageTool,
  ListConversationsTool,
  GetConversationTool,
  SearchContactsTool,
  ListTemplatesTool,
  // What a support agent needs.
  GetContactContextTool,
  SearchConversationsTool,
  SearchMessagesTool,
  MarkMessagesReadTool,
  AddContactNoteTool,
  UpdateContactTool,
  SetConversationStatusTool,
  GetProjectInfoTool,
];

@Module({
  imports: [HttpModule, PhoneNumbersModule, TemplatesModule, ContactsModule, ConversationsModule, MessagesModule],
  controllers: [McpController],
  providers: [
    ...TOOLS,
    { provide: MCP_TOOLS, useFactory: (...tools: McpTool[]) => tools, inject: TOOLS },
    McpToolRegistry,
    McpServerFactory,
  ],
})
export class McpModule {}
