import { Injectable } from '@nestjs/common';
import type { SandboxNumber } from './sandbox-state.types.js';
import { TokenBucket } from './token-bucket.js';

/**
 * Meta's two send limits: per-number throughput (default 80 msg/s, inbound counts too → 130429) and the pair rate
 * per recipient (1 per 6 s, bursts of up to 45 borrowed from the future → 131056).
 */
@Injectable()
export class SandboxRateLimits {
  private readonly numbers = new Map<string, TokenBucket>();
  private readonly pairs = new Map<string, TokenBucket>();
  private lastSweep = 0;

  takeThroughput(number: SandboxNumber, now = Date.now(), force = false): boolean {
    let bucket = this.numbers.get(number.phone_number_id);
    if (!bucket) {
      bucket = new TokenBucket(number.throughput_per_second, number.throughput_per_second / 1000, now);
      this.numbers.set(number.phone_number_id, bucket);
    }
    return bucket.take(now, force);
  }

  takePair(number: SandboxNumber, toDigits: string, now = Date.now()): boolean {
    this.sweep(now);
    const key = `${number.phone_number_id}:${toDigits}`;
    let bucket = this.pairs.get(key);
    if (!bucket) {
      bucket = new TokenBucket(number.pair_rate_burst, 1 / number.pair_rate_interval_ms, now);
      this.pairs.set(key, bucket);
    }
    return bucket.take(now);
  }

  /** Forgets buckets of a number (its limits changed) or all of them. */
  clear(phoneNumberId?: string): void {
    if (!phoneNumberId) {
      this.numbers.clear();
      this.pairs.clear();
      return;
    }
    this.numbers.delete(phoneNumberId);
    for (const key of this.pairs.keys()) if (key.startsWith(`${phoneNumberId}:`)) this.pairs.delete(key);
  }

  /** Drops full pair buckets now and then, so memory follows active pairs only. */
  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [key, bucket] of this.pairs) if (bucket.isFull(now)) this.pairs.delete(key);
  }
}
