import type { Redis } from 'ioredis';
import { assertBucketArgs, TokenBuckets, type SlotReservation, type TokenBucketResult } from './token-buckets.js';

/**
 * `takeTokens` (token-buckets.ts) in Lua, run atomically by Redis. The clock is Redis' own TIME, so every api and
 * worker process measures refill against one clock. An absent key means a full bucket; the TTL lets a key vanish
 * once its bucket would be full again. Numbers travel as strings: Lua numbers returned to Redis become integers.
 */
const TAKE_SCRIPT = `
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local stored = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(stored[1]) or capacity
local ts = tonumber(stored[2]) or now
if now > ts then
  tokens = math.min(capacity, tokens + (now - ts) * rate / 1000)
  ts = now
end
local allowed = 0
local retry = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
else
  retry = math.ceil((cost - tokens) * 1000 / rate)
end
local untilFull = (capacity - tokens) * 1000 / rate
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'ts', string.format('%.17g', ts))
redis.call('PEXPIRE', KEYS[1], math.ceil(untilFull) + 1000)
return { allowed, string.format('%.17g', tokens), retry, math.ceil(ts + untilFull) }
`;

/** `reserveSlot` (token-buckets.ts) in Lua, on Redis' clock; the key expires once its schedule is free again. */
const RESERVE_SCRIPT = `
local interval = tonumber(ARGV[1])
local horizon = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local slot = tonumber(redis.call('GET', KEYS[1])) or now
if slot < now then slot = now end
local wait = slot - now
if wait > horizon then
  return { 0, string.format('%.17g', math.ceil(wait - horizon)), string.format('%.17g', slot) }
end
redis.call('SET', KEYS[1], string.format('%.17g', slot + interval), 'PX', math.ceil(wait + interval) + 1000)
return { 1, string.format('%.17g', wait), string.format('%.17g', slot) }
`;

type ReserveCommand = (key: string, intervalMs: number, horizonMs: number) => Promise<[number, string, string]>;

type TakeCommand = (
  key: string,
  capacity: number,
  refill: number,
  cost: number,
) => Promise<[number, string, number, number]>;

export class RedisTokenBuckets extends TokenBuckets {
  private readonly command: TakeCommand;
  private readonly reserveCommand: ReserveCommand;

  constructor(
    client: Redis,
    private readonly prefix: string,
  ) {
    super();
    // defineCommand caches the script and falls back from EVALSHA to EVAL after a Redis restart.
    const name = 'kdvTokenBucketTake';
    if (!(name in client)) client.defineCommand(name, { numberOfKeys: 1, lua: TAKE_SCRIPT });
    const fn = (client as unknown as Record<string, TakeCommand>)[name];
    this.command = fn.bind(client);
    const reserveName = 'kdvScheduleReserve';
    if (!(reserveName in client)) client.defineCommand(reserveName, { numberOfKeys: 1, lua: RESERVE_SCRIPT });
    this.reserveCommand = (client as unknown as Record<string, ReserveCommand>)[reserveName].bind(client);
  }

  async reserve(key: string, intervalMs: number, horizonMs: number): Promise<SlotReservation> {
    if (!(Number.isFinite(intervalMs) && intervalMs > 0)) throw new RangeError(`reservation interval must be > 0, got ${intervalMs}`);
    const [reserved, waitMs, atMs] = await this.reserveCommand(`${this.prefix}:schedule:${key}`, intervalMs, horizonMs);
    return { reserved: reserved === 1, waitMs: Number(waitMs), atMs: Number(atMs) };
  }

  async take(key: string, capacity: number, refillPerSecond: number, cost = 1): Promise<TokenBucketResult> {
    assertBucketArgs(capacity, refillPerSecond, cost);
    const [allowed, tokens, retryAfterMs, resetAtMs] = await this.command(
      `${this.prefix}:bucket:${key}`,
      capacity,
      refillPerSecond,
      cost,
    );
    return {
      allowed: allowed === 1,
      remaining: Math.floor(Number(tokens)),
      limit: capacity,
      retryAfterMs: Number(retryAfterMs),
      resetAtMs: Number(resetAtMs),
    };
  }
}
