import {
  cutoff,
  effectiveRetention,
  patchOverrides,
  rawPayloadCutoff,
  RETENTION_DEFAULTS,
  storedOverrides,
} from './retention-rules.js';

const now = new Date('2026-03-01T00:00:00Z');
const daysBefore = (d: Date) => (now.getTime() - d.getTime()) / 86_400_000;

describe('retention rules', () => {
  it('documents its defaults: raw payloads 30 d, deliveries 30 d, media 90 d, audit 365 d', () => {
    expect(RETENTION_DEFAULTS).toEqual({
      raw_payloads_days: 30,
      webhook_deliveries_days: 30,
      media_days: 90,
      audit_logs_days: 365,
    });
    expect(effectiveRetention({})).toEqual(RETENTION_DEFAULTS);
    expect(effectiveRetention(null)).toEqual(RETENTION_DEFAULTS);
  });

  it('applies an organization’s overrides and ignores malformed or out-of-range ones', () => {
    const settings = {
      opt_out_keywords: ['STOP'],
      retention: { media_days: 7, audit_logs_days: 5, webhook_deliveries_days: '9', raw_payloads_days: 2.5 },
    };
    expect(storedOverrides(settings)).toEqual({ media_days: 7 });
    expect(effectiveRetention(settings)).toEqual({ ...RETENTION_DEFAULTS, media_days: 7 });
    expect(storedOverrides({ retention: [] })).toEqual({});
  });

  it('a patch sets numbers, null returns a key to its default, absent keys stay', () => {
    expect(
      patchOverrides({ media_days: 7, audit_logs_days: 400 }, { media_days: null, webhook_deliveries_days: 3 }),
    ).toEqual({ audit_logs_days: 400, webhook_deliveries_days: 3 });
  });

  it('cutoffs are whole days before now', () => {
    expect(daysBefore(cutoff(now, 90))).toBe(90);
  });

  it('the shared raw-payload table keeps the shortest of the platform default and every organization’s setting', () => {
    expect(daysBefore(rawPayloadCutoff(now, []))).toBe(30);
    expect(daysBefore(rawPayloadCutoff(now, [undefined, 12, 20]))).toBe(12);
    expect(daysBefore(rawPayloadCutoff(now, [0, -3, null]))).toBe(30);
  });
});
