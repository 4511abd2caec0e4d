import { assertBucketArgs, takeTokens, TokenBuckets, type TokenBucketResult } from './token-buckets.js';

/** Single-process buckets for the embedded default. `now` is injectable so tests can drive the clock. */
export class MemoryTokenBuckets extends TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; updatedAtMs: number; fullAtMs: number }>();
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

  /** A full bucket is the same as an absent one; forgetting them bounds memory by the number of active keys. */
  private prune(now: number): void {
    this.takesSincePrune = 0;
    for (const [key, bucket] of this.buckets) if (bucket.fullAtMs <= now) this.buckets.delete(key);
  }
}
