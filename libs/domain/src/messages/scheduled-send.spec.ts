import { AppError } from '../common/app-error.js';
import { presentFallback, readFallback, withFallbackUsed } from './message-fallback.js';
import {
  fireDelayMs,
  MAX_SCHEDULE_AHEAD_MS,
  scheduledTime,
  SCHEDULE_JOB_HORIZON_MS,
  waitAgainMs,
} from './scheduled-send.js';

describe('scheduled sends (rules)', () => {
  const now = new Date('2026-03-01T12:00:00.000Z');
  const refusal = (sendAt: string) => {
    try {
      scheduledTime(sendAt, now);
    } catch (err) {
      return err as AppError;
    }
    throw new Error(`${sendAt} was accepted`);
  };

  it('accepts a future ISO 8601 date-time with a timezone, up to 30 days ahead', () => {
    expect(scheduledTime('2026-03-01T19:00:01+07:00', now).toISOString()).toBe('2026-03-01T12:00:01.000Z');
    expect(scheduledTime('2026-03-01T12:00:00.001Z', now).getTime()).toBe(now.getTime() + 1);
    expect(scheduledTime(new Date(now.getTime() + MAX_SCHEDULE_AHEAD_MS).toISOString(), now).getTime()).toBe(
      now.getTime() + MAX_SCHEDULE_AHEAD_MS,
    );
  });

  it('refuses the past, now, and more than 30 days ahead (422), and times without a zone (400)', () => {
    expect(refusal('2026-03-01T11:59:59Z')).toMatchObject({
      code: 'send_at_out_of_range',
      status: 422,
      param: 'send_at',
    });
    expect(refusal('2026-03-01T12:00:00Z')).toMatchObject({ code: 'send_at_out_of_range' });
    expect(refusal(new Date(now.getTime() + MAX_SCHEDULE_AHEAD_MS + 1).toISOString())).toMatchObject({
      code: 'send_at_out_of_range',
    });
    expect(refusal('2026-03-02T09:00:00')).toMatchObject({ code: 'validation_failed', status: 400, param: 'send_at' });
    expect(refusal('2026-03-02')).toMatchObject({ code: 'validation_failed' });
    expect(refusal('tomorrow')).toMatchObject({ code: 'validation_failed' });
    expect(refusal('2026-13-01T09:00:00Z')).toMatchObject({ code: 'validation_failed' });
    expect(refusal('2026-02-30T09:00:00Z')).toMatchObject({ code: 'validation_failed' });
    expect(refusal('2026-03-01T25:00:00Z')).toMatchObject({ code: 'validation_failed' });
  });

  it('arms a delayed job only within the horizon, and re-waits at most the horizon', () => {
    expect(fireDelayMs(new Date(now.getTime() + 1500), now)).toBe(1500);
    expect(fireDelayMs(new Date(now.getTime() - 5), now)).toBe(0);
    expect(fireDelayMs(new Date(now.getTime() + SCHEDULE_JOB_HORIZON_MS + 1), now)).toBeNull();
    expect(waitAgainMs(new Date(now.getTime() + 20 * 24 * 3_600_000), now)).toBe(SCHEDULE_JOB_HORIZON_MS);
    expect(waitAgainMs(new Date(now.getTime() + 250), now)).toBe(250);
    expect(waitAgainMs(now, now)).toBe(1);
  });

  it('records a used fallback with the original message, and presents both states', () => {
    const template = { name: 'order_update', language: { code: 'en' } };
    const used = withFallbackUsed('text', { body: 'hi' }, template);
    expect(used).toMatchObject({ type: 'template', content: template });
    expect(presentFallback(used.fallback)).toEqual({
      fallback_used: true,
      original: { type: 'text', text: { body: 'hi' } },
    });
    expect(presentFallback({ template })).toEqual({ fallback_used: false, fallback_template: template });
    expect(presentFallback(null)).toEqual({});
    expect(readFallback({ used: true })).toBeNull();
  });
});
