import type { Broadcast } from '#db';
import { recipientStatus, type BroadcastCounts } from './broadcast-rules.js';
import type { RecipientRow } from './broadcasts.repository.js';

/** A broadcast with its counters (derived from its recipients' messages when it is read). */
export interface BroadcastRecord {
  broadcast: Broadcast;
  counts: BroadcastCounts;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function presentBroadcast({ broadcast: b, counts }: BroadcastRecord) {
  return {
    object: 'broadcast' as const,
    id: b.id,
    name: b.name,
    status: b.status,
    status_reason: b.statusReason,
    phone_number_id: b.phoneNumberId,
    template: { id: b.templateId, name: b.templateName, language: b.templateLanguage, components: b.components },
    counts,
    created_at: b.createdAt.toISOString(),
    started_at: iso(b.startedAt),
    completed_at: iso(b.completedAt),
    canceled_at: iso(b.canceledAt),
    updated_at: b.updatedAt.toISOString(),
  };
}

export function presentBroadcastRecipient(r: RecipientRow) {
  return {
    object: 'broadcast_recipient' as const,
    id: r.id,
    broadcast_id: r.broadcastId,
    to: r.to,
    contact_id: r.contactId,
    status: recipientStatus(r.status, r.messageStatus),
    skip_reason: r.skipReason,
    message_id: r.messageId,
    error_code: r.errorCode,
    replied: r.replied,
    components: Array.isArray(r.parameters) ? r.parameters : [],
    sent_at: iso(r.sentAt),
    delivered_at: iso(r.deliveredAt),
    read_at: iso(r.readAt),
    failed_at: iso(r.failedAt),
    created_at: r.createdAt.toISOString(),
  };
}
