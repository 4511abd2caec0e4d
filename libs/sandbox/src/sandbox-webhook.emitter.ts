import crypto from 'node:crypto';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { signMetaPayload, type WebhookEntry } from '#whatsapp';
import { SandboxBehaviorStore } from './sandbox-behavior.js';
import { metaJson } from './meta-json.js';

export type DeliveryOutcome = 'delivered' | 'failed' | 'dropped' | 'no_target';

export interface WebhookTarget {
  url: string | undefined;
  secret: string;
}

export interface DeliveryLogEntry {
  at: string;
  url: string;
  attempt: number;
  status: number;
  ok: boolean;
  updates: number;
  error?: string;
}

interface QueueItem {
  seq: number;
  /** Items of an earlier generation (before a reset) are forgotten after their attempt in flight. */
  generation: number;
  key: string;
  url: string;
  secret: string;
  entry: WebhookEntry;
  dueAt: number;
  attempts: number;
  firstAttempt?: (outcome: DeliveryOutcome) => void;
}

const POST_TIMEOUT_MS = 10_000;
const RECENT_MAX = 200;

/**
 * Delivers Meta-style webhooks: signed (X-Hub-Signature-256 and the legacy sha1 X-Hub-Signature), serialized like
 * Meta, batched (several `entry` items in one POST when several are due), retried with exponential backoff on any
 * answer other than 200 (bounded by webhook_max_attempts), and duplicated, delayed, shuffled or dropped as the
 * behaviour says. One POST in flight per target at a time.
 */
@Injectable()
export class SandboxWebhookEmitter implements OnModuleDestroy {
  private queue: QueueItem[] = [];
  private readonly inFlight = new Set<string>();
  private readonly aborts = new Set<AbortController>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private seq = 0;
  private generation = 0;
  private destroyed = false;
  private recent: DeliveryLogEntry[] = [];
  readonly counters = { delivered: 0, failed: 0, dropped: 0, duplicated: 0, retried: 0, posts: 0, no_target: 0, not_subscribed: 0 };

  constructor(private readonly behavior: SandboxBehaviorStore) {}

  /** Queues one update; resolves after its first delivery attempt (or at once when dropped / without target). */
  emit(target: WebhookTarget, entry: WebhookEntry, delayMs = 0): Promise<DeliveryOutcome> {
    if (this.destroyed) return Promise.resolve('dropped');
    if (!target.url) {
      this.counters.no_target++;
      return Promise.resolve('no_target');
    }
    const b = this.behavior.get();
    if (b.drop_rate > 0 && Math.random() < b.drop_rate) {
      this.counters.dropped++;
      return Promise.resolve('dropped');
    }
    const dueAt = Date.now() + delayMs + randomBetween(b.delay_ms[0], b.delay_ms[1]);
    const key = `${target.url}\n${target.secret}`;
    const outcome = new Promise<DeliveryOutcome>((resolve) => {
      this.push({ seq: this.seq++, generation: this.generation, key, url: target.url as string, secret: target.secret, entry, dueAt, attempts: 0, firstAttempt: resolve });
    });
    if (b.duplicate_rate > 0 && Math.random() < b.duplicate_rate) {
      this.counters.duplicated++;
      const later = dueAt + 1 + randomBetween(0, Math.max(100, b.delay_ms[1]));
      this.push({ seq: this.seq++, generation: this.generation, key, url: target.url, secret: target.secret, entry: structuredClone(entry), dueAt: later, attempts: 0 });
    }
    this.arm();
    return outcome;
  }

  countNotSubscribed(): void {
    this.counters.not_subscribed++;
  }

  stats() {
    return { pending: this.queue.length, in_flight: this.inFlight.size, counters: { ...this.counters }, recent: [...this.recent] };
  }

  /** Forgets queued updates and counters (POST /_sandbox/reset). */
  clear(): void {
    this.generation++;
    for (const item of this.queue) item.firstAttempt?.('dropped');
    this.queue = [];
    this.recent = [];
    for (const k of Object.keys(this.counters) as (keyof typeof this.counters)[]) this.counters[k] = 0;
    this.arm();
  }

  onModuleDestroy(): void {
    this.destroyed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const ac of this.aborts) ac.abort();
    for (const item of this.queue) item.firstAttempt?.('dropped');
    this.queue = [];
  }

  private push(item: QueueItem): void {
    this.queue.push(item);
  }

  private arm(): void {
    if (this.destroyed) return;
    let min = Infinity;
    for (const item of this.queue) if (!this.inFlight.has(item.key) && item.dueAt < min) min = item.dueAt;
    if (min === Infinity) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.timerAt = Infinity;
      return;
    }
    if (this.timer && this.timerAt <= min) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = min;
    this.timer = setTimeout(() => this.pump(), Math.max(0, min - Date.now()));
    this.timer.unref();
  }

  private pump(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = Date.now();
    const b = this.behavior.get();
    const byKey = new Map<string, QueueItem[]>();
    for (const item of this.queue) {
      if (item.dueAt > now || this.inFlight.has(item.key)) continue;
      const list = byKey.get(item.key);
      if (list) list.push(item);
      else byKey.set(item.key, [item]);
    }
    for (const [key, items] of byKey) {
      items.sort((a, c) => a.dueAt - c.dueAt || a.seq - c.seq);
      const batch = items.slice(0, b.webhook_batch_max);
      if (b.shuffle) shuffle(batch);
      const taken = new Set(batch);
      this.queue = this.queue.filter((i) => !taken.has(i));
      this.inFlight.add(key);
      void this.deliver(key, batch);
    }
    this.arm();
  }

  private async deliver(key: string, batch: QueueItem[]): Promise<void> {
    const { url, secret } = batch[0];
    const raw = metaJson({ object: 'whatsapp_business_account', entry: batch.map((i) => i.entry) });
    const attempt = Math.max(...batch.map((i) => i.attempts)) + 1;
    const ac = new AbortController();
    this.aborts.add(ac);
    const timeout = setTimeout(() => ac.abort(), POST_TIMEOUT_MS);
    let status = 0;
    let error: string | undefined;
    try {
      this.counters.posts++;
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'facebookexternalua',
          'X-Hub-Signature-256': signMetaPayload(raw, secret),
          'X-Hub-Signature': `sha1=${crypto.createHmac('sha1', secret).update(raw).digest('hex')}`,
        },
        body: raw,
        signal: ac.signal,
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch (err) {
      const cause = (err as { cause?: { code?: string; errors?: { code?: string }[] } } | null)?.cause;
      error = String(cause?.code ?? cause?.errors?.[0]?.code ?? (err as { message?: string } | null)?.message ?? err);
    } finally {
      clearTimeout(timeout);
      this.aborts.delete(ac);
    }
    // Meta counts only a 200 as delivered; anything else (201 included) is retried.
    const ok = status === 200;
    this.log({ at: new Date().toISOString(), url, attempt, status, ok, updates: batch.length, ...(error ? { error } : {}) });
    const b = this.behavior.get();
    const now = Date.now();
    for (const item of batch) {
      item.attempts++;
      item.firstAttempt?.(ok ? 'delivered' : 'failed');
      item.firstAttempt = undefined;
      if (item.generation !== this.generation) continue;
      if (ok) {
        this.counters.delivered++;
      } else if (item.attempts < b.webhook_max_attempts && !this.destroyed) {
        this.counters.retried++;
        item.dueAt = now + b.webhook_retry_base_ms * 2 ** (item.attempts - 1);
        this.queue.push(item);
      } else {
        this.counters.failed++;
      }
    }
    this.inFlight.delete(key);
    this.arm();
  }

  private log(entry: DeliveryLogEntry): void {
    this.recent.push(entry);
    if (this.recent.length > RECENT_MAX) this.recent.splice(0, this.recent.length - RECENT_MAX);
  }
}

function randomBetween(min: number, max: number): number {
  return max <= min ? min : min + Math.floor(Math.random() * (max - min + 1));
}

function shuffle<T>(items: T[]): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
}
