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
