import type { WebhookStatusValue } from './webhook-payload.types.js';

/** Rank of outbound statuses: sent < delivered < read; `failed` is terminal and ranks above all. */
export const STATUS_RANK: Readonly<Record<WebhookStatusValue, number>> = { sent: 1, delivered: 2, read: 3, failed: 4 };

/**
 * Whether a status update may replace the current one. Webhooks arrive duplicated and out of order: a status never
 * moves backwards, and nothing moves a `failed` message (nor does `failed` replace `read`, which proves delivery).
 */
export function isStatusAdvance(current: WebhookStatusValue | null | undefined, next: WebhookStatusValue): boolean {
  if (!current) return true;
  if (current === 'failed') return false;
  if (next === 'failed') return current !== 'read';
  return STATUS_RANK[next] > STATUS_RANK[current];
}
