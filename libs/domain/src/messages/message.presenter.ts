import type { Contact, Message } from '#db';
import { describeFailure } from './message-failure.js';
import { presentFallback } from './message-fallback.js';

/** A message with its contact loaded, so the wire shape can say `to` / `from`. */
export type MessageRecord = Message & { contact?: Contact | null };

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** The message's wire shape (REST, MCP detailed results, realtime and webhook payloads). */
export function presentMessage(m: MessageRecord) {
  const outbound = m.direction === 'outbound';
  const party = m.contact === undefined ? {} : outbound ? { to: m.contact?.phone ?? null } : { from: m.contact?.phone ?? null };
  return {
    object: 'message' as const,
    id: m.id,
    phone_number_id: m.phoneNumberId,
    conversation_id: m.conversationId,
    contact_id: m.contactId,
    direction: m.direction,
    ...party,
    type: m.type,
    [m.type]: m.content,
    context: m.contextWamid ? { message_id: m.contextWamid } : null,
    status: m.status,
    wamid: m.wamid,
    source: m.source,
    ...(outbound ? { attempts: m.attempts, possible_duplicates: m.possibleDuplicates } : {}),
    error:
      m.status === 'failed' || m.errorCode
        ? {
            code: m.errorCode,
            message: describeFailure(m.errorCode, m.metaErrorTitle),
            meta_code: m.metaErrorCode,
            meta_title: m.metaErrorTitle,
            meta_details: m.metaErrorDetails,
          }
        : null,
    pricing: m.pricing ?? null,
    ...(m.sendAt ? { send_at: iso(m.sendAt) } : {}),
    ...presentFallback(m.fallback),
    ...(outbound
      ? {
          queued_at: iso(m.queuedAt),
          sent_at: iso(m.sentAt),
          delivered_at: iso(m.deliveredAt),
          read_at: iso(m.readAt),
          failed_at: iso(m.failedAt),
          ...(m.canceledAt ? { canceled_at: iso(m.canceledAt) } : {}),
        }
      : { received_at: iso(m.receivedAt), read_at: iso(m.readAt) }),
    created_at: m.createdAt.toISOString(),
    updated_at: m.updatedAt.toISOString(),
  };
}
