/**
 * How a processor tells the queue what to do with a job that did not complete. Anything else thrown is treated
 * like a RetryableError without an explicit delay.
 */

/** Try again later; counts as an attempt. Without `delayMs` the processor's backoff policy picks the delay. */
export class RetryableError extends Error {
  override readonly name = 'RetryableError';
  readonly delayMs: number | undefined;

  constructor(message: string, opts: { delayMs?: number; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.delayMs = opts.delayMs;
  }
}

/** Never retry; the processor's `onExhausted` runs and the job is dropped. */
export class PermanentError extends Error {
  override readonly name = 'PermanentError';

  constructor(message: string, opts: { cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
  }
}

/**
 * Run again after `delayMs` without counting an attempt: the job was not tried, it waited its turn (per-number
 * throughput, per-recipient ordering).
 */
export class RescheduleError extends Error {
  override readonly name = 'RescheduleError';

  constructor(
    readonly delayMs: number,
    message = `rescheduled in ${delayMs} ms`,
  ) {
    super(message);
  }
}
