import type { Contact, Conversation } from '#db';
import { isWindowOpen } from './conversation-window.js';

/** A conversation with its contact loaded (lists and single reads show who it is with). */
export type ConversationRecord = Conversation & { contact?: Contact | null };

export function presentConversation(c: ConversationRecord, now: Date = new Date()) {
  return {
    object: 'conversation' as const,
    id: c.id,
    phone_number_id: c.phoneNumberId,
    contact_id: c.contactId,
    ...(c.contact !== undefined ? { contact: c.contact ? presentContactSummary(c.contact) : null } : {}),
    status: c.status,
    assignee: c.assigneeId ? { id: c.assigneeId, name: c.assigneeName } : null,
    last_message_at: c.lastMessageAt?.toISOString() ?? null,
    last_message_preview: c.lastMessagePreview,
    last_inbound_at: c.lastInboundAt?.toISOString() ?? null,
    window_expires_at: c.windowExpiresAt?.toISOString() ?? null,
    window_open: isWindowOpen(c, now),
    unread_count: c.unreadCount,
    created_at: c.createdAt.toISOString(),
    updated_at: c.updatedAt.toISOString(),
  };
}

/** Enough of the contact to show a conversation in a list. */
export function presentContactSummary(k: Contact) {
  return { id: k.id, phone: k.phone, wa_id: k.waId, user_id: k.userId, name: k.name, profile_name: k.profileName };
}
