import { AppError } from '../common/app-error.js';

/** How far ahead a send may be scheduled. */
export const MAX_SCHEDULE_AHEAD_MS = 30 * 24 * 3_600_000;

/**
 * Scheduled sends due within this horizon get a delayed job when accepted; later ones get theirs from the sweep
 * as their time approaches, so queues never hold weeks of delayed jobs (and no timer exceeds what Node or the
 * in-process driver can hold).
 */
export const SCHEDULE_JOB_HORIZON_MS = 3_600_000;

/** ISO 8601 date-time with an explicit offset: a time without a zone would mean something different on every server. */
export const SEND_AT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** The moment a `send_at` names, checked against `now`: in the future, at most MAX_SCHEDULE_AHEAD_MS ahead. */
export function scheduledTime(sendAt: string, now: Date): Date {
  const at = new Date(sendAt);
  if (!SEND_AT_PATTERN.test(sendAt) || Number.isNaN(at.getTime()) || !isCalendarDate(sendAt))
    throw AppError.validation(
      'send_at',
      'send_at must be an ISO 8601 date-time with a timezone, e.g. 2026-05-01T09:00:00+07:00.',
    );
  if (at.getTime() <= now.getTime())
    throw new AppError(
      'send_at_out_of_range',
      `send_at ${at.toISOString()} is not in the future (it is now ${now.toISOString()}).`,
      { param: 'send_at' },
    );
  if (at.getTime() - now.getTime() > MAX_SCHEDULE_AHEAD_MS)
    throw new AppError(
      'send_at_out_of_range',
      `send_at ${at.toISOString()} is more than 30 days ahead (latest ${new Date(now.getTime() + MAX_SCHEDULE_AHEAD_MS).toISOString()}).`,
      {
        param: 'send_at',
      },
    );
  return at;
}

/** The delay of the job that fires a scheduled send, or null when it is beyond the horizon (the sweep arms it later). */
export function fireDelayMs(sendAt: Date, now: Date, horizonMs = SCHEDULE_JOB_HORIZON_MS): number | null {
  const wait = sendAt.getTime() - now.getTime();
  if (wait > horizonMs) return null;
  return Math.max(0, wait);
}

/** A job that woke before its send's time waits again, never longer than the horizon (it re-checks then). */
export function waitAgainMs(sendAt: Date, now: Date, horizonMs = SCHEDULE_JOB_HORIZON_MS): number {
  return Math.min(horizonMs, Math.max(1, sendAt.getTime() - now.getTime()));
}

/** Date parsing rolls 2026-02-30 over to March 2; a send_at naming a day its month lacks is a mistake, not a time. */
function isCalendarDate(iso: string): boolean {
  const [y, m, d] = iso.slice(0, 10).split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}
