import { AppError } from '../common/app-error.js';
import type { OrganizationSettings } from '../settings/organization-settings.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/**
 * The guard rails on assistant-driven (MCP) sends, as pure decisions: each returns the refusal, or null when the
 * send may go. The facts (counts, times) come from PostgreSQL under the send transaction's locks.
 */

export function allowListRefusal(s: OrganizationSettings, to: string): AppError | null {
  const list = s.mcpRecipientAllowList;
  if (list === null || list.includes(to)) return null;
  return new AppError(
    'guard_rail_recipient_not_allowed',
    list.length === 0
      ? 'Assistant sends are switched off for this organization (its recipient allow-list is empty).'
      : `${to} is not on this organization's allow-list for assistant sends (${list.length} number${list.length === 1 ? '' : 's'} are).`,
    { param: 'to' },
  );
}

/**
 * `recent`: creation times of the assistant's messages to this recipient in the last hour, oldest first. A slot
 * frees when the oldest of the messages over the limit leaves the rolling hour.
 */
export function recipientRateRefusal(s: OrganizationSettings, to: string, recent: Date[], now: Date): AppError | null {
  const cap = s.mcpMaxMessagesPerRecipientPerHour;
  const inHour = recent.filter((d) => d.getTime() > now.getTime() - HOUR_MS);
  if (inHour.length < cap) return null;
  const retryAt = new Date(inHour[inHour.length - cap].getTime() + HOUR_MS);
  return new AppError(
    'guard_rail_recipient_rate',
    `The assistant already sent ${inHour.length} message${inHour.length === 1 ? '' : 's'} to ${to} in the last hour (limit ${cap}); ` +
      `the next one is allowed at ${retryAt.toISOString()}.`,
    { param: 'to', limit: cap, retry_after: retryAt.toISOString() },
  );
}

/** `newToday`: recipients the assistant contacted first in the last 24 hours (this one not counted). */
export function newRecipientRefusal(s: OrganizationSettings, to: string, newToday: number): AppError | null {
  const cap = s.mcpMaxNewRecipientsPerDay;
  if (newToday < cap) return null;
  return new AppError(
    'guard_rail_new_recipients',
    cap === 0
      ? `${to} has no conversation with this organization yet, and assistants may only message existing contacts here.`
      : `${to} has no conversation with this organization yet, and the assistant already started ${newToday} new conversation${newToday === 1 ? '' : 's'} ` +
          `in the last 24 hours (limit ${cap}).`,
    { param: 'to', limit: cap },
  );
}
