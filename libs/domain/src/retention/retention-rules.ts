/**
 * How long each kind of data is kept, in days, per organization (Organization.settings.retention). Defaults apply to
 * every key an organization has not set. Rows older than their cutoff are removed by the periodic retention job.
 */
export interface RetentionDays {
  /** Raw Meta webhook payloads (InboundEvent rows) once processed. */
  raw_payloads_days: number;
  /** Customer webhook deliveries and their attempts, once finished (succeeded or failed). */
  webhook_deliveries_days: number;
  /** Media bytes; the media row stays (status `deleted`) so messages still reference it. */
  media_days: number;
  audit_logs_days: number;
}

export type RetentionKey = keyof RetentionDays;

export const RETENTION_DEFAULTS: Readonly<RetentionDays> = {
  raw_payloads_days: 30,
  webhook_deliveries_days: 30,
  media_days: 90,
  audit_logs_days: 365,
};

/**
 * Allowed ranges. Raw payloads are capped at the platform default: their table is shared by all organizations
 * (a payload is stored before we know whose it is), so the platform keeps them at most 30 days and the shortest
 * setting of any organization applies to all of them.
 */
export const RETENTION_LIMITS: Readonly<Record<RetentionKey, { min: number; max: number }>> = {
  raw_payloads_days: { min: 1, max: RETENTION_DEFAULTS.raw_payloads_days },
  webhook_deliveries_days: { min: 1, max: 3650 },
  media_days: { min: 1, max: 3650 },
  audit_logs_days: { min: 30, max: 3650 },
};

export const RETENTION_KEYS = Object.keys(RETENTION_DEFAULTS) as RetentionKey[];

const DAY_MS = 86_400_000;

/** The explicit overrides stored under settings.retention (anything malformed is ignored, never trusted). */
export function storedOverrides(settings: unknown): Partial<RetentionDays> {
  const raw = settings && typeof settings === 'object' ? (settings as Record<string, unknown>).retention : undefined;
  if (!raw || typeof raw !== 'object') return {};
  const out: Partial<RetentionDays> = {};
  for (const key of RETENTION_KEYS) {
    const v = (raw as Record<string, unknown>)[key];
    const { min, max } = RETENTION_LIMITS[key];
    if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max) out[key] = v;
  }
  return out;
}

/** The days in force for an organization: its overrides over the defaults. */
export function effectiveRetention(settings: unknown): RetentionDays {
  return { ...RETENTION_DEFAULTS, ...storedOverrides(settings) };
}

/** Applies a PATCH: a number sets a key, null returns it to the default, an absent key is left as it is. */
export function patchOverrides(
  current: Partial<RetentionDays>,
  patch: Partial<Record<RetentionKey, number | null>>,
): Partial<RetentionDays> {
  const next: Partial<RetentionDays> = { ...current };
  for (const key of RETENTION_KEYS) {
    if (!(key in patch) || patch[key] === undefined) continue;
    const v = patch[key];
    if (v === null) delete next[key];
    else next[key] = v;
  }
  return next;
}

export function cutoff(now: Date, days: number): Date {
  return new Date(now.getTime() - days * DAY_MS);
}

/** The cutoff of the shared raw-payload table: the shortest of the platform default and every organization's setting. */
export function rawPayloadCutoff(now: Date, organizationDays: (number | null | undefined)[]): Date {
  const valid = organizationDays.filter(
    (d): d is number => typeof d === 'number' && d >= RETENTION_LIMITS.raw_payloads_days.min,
  );
  return cutoff(now, Math.min(RETENTION_DEFAULTS.raw_payloads_days, ...valid));
}
