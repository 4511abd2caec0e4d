import { Injectable } from '@nestjs/common';
import { SandboxAdminError } from './sandbox-admin.error.js';

/** How the sandbox's simulated Meta behaves (PUT /_sandbox/webhook_behavior). Wire shape: snake_case. */
export interface SandboxBehavior {
  /** Probability that a webhook is delivered twice. */
  duplicate_rate: number;
  /** Probability that a webhook is never delivered (as if Meta gave up retrying). */
  drop_rate: number;
  /** Deliver the statuses of a message in random order, and batched webhooks in random order. */
  shuffle: boolean;
  /** Extra random delay [min, max] added to every webhook. */
  delay_ms: [number, number];
  /** When each status of an accepted message is emitted, after the send. */
  status_delays_ms: { sent: number; delivered: number; read: number };
  /** The customer reads every message (emit `read`). */
  auto_read: boolean;
  /** Probability that `delivered` is skipped (Meta may skip it). */
  skip_delivered_rate: number;
  /** Review time of a template created through the API (PENDING → APPROVED/REJECTED). */
  template_review_ms: number;
  /** Lifetime of a media download URL (Meta: 5 minutes). */
  media_url_ttl_ms: number;
  /** Fetch `link` media of outbound messages like Meta does (an unreachable link fails the message with 131053). */
  media_link_fetch: boolean;
  /** Webhook delivery attempts before giving up, and the first retry delay (doubled each time). */
  webhook_max_attempts: number;
  webhook_retry_base_ms: number;
  /** Most webhook updates batched in one POST when several are ready at once. */
  webhook_batch_max: number;
}

export const DEFAULT_BEHAVIOR: SandboxBehavior = {
  duplicate_rate: 0,
  drop_rate: 0,
  shuffle: false,
  delay_ms: [0, 0],
  status_delays_ms: { sent: 50, delivered: 150, read: 400 },
  auto_read: true,
  skip_delivered_rate: 0,
  template_review_ms: 1_000,
  media_url_ttl_ms: 5 * 60_000,
  media_link_fetch: true,
  webhook_max_attempts: 5,
  webhook_retry_base_ms: 1_000,
  webhook_batch_max: 25,
};

@Injectable()
export class SandboxBehaviorStore {
  private current: SandboxBehavior = structuredClone(DEFAULT_BEHAVIOR);

  get(): SandboxBehavior {
    return this.current;
  }

  /** Replaces the behaviour; omitted fields take their defaults. */
  set(input: unknown): SandboxBehavior {
    this.current = parseBehavior(input);
    return this.current;
  }

  /** Changes the fields given, keeps the others. */
  patch(input: unknown): SandboxBehavior {
    if (!input || typeof input !== 'object' || Array.isArray(input)) throw new SandboxAdminError(400, 'The body must be a JSON object');
    this.current = parseBehavior({ ...structuredClone(this.current), ...(input as object) });
    return this.current;
  }

  reset(): void {
    this.current = structuredClone(DEFAULT_BEHAVIOR);
  }
}

function parseBehavior(input: unknown): SandboxBehavior {
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw new SandboxAdminError(400, 'The body must be a JSON object');
  const b = input as Record<string, unknown>;
  const known = new Set(Object.keys(DEFAULT_BEHAVIOR));
  const unknown = Object.keys(b).filter((k) => !known.has(k));
  if (unknown.length) throw new SandboxAdminError(400, `Unknown behaviour field(s): ${unknown.join(', ')}`);
  const d = DEFAULT_BEHAVIOR;
  const out: SandboxBehavior = {
    duplicate_rate: rate(b.duplicate_rate, 'duplicate_rate', d.duplicate_rate),
    drop_rate: rate(b.drop_rate, 'drop_rate', d.drop_rate),
    shuffle: flag(b.shuffle, 'shuffle', d.shuffle),
    delay_ms: range(b.delay_ms, 'delay_ms', d.delay_ms),
    status_delays_ms: statusDelays(b.status_delays_ms),
    auto_read: flag(b.auto_read, 'auto_read', d.auto_read),
    skip_delivered_rate: rate(b.skip_delivered_rate, 'skip_delivered_rate', d.skip_delivered_rate),
    template_review_ms: ms(b.template_review_ms, 'template_review_ms', d.template_review_ms),
    media_url_ttl_ms: ms(b.media_url_ttl_ms, 'media_url_ttl_ms', d.media_url_ttl_ms),
    media_link_fetch: flag(b.media_link_fetch, 'media_link_fetch', d.media_link_fetch),
    webhook_max_attempts: int(b.webhook_max_attempts, 'webhook_max_attempts', d.webhook_max_attempts, 1, 20),
    webhook_retry_base_ms: ms(b.webhook_retry_base_ms, 'webhook_retry_base_ms', d.webhook_retry_base_ms),
    webhook_batch_max: int(b.webhook_batch_max, 'webhook_batch_max', d.webhook_batch_max, 1, 1000),
  };
  return out;
}

const MAX_MS = 24 * 3_600_000;

function rate(v: unknown, key: string, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new SandboxAdminError(400, `${key} must be a number from 0 to 1`);
  return v;
}

function flag(v: unknown, key: string, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') throw new SandboxAdminError(400, `${key} must be true or false`);
  return v;
}

function ms(v: unknown, key: string, dflt: number): number {
  return int(v, key, dflt, 0, MAX_MS);
}

function int(v: unknown, key: string, dflt: number, min: number, max: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new SandboxAdminError(400, `${key} must be an integer from ${min} to ${max}`);
  return v;
}

function range(v: unknown, key: string, dflt: [number, number]): [number, number] {
  if (v === undefined) return [...dflt];
  if (!Array.isArray(v) || v.length !== 2) throw new SandboxAdminError(400, `${key} must be [min, max] in milliseconds`);
  const [min, max] = [ms(v[0], `${key}[0]`, 0), ms(v[1], `${key}[1]`, 0)];
  if (min > max) throw new SandboxAdminError(400, `${key}: min must not exceed max`);
  return [min, max];
}

function statusDelays(v: unknown): SandboxBehavior['status_delays_ms'] {
  const d = DEFAULT_BEHAVIOR.status_delays_ms;
  if (v === undefined) return { ...d };
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new SandboxAdminError(400, 'status_delays_ms must be { sent, delivered, read }');
  const o = v as Record<string, unknown>;
  return {
    sent: ms(o.sent, 'status_delays_ms.sent', d.sent),
    delivered: ms(o.delivered, 'status_delays_ms.delivered', d.delivered),
    read: ms(o.read, 'status_delays_ms.read', d.read),
  };
}
