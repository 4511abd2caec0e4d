export interface TokenBucketResult {
  allowed: boolean;
  /** Whole tokens left after this take. */
  remaining: number;
  limit: number;
  /** 0 if allowed; else the time until `cost` tokens are available. */
  retryAfterMs: number;
  /** Epoch ms when the bucket would be full again. */
  resetAtMs: number;
}

/**
 * Continuous-refill token buckets (capacity = burst, no window edges, so no double burst). Used for the API's
 * per-organization rate limits and for per-phone-number send throughput; the Redis implementation is exact across
 * processes. Provided as the `TokenBuckets` token: Redis when REDIS_URL is set, memory otherwise.
 */
export abstract class TokenBuckets {
  abstract take(key: string, capacity: number, refillPerSecond: number, cost?: number): Promise<TokenBucketResult>;

  /**
   * Books the next free slot of a schedule with one slot every `intervalMs` (GCRA's theoretical arrival time), if it
   * starts within `horizonMs`: the caller then acts at `waitMs` from now, and callers never share a slot. Unlike
   * `take`, waiters do not all retry at the moment a token appears (no thundering herd) and the caller knows its
   * exact moment, so the pacing holds at the moment of acting rather than at the moment of asking.
   */
  abstract reserve(key: string, intervalMs: number, horizonMs: number): Promise<SlotReservation>;
}

export interface SlotReservation {
  reserved: boolean;
  /** Reserved: how long until the slot. Not reserved: how long until a slot would be within the horizon. */
  waitMs: number;
  /**
   * Reserved: the slot itself, epoch ms on the schedule's clock. Wait for this rather than for `waitMs` from the
   * answer's arrival: the time the answer spent in transit varies per call and would bunch slots together.
   */
  atMs: number;
}

/**
 * The reservation arithmetic, shared by the memory implementation and mirrored in the Redis Lua script. `nextFreeMs`
 * is the stored theoretical arrival time (undefined = absent = free now).
 */
export function reserveSlot(
  nextFreeMs: number | undefined,
  nowMs: number,
  intervalMs: number,
  horizonMs: number,
): { nextFreeMs: number | undefined; reservation: SlotReservation } {
  if (!(Number.isFinite(intervalMs) && intervalMs > 0)) throw new RangeError(`reservation interval must be > 0, got ${intervalMs}`);
  const slot = Math.max(nextFreeMs ?? nowMs, nowMs);
  const waitMs = slot - nowMs;
  if (waitMs > horizonMs) return { nextFreeMs, reservation: { reserved: false, waitMs: Math.ceil(waitMs - horizonMs), atMs: slot } };
  return { nextFreeMs: slot + intervalMs, reservation: { reserved: true, waitMs, atMs: slot } };
}

export function assertBucketArgs(capacity: number, refillPerSecond: number, cost: number): void {
  if (!(Number.isFinite(capacity) && capacity > 0))
    throw new RangeError(`token bucket capacity must be > 0, got ${capacity}`);
  if (!(Number.isFinite(refillPerSecond) && refillPerSecond > 0))
    throw new RangeError(`token bucket refillPerSecond must be > 0, got ${refillPerSecond}`);
  // A cost above capacity could never be paid: a caller bug, not a rate limit.
  if (!(Number.isFinite(cost) && cost >= 0 && cost <= capacity))
    throw new RangeError(`token bucket cost must be in [0, capacity], got ${cost}`);
}

/**
 * The bucket arithmetic, shared by the memory implementation and mirrored line by line in the Redis Lua script.
 * `tokens`/`updatedAtMs` describe the stored state (undefined = absent = full).
 */
export function takeTokens(
  state: { tokens: number; updatedAtMs: number } | undefined,
  nowMs: number,
  capacity: number,
  refillPerSecond: number,
  cost: number,
): { state: { tokens: number; updatedAtMs: number }; result: TokenBucketResult } {
  let tokens = state ? state.tokens : capacity;
  let updatedAtMs = state ? state.updatedAtMs : nowMs;
  // A clock going backwards must not mint or burn tokens.
  if (nowMs > updatedAtMs) {
    tokens = Math.min(capacity, tokens + ((nowMs - updatedAtMs) * refillPerSecond) / 1000);
    updatedAtMs = nowMs;
  }
  const allowed = tokens >= cost;
  if (allowed) tokens -= cost;
  return {
    state: { tokens, updatedAtMs },
    result: {
      allowed,
      remaining: Math.floor(tokens),
      limit: capacity,
      retryAfterMs: allowed ? 0 : Math.ceil(((cost - tokens) * 1000) / refillPerSecond),
      resetAtMs: Math.ceil(updatedAtMs + ((capacity - tokens) * 1000) / refillPerSecond),
    },
  };
}
