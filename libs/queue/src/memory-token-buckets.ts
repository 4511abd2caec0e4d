import { assertBucketArgs, reserveSlot, takeTokens, TokenBuckets, type SlotReservation, type TokenBucketResult } from './token-buckets.js';

/** Single-process buckets for the embedded default. `now` is injectable so tests can drive the clock. */
export class MemoryTokenBuckets extends TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; updatedAtMs: number; fullAtMs: number }>();
  private readonly schedules = new Map<string, number>(); // key → next free slot (epoch ms)
  private takesSincePrune = 0;

  constructor(private readonly now: () => number = Date.now) {
    super();
  }

  async take(key: string, capacity: number, refillPerSecond: number, cost = 1): Promise<TokenBucketResult> {
    assertBucketArgs(capacity, refillPerSecond, cost);
    const now = this.now();
    const { state, result } = takeTokens(this.buckets.get(key), now, capacity, refillPerSecond, cost);
    this.buckets.set(key, { ...state, fullAtMs: result.resetAtMs });
    if (++this.takesSincePrune >= 1000) this.prune(now);
    return result;
  }

  async reserve(key: string, intervalMs: number, horizonMs: number): Promise<SlotReservation> {
    const now = this.now();
    const { nextFreeMs, reservation } = reserveSlot(this.schedules.get(key), now, intervalMs, horizonMs);
    if (nextFreeMs !== undefined) this.schedules.set(key, nextFreeMs);
    if (++this.takesSincePrune >= 1000) this.prune(now);
    return reservation;
  }

  /** A full bucket (or a schedule free now) is the same as an absent one; forgetting them bounds memory by active keys. */
  private prune(now: number): void {
    this.takesSincePrune = 0;
    for (const [key, bucket] of this.buckets) if (bucket.fullAtMs <= now) this.buckets.delete(key);
    for (const [key, nextFreeMs] of this.schedules) if (nextFreeMs <= now) this.schedules.delete(key);
  }
}
