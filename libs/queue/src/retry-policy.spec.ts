import { PermanentError, RescheduleError, RetryableError } from './job-errors.js';
import { decideOutcome, DEFAULT_RETRY_POLICY, nextDelayMs } from './retry-policy.js';

const policy = { maxAttempts: 4, baseMs: 1_000, maxMs: 5_000 };
const almostOne = () => 0.999_999;

describe('nextDelayMs', () => {
  it('doubles the ceiling per attempt and caps it at maxMs', () => {
    expect([1, 2, 3, 4, 5].map((a) => nextDelayMs(a, policy, almostOne))).toEqual([999, 1_999, 3_999, 4_999, 4_999]);
  });

  it('is full jitter: anywhere from 0 up to the ceiling', () => {
    expect(nextDelayMs(3, policy, () => 0)).toBe(0);
    expect(nextDelayMs(3, policy, () => 0.5)).toBe(2_000);
  });

  it('stays finite for absurd attempt numbers', () => {
    expect(nextDelayMs(5_000, policy, almostOne)).toBe(4_999);
  });

  it('defaults to 1 s base, 10 min cap, 8 attempts', () => {
    expect(DEFAULT_RETRY_POLICY).toEqual({ maxAttempts: 8, baseMs: 1_000, maxMs: 600_000 });
  });
});

describe('decideOutcome', () => {
  it('retries plain errors by the policy until the last attempt', () => {
    expect(decideOutcome(new Error('x'), 1, policy, () => 0.5)).toEqual({ kind: 'retry', delayMs: 500 });
    expect(decideOutcome(new Error('x'), 3, policy, () => 0.5)).toEqual({ kind: 'retry', delayMs: 2_000 });
    expect(decideOutcome(new Error('x'), 4, policy)).toEqual({ kind: 'exhausted' });
    expect(decideOutcome('not even an Error', 4, policy)).toEqual({ kind: 'exhausted' });
  });

  it('uses the delay a RetryableError asks for, but still counts the attempt', () => {
    expect(decideOutcome(new RetryableError('429', { delayMs: 30_000 }), 1, policy)).toEqual({
      kind: 'retry',
      delayMs: 30_000,
    });
    expect(decideOutcome(new RetryableError('429', { delayMs: 30_000 }), 4, policy)).toEqual({ kind: 'exhausted' });
    expect(decideOutcome(new RetryableError('5xx'), 2, policy, () => 0.25)).toEqual({ kind: 'retry', delayMs: 500 });
  });

  it('gives up at once on PermanentError', () => {
    expect(decideOutcome(new PermanentError('bad number'), 1, policy)).toEqual({ kind: 'exhausted' });
  });

  it('reschedules without regard to attempts left', () => {
    expect(decideOutcome(new RescheduleError(250), 4, policy)).toEqual({ kind: 'reschedule', delayMs: 250 });
    expect(decideOutcome(new RescheduleError(-5), 1, policy)).toEqual({ kind: 'reschedule', delayMs: 0 });
  });
});
