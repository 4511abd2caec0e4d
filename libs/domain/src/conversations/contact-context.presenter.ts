import { presentContact, presentContactNote } from '../contacts/contact.presenter.js';
import { presentMessage, type MessageRecord } from '../messages/message.presenter.js';
import type { ContactContext } from './conversations.service.js';
import { presentConversation, type ConversationRecord } from './conversation.presenter.js';

/** GET /v1/conversations/{id}: the conversation and its latest messages, oldest first. */
export function presentConversationWithMessages(v: { conversation: ConversationRecord; messages: MessageRecord[] }) {
  return { ...presentConversation(v.conversation), messages: v.messages.map(presentMessage) };
}

/** GET /v1/contacts/{id}/context: what an agent (or an assistant) reads before answering a contact. */
export function presentContactContext(c: ContactContext) {
  return {
    object: 'contact_context' as const,
    contact: presentContact(c.contact),
    last_conversation: c.conversation ? presentConversation(c.conversation) : null,
    recent_messages: c.messages.map(presentMessage),
    recent_notes: c.notes.map(presentContactNote),
  };
}
