import { PermanentError, RescheduleError, RetryableError } from './job-errors.js';

export interface RetryPolicy {
  /** Attempts in total, the first one included. */
  maxAttempts: number;
  /** Exponential backoff with full jitter: the n-th retry waits a random time in [0, min(maxMs, baseMs·2^(n-1))). */
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = { maxAttempts: 8, baseMs: 1_000, maxMs: 10 * 60_000 };

/**
 * Delay before the retry that follows failed attempt `attempt` (1-based). Full jitter spreads the retries of many
 * jobs failing together (Meta outage, customer endpoint down) instead of synchronising them into waves.
 */
export function nextDelayMs(
  attempt: number,
  policy: Pick<RetryPolicy, 'baseMs' | 'maxMs'>,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, attempt - 1);
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  return Math.floor(random() * ceiling);
}

/** What happens to a job whose handler threw. */
export type JobOutcome =
  { kind: 'reschedule'; delayMs: number } | { kind: 'retry'; delayMs: number } | { kind: 'exhausted' };

/** The one decision both drivers apply, so the in-process default and BullMQ retry identically. */
export function decideOutcome(
  error: unknown,
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): JobOutcome {
  if (error instanceof RescheduleError) return { kind: 'reschedule', delayMs: clampDelay(error.delayMs) };
  if (error instanceof PermanentError || attempt >= policy.maxAttempts) return { kind: 'exhausted' };
  const explicit = error instanceof RetryableError ? error.delayMs : undefined;
  return {
    kind: 'retry',
    delayMs: explicit === undefined ? nextDelayMs(attempt, policy, random) : clampDelay(explicit),
  };
}

function clampDelay(ms: number): number {
  return Number.isFinite(ms) && ms > 0 ? Math.ceil(ms) : 0;
}
