/**
 * Outbound: scheduled → queued → sending → sent → delivered → read, or failed / canceled (terminal).
 * Inbound messages are `received`.
 */
export const MESSAGE_STATUSES = ['scheduled', 'queued', 'sending', 'sent', 'delivered', 'read', 'failed', 'canceled', 'received'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** The statuses Meta reports in webhooks. */
export type MetaMessageStatus = 'sent' | 'delivered' | 'read' | 'failed';

/** Not yet accepted by Meta: a Meta status moves any of these forward. */
export const PRE_SEND_STATUSES: readonly MessageStatus[] = ['scheduled', 'queued', 'sending'];
export const TERMINAL_STATUSES: readonly MessageStatus[] = ['failed', 'canceled'];

const RANK: Partial<Record<MessageStatus, number>> = { scheduled: 0, queued: 0, sending: 0, sent: 1, delivered: 2, read: 3 };

/**
 * Whether a Meta status may replace the current one. Webhooks come duplicated and out of order, and `delivered`
 * may be skipped: a status only moves forward (sent < delivered < read); failed and canceled are final; a `failed`
 * after `read` is ignored (the read receipt proves delivery).
 */
export function canApplyMetaStatus(current: string, next: MetaMessageStatus): boolean {
  if (TERMINAL_STATUSES.includes(current as MessageStatus) || current === 'received') return false;
  const from = RANK[current as MessageStatus];
  if (from === undefined) return false;
  if (next === 'failed') return current !== 'read';
  return RANK[next]! > from;
}

/** The statuses a Meta status may move a message from (the compare-and-set guard of the update). */
export function statusesAdvancableTo(next: MetaMessageStatus): MessageStatus[] {
  return MESSAGE_STATUSES.filter((s) => canApplyMetaStatus(s, next));
}

export const STATUS_TIMESTAMP = {
  queued: 'queuedAt',
  sending: 'sendingAt',
  sent: 'sentAt',
  delivered: 'deliveredAt',
  read: 'readAt',
  failed: 'failedAt',
  canceled: 'canceledAt',
  received: 'receivedAt',
} as const;
