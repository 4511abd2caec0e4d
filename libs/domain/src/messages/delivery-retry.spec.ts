import { orderWaitMs, retryDelayMs } from './delivery-retry.js';

describe('delivery retry delays', () => {
  const lo = () => 0;
  const hi = () => 0.999999;

  it('retries a throttled number within about a second', () => {
    expect(retryDelayMs('number_throttle', 1, lo)).toBe(1_000);
    expect(retryDelayMs('number_throttle', 5, hi)).toBeLessThan(2_000);
  });

  it('waits at least 6 s for the pair rate limit of one recipient', () => {
    expect(retryDelayMs('recipient_throttle', 1, lo)).toBeGreaterThanOrEqual(6_000);
    expect(retryDelayMs('recipient_throttle', 3, hi)).toBeLessThan(9_000);
  });

  it('backs off for minutes after the spam limit, capped at 30 min', () => {
    expect(retryDelayMs('hard_backoff', 1, lo)).toBeGreaterThanOrEqual(150_000);
    expect(retryDelayMs('hard_backoff', 10, hi)).toBeLessThanOrEqual(30 * 60_000);
  });

  it('backs off exponentially for transient errors, capped at a minute', () => {
    expect(retryDelayMs('backoff', 1, lo)).toBe(500);
    expect(retryDelayMs('backoff', 2, lo)).toBe(1_000);
    expect(retryDelayMs('backoff', 3, lo)).toBe(2_000);
    expect(retryDelayMs('backoff', 20, hi)).toBeLessThanOrEqual(60_000);
  });

  it('waits for an earlier message until its retry is due, else briefly', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(orderWaitMs({ status: 'queued', nextAttemptAt: new Date(now.getTime() + 5_000) }, now)).toBe(5_050);
    expect(orderWaitMs({ status: 'queued', nextAttemptAt: null }, now)).toBe(250);
    expect(orderWaitMs({ status: 'sending', nextAttemptAt: null }, now)).toBe(250);
    expect(orderWaitMs({ status: 'queued', nextAttemptAt: new Date(now.getTime() + 10 * 60_000) }, now)).toBe(60_000);
  });
});
