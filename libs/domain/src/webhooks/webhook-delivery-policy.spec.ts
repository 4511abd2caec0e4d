import { AppConfig, DEFAULT_WEBHOOK_RETRY_SCHEDULE_MS } from '#config';
import {
  AUTO_DISABLE_AFTER_FAILURES,
  AUTO_DISABLE_AFTER_MS,
  MAX_RETRY_AFTER_MS,
  maxAttempts,
  parseRetryAfter,
  retryDelayMs,
  shouldAutoDisable,
  verdictOf,
} from './webhook-delivery-policy.js';

const HOUR = 3_600_000;

describe('retry schedule', () => {
  const schedule = DEFAULT_WEBHOOK_RETRY_SCHEDULE_MS;

  it('spans about three days in a bounded number of attempts', () => {
    const total = schedule.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(2.5 * 24 * HOUR);
    expect(total).toBeLessThan(3.5 * 24 * HOUR);
    expect(maxAttempts(schedule)).toBe(11);
    expect(schedule[0]).toBe(5_000);
    // Non-decreasing: never retry faster after more failures.
    for (let i = 1; i < schedule.length; i++) expect(schedule[i]).toBeGreaterThanOrEqual(schedule[i - 1]);
  });

  it('jitters each step within ±20 % and gives up after the last', () => {
    schedule.forEach((step, i) => {
      expect(retryDelayMs(schedule, i + 1, undefined, () => 0)).toBe(Math.round(step * 0.8));
      expect(retryDelayMs(schedule, i + 1, undefined, () => 0.5)).toBe(step);
      expect(retryDelayMs(schedule, i + 1, undefined, () => 0.999999)).toBeLessThanOrEqual(Math.round(step * 1.2));
    });
    expect(retryDelayMs(schedule, schedule.length + 1)).toBeNull();
    expect(retryDelayMs(schedule, 0)).toBeNull();
  });

  it('honours a larger Retry-After, capped, and ignores a smaller one', () => {
    expect(retryDelayMs([1000], 1, 60_000, () => 0.5)).toBe(60_000);
    expect(retryDelayMs([10_000], 1, 2_000, () => 0.5)).toBe(10_000);
    expect(retryDelayMs([1000], 1, 30 * 24 * HOUR, () => 0.5)).toBe(MAX_RETRY_AFTER_MS);
  });
});

describe('WEBHOOK_RETRY_SCHEDULE_MS', () => {
  const env = {
    DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/x',
    META_APP_SECRET: 's',
    META_VERIFY_TOKEN: 't',
    ENCRYPTION_KEY: 'a'.repeat(64),
  };
  it('defaults to the three-day schedule and accepts a short one for tests', () => {
    expect(new AppConfig(env).webhookRetryScheduleMs).toEqual(DEFAULT_WEBHOOK_RETRY_SCHEDULE_MS);
    expect(new AppConfig({ ...env, WEBHOOK_RETRY_SCHEDULE_MS: '100, 200,0' }).webhookRetryScheduleMs).toEqual([
      100, 200, 0,
    ]);
  });
  it.each(['1,x', '-5', '1,,2', String(8 * 86_400_000), Array(31).fill('1').join(',')])(
    'refuses %p, naming the key',
    (v) => {
      expect(() => new AppConfig({ ...env, WEBHOOK_RETRY_SCHEDULE_MS: v })).toThrow(/WEBHOOK_RETRY_SCHEDULE_MS/);
    },
  );
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads delay-seconds and HTTP dates', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:01:30 GMT', now)).toBe(90_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0); // in the past
    expect(parseRetryAfter(['30', '60'], now)).toBe(30_000);
  });
  it('ignores garbage', () => {
    for (const v of [undefined, '', '-5', '1.5', 'soon', 'tomorrow-ish'])
      expect(parseRetryAfter(v, now)).toBeUndefined();
  });
});

describe('auto-disable', () => {
  const now = new Date('2026-01-10T00:00:00Z');
  const ago = (ms: number) => new Date(now.getTime() - ms);
  it('needs both a long run of failures and a long time without success', () => {
    expect(
      shouldAutoDisable(
        { consecutiveFailures: AUTO_DISABLE_AFTER_FAILURES, failingSince: ago(AUTO_DISABLE_AFTER_MS) },
        now,
      ),
    ).toBe(true);
    expect(shouldAutoDisable({ consecutiveFailures: 10_000, failingSince: ago(AUTO_DISABLE_AFTER_MS - 1) }, now)).toBe(
      false,
    );
    expect(
      shouldAutoDisable(
        { consecutiveFailures: AUTO_DISABLE_AFTER_FAILURES - 1, failingSince: ago(30 * 24 * HOUR) },
        now,
      ),
    ).toBe(false);
    expect(shouldAutoDisable({ consecutiveFailures: 100, failingSince: null }, now)).toBe(false);
  });
});

describe('verdictOf', () => {
  it('is a success only for a 2xx without an error', () => {
    expect(verdictOf(200, null)).toBe('succeeded');
    expect(verdictOf(204, null)).toBe('succeeded');
    expect(verdictOf(299, null)).toBe('succeeded');
    expect(verdictOf(410, null)).toBe('gone');
    for (const code of [199, 301, 302, 400, 404, 429, 500, 503]) expect(verdictOf(code, null)).toBe('failed');
    expect(verdictOf(302, 'after a redirect, target refused: …')).toBe('failed');
    expect(verdictOf(null, 'ECONNREFUSED')).toBe('failed');
  });
});
