import type { Broadcast, Template } from '#db';
import { AppError } from '../common/app-error.js';
import { normalizePhone } from '../common/phone.js';
import type { StoredComponent } from '../templates/template-parameters.js';

/** At most this many recipients per `POST /v1/broadcasts/{id}/recipients`. */
export const MAX_RECIPIENTS_PER_CALL = 1_000;
/** A broadcast's size limit: beyond it, split the audience into several broadcasts. */
export const MAX_RECIPIENTS_PER_BROADCAST = 100_000;
/**
 * Queue priority of broadcast deliveries. One-to-one sends carry no priority, which both queue drivers run first,
 * so a broadcast never delays them in the queue (the number's token bucket is still shared).
 */
export const BROADCAST_PRIORITY = 10;
/** Messages a broadcast keeps queued at once, in seconds of the number's throughput. */
export const WINDOW_SECONDS = 2;
/** Upper bound of one materialization step, so one step stays short even for 1,000/s numbers. */
export const MAX_STEP = 500;

export type TemplateComponent = {
  type: string;
  sub_type?: string;
  index?: string | number;
  parameters?: unknown[];
  [k: string]: unknown;
};

export interface RecipientInput {
  to: string;
  components?: TemplateComponent[];
  /** Body parameters shorthand: values in order (POSITIONAL templates) or by name (NAMED templates). */
  parameters?: string[] | Record<string, string>;
}

export interface AcceptedRecipient {
  index: number;
  to: string;
  /** The recipient's own components (defaults are merged at send time). */
  components: TemplateComponent[];
}

export interface RejectedRecipient {
  index: number;
  to: string;
  code: string;
  message: string;
}

export interface DuplicateRecipient {
  index: number;
  to: string;
  reason: 'duplicate_in_request' | 'already_in_broadcast';
}

export interface ParsedRecipients {
  accepted: AcceptedRecipient[];
  duplicates: DuplicateRecipient[];
  invalid: RejectedRecipient[];
}

/**
 * Normalizes, deduplicates (within the call) and checks each recipient on its own: a bad number or parameters
 * reject that recipient only. `check` receives the merged components and throws an AppError when they do not fit
 * the template.
 */
export function parseRecipients(
  input: RecipientInput[],
  defaults: TemplateComponent[],
  check: (merged: TemplateComponent[]) => void,
): ParsedRecipients {
  const out: ParsedRecipients = { accepted: [], duplicates: [], invalid: [] };
  const seen = new Set<string>();
  input.forEach((r, index) => {
    const raw = typeof r?.to === 'string' ? r.to : String(r?.to);
    let to: string;
    try {
      to = normalizePhone(raw, `recipients[${index}].to`);
    } catch (err) {
      out.invalid.push({
        index,
        to: raw,
        code: 'invalid_phone_number',
        message: err instanceof Error ? err.message : String(err),
      });
      return;
    }
    if (seen.has(to)) {
      out.duplicates.push({ index, to, reason: 'duplicate_in_request' });
      return;
    }
    seen.add(to);
    try {
      const components = ownComponents(r);
      check(mergeComponents(defaults, components));
      out.accepted.push({ index, to, components });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      out.invalid.push({ index, to, code: err.code, message: err.message });
    }
  });
  return out;
}

/** A recipient's components: `components` as given, plus a body component built from the `parameters` shorthand. */
export function ownComponents(r: Pick<RecipientInput, 'components' | 'parameters'>): TemplateComponent[] {
  const components = [...(r.components ?? [])];
  if (r.parameters === undefined) return components;
  if (components.some((c) => c.type?.toLowerCase() === 'body'))
    throw new AppError(
      'validation_failed',
      'Give the body parameters either as parameters or as a body component, not both.',
      { param: 'parameters' },
    );
  const parameters = Array.isArray(r.parameters)
    ? r.parameters.map((text) => ({ type: 'text', text }))
    : Object.entries(r.parameters).map(([name, text]) => ({ type: 'text', parameter_name: name, text }));
  components.push({ type: 'body', parameters });
  return components;
}

/** Which component a send-time component fills: header, body, or button n. */
export function componentKey(c: TemplateComponent): string {
  const type = String(c.type ?? '').toLowerCase();
  return type === 'button' ? `button:${String(c.index ?? '')}` : type;
}

/** The broadcast's default components with the recipient's replacing those that fill the same part. */
export function mergeComponents(defaults: TemplateComponent[], own: TemplateComponent[]): TemplateComponent[] {
  const ownKeys = new Set(own.map(componentKey));
  return [...defaults.filter((d) => !ownKeys.has(componentKey(d))), ...own];
}

/** Whether a value is a valid `parameters` shorthand (the DTO validates with it). */
export function isParametersShorthand(v: unknown): v is string[] | Record<string, string> {
  if (Array.isArray(v)) return v.length <= 100 && v.every((s) => typeof s === 'string' && s.length <= 32768);
  if (!v || typeof v !== 'object') return false;
  const entries = Object.entries(v);
  return (
    entries.length <= 100 &&
    entries.every(([k, s]) => /^[a-z0-9_]{1,64}$/.test(k) && typeof s === 'string' && s.length <= 32768)
  );
}

/** How many more recipients to hand to the delivery queue now: the window is `WINDOW_SECONDS` of throughput. */
export function windowRoom(throughputPerSecond: number, inFlight: number): number {
  const window = Math.max(1, Math.ceil(throughputPerSecond * WINDOW_SECONDS));
  return Math.max(0, Math.min(MAX_STEP, window - inFlight));
}

/** What a recipient shows: its own state until its message exists, then its message's (queued while not at Meta). */
export type RecipientStatus = 'pending' | 'queued' | 'sent' | 'delivered' | 'read' | 'failed' | 'skipped' | 'canceled';

export function recipientStatus(recipientStatus: string, messageStatus: string | null): RecipientStatus {
  if (recipientStatus !== 'queued') return recipientStatus as RecipientStatus;
  switch (messageStatus) {
    case 'sent':
    case 'delivered':
    case 'read':
    case 'failed':
    case 'canceled':
      return messageStatus;
    default:
      // queued, sending, scheduled — or a message erased with its contact (then the recipient row is gone too).
      return 'queued';
  }
}

export interface BroadcastCounts {
  total: number;
  /** Not at Meta yet: waiting to be queued, or queued for delivery. */
  pending: number;
  /** Accepted by Meta (sent, delivered or read). */
  sent: number;
  /** Delivered to the phone (delivered or read). */
  delivered: number;
  read: number;
  failed: number;
  /** Recipients who wrote to the number after their broadcast message was sent. */
  replied: number;
  /** Not sent on purpose (skip_reason says why: opted_out, template_not_approved, phone_number_unavailable). */
  skipped: number;
  canceled: number;
}

/** One row of the GROUP BY over recipients joined with their messages. */
export interface CountGroup {
  recipientStatus: string;
  messageStatus: string | null;
  replied: boolean;
  n: number;
}

/** Counters from the grouped statuses: derived from the messages every time, so they never drift from them. */
export function deriveCounts(groups: CountGroup[]): BroadcastCounts {
  const c: BroadcastCounts = {
    total: 0,
    pending: 0,
    sent: 0,
    delivered: 0,
    read: 0,
    failed: 0,
    replied: 0,
    skipped: 0,
    canceled: 0,
  };
  for (const g of groups) {
    c.total += g.n;
    const s = recipientStatus(g.recipientStatus, g.messageStatus);
    if (s === 'pending' || s === 'queued') c.pending += g.n;
    else if (s === 'failed') c.failed += g.n;
    else if (s === 'skipped') c.skipped += g.n;
    else if (s === 'canceled') c.canceled += g.n;
    else {
      c.sent += g.n;
      if (s === 'delivered' || s === 'read') c.delivered += g.n;
      if (s === 'read') c.read += g.n;
      if (g.replied) c.replied += g.n;
    }
  }
  return c;
}

export function defaultsOf(b: Pick<Broadcast, 'components'>): TemplateComponent[] {
  return (Array.isArray(b.components) ? b.components : []) as TemplateComponent[];
}

export function componentsOf(t: Pick<Template, 'components'>): StoredComponent[] {
  return (Array.isArray(t.components) ? t.components : []) as StoredComponent[];
}
