/**
 * The rules of one delivery's life: when to try again, when to stop, when to give up on the endpoint. Pure
 * functions, so the schedule is tested without clocks and the processor only applies them.
 */

/** ±20 %: many deliveries failing together (an endpoint outage) spread out instead of retrying in waves. */
export const RETRY_JITTER = 0.2;
/** A Retry-After above this is capped: an endpoint cannot park a delivery beyond the retry window. */
export const MAX_RETRY_AFTER_MS = 24 * 3_600_000;
/** Auto-disable needs BOTH a long run of failed attempts and a long time without a success (see shouldAutoDisable). */
export const AUTO_DISABLE_AFTER_FAILURES = 50;
export const AUTO_DISABLE_AFTER_MS = 5 * 86_400_000;

/**
 * Delay before the next attempt after attempt `attempt` (1-based, counted in the current cycle) failed, or null when
 * the schedule is exhausted. `schedule[n-1]` is the pause after the n-th failure, jittered; a larger Retry-After wins.
 */
export function retryDelayMs(
  schedule: readonly number[],
  attempt: number,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number | null {
  if (attempt < 1 || attempt > schedule.length) return null;
  const jittered = Math.round(schedule[attempt - 1] * (1 - RETRY_JITTER + 2 * RETRY_JITTER * random()));
  const asked = retryAfterMs === undefined ? 0 : Math.min(retryAfterMs, MAX_RETRY_AFTER_MS);
  return Math.max(jittered, asked);
}

/** Attempts in one cycle: the first plus one per scheduled pause. */
export function maxAttempts(schedule: readonly number[]): number {
  return schedule.length + 1;
}

/** Retry-After as delay-seconds or an HTTP-date (RFC 9110 §10.2.3); undefined when absent or unparsable. */
export function parseRetryAfter(value: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const v = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!v) return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  if (!/[a-z]/i.test(v)) return undefined; // "1.5", "-3": neither form
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * An endpoint is disabled once it has failed at least AUTO_DISABLE_AFTER_FAILURES attempts in a row AND has not
 * succeeded for AUTO_DISABLE_AFTER_MS. Either alone is wrong: a busy endpoint racks up 50 failures in a short
 * outage, and a quiet one can be "failing" for days on the strength of a single event.
 */
export function shouldAutoDisable(sub: { consecutiveFailures: number; failingSince: Date | null }, now: Date): boolean {
  return (
    sub.consecutiveFailures >= AUTO_DISABLE_AFTER_FAILURES &&
    sub.failingSince !== null &&
    now.getTime() - sub.failingSince.getTime() >= AUTO_DISABLE_AFTER_MS
  );
}

/** What one attempt's response means. */
export type AttemptVerdict = 'succeeded' | 'gone' | 'failed';

export function verdictOf(statusCode: number | null, error: string | null): AttemptVerdict {
  if (error === null && statusCode !== null && statusCode >= 200 && statusCode < 300) return 'succeeded';
  if (error === null && statusCode === 410) return 'gone';
  return 'failed';
}
