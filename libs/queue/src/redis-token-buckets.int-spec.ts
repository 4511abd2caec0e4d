import { Redis } from 'ioredis';
import { TEST_REDIS_URL, testRedisPrefix } from '#testing/test-database.js';
import { MemoryTokenBuckets } from './memory-token-buckets.js';
import { RedisTokenBuckets } from './redis-token-buckets.js';
import type { TokenBuckets } from './token-buckets.js';

const prefix = testRedisPrefix();
const clients: Redis[] = [];
const connect = () => {
  const c = new Redis(TEST_REDIS_URL);
  clients.push(c);
  return c;
};

afterAll(async () => {
  const keys = await clients[0].keys(`${prefix}:*`);
  if (keys.length) await clients[0].del(...keys);
  await Promise.all(clients.map((c) => c.quit()));
});

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe('RedisTokenBuckets', () => {
  it('is exact across processes: 500 concurrent takes from 4 connections at capacity 100 allow exactly 100', async () => {
    // Four clients stand for four api/worker processes; a refill of one token per ~3 h keeps the count exact.
    const buckets = [1, 2, 3, 4].map(() => new RedisTokenBuckets(connect(), prefix));
    const results = await Promise.all(Array.from({ length: 500 }, (_, i) => buckets[i % 4].take('exact', 100, 0.0001)));
    expect(results.filter((r) => r.allowed)).toHaveLength(100);
    const denied = results.filter((r) => !r.allowed);
    expect(denied.every((r) => r.remaining === 0 && r.retryAfterMs > 0 && r.limit === 100)).toBe(true);
    expect(new Set(results.filter((r) => r.allowed).map((r) => r.remaining)).size).toBe(100); // 99 … 0, each once
  });

  it('books send slots exactly across processes: 200 concurrent reservations from 4 connections, each slot once', async () => {
    // Four clients stand for four workers pacing one number at 100 slots per second with a 1 s horizon.
    const buckets = [1, 2, 3, 4].map(() => new RedisTokenBuckets(connect(), prefix));
    const redisNow = async () => {
      const [s, us] = await clients[0].time();
      return Number(s) * 1000 + Number(us) / 1000;
    };
    const t0 = await redisNow();
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => buckets[i % 4].reserve('slots', 10, 1_000)));
    const elapsed = (await redisNow()) - t0;
    const booked = results.filter((r) => r.reserved);
    // 101 slots fit in the horizon (0 … 1000 ms), one more per 10 ms the clock moved during the burst.
    expect(booked.length).toBeGreaterThanOrEqual(101);
    expect(booked.length).toBeLessThanOrEqual(101 + Math.ceil(elapsed / 10) + 1);
    // No two bookings share a slot: the schedule moved 10 ms per booking, from no earlier than the burst's start.
    const nextFree = Number(await clients[0].get(`${prefix}:schedule:slots`));
    expect(nextFree - t0).toBeGreaterThanOrEqual(booked.length * 10 - 0.001);
    const refused = results.filter((r) => !r.reserved);
    expect(refused.every((r) => r.waitMs > 0 && r.waitMs <= 1_000)).toBe(true);
  });

  it('prefixes and expires its keys', async () => {
    const client = connect();
    await new RedisTokenBuckets(client, prefix).take('ttl', 10, 1, 4);
    const ttl = await client.pttl(`${prefix}:bucket:ttl`);
    expect(ttl).toBeGreaterThan(4_000); // 4 s until full, plus slack
    expect(ttl).toBeLessThanOrEqual(5_000);
  });

  it('rejects a cost the bucket can never hold', async () => {
    await expect(new RedisTokenBuckets(connect(), prefix).take('k', 1, 1, 2)).rejects.toThrow(RangeError);
  });
});

// The same observable behaviour from both implementations; the memory one is also tested against a fake clock.
describe.each([
  ['redis', () => new RedisTokenBuckets(connect(), prefix) as TokenBuckets],
  ['memory', () => new MemoryTokenBuckets() as TokenBuckets],
])('%s token buckets', (_kind, make) => {
  it('reports remaining tokens, the wait for the next one and when the bucket is full again', async () => {
    const buckets = make();
    const key = `refill-${_kind}`;
    const before = Date.now();
    const first = await buckets.take(key, 5, 1, 3);
    expect(first).toMatchObject({ allowed: true, remaining: 2, limit: 5, retryAfterMs: 0 });
    // Full again 3 s after the take (Redis' clock and ours are the same machine's).
    expect(first.resetAtMs).toBeGreaterThanOrEqual(before + 3_000 - 50);
    expect(first.resetAtMs).toBeLessThanOrEqual(Date.now() + 3_000 + 50);

    const denied = await buckets.take(key, 5, 1, 3);
    expect(denied.allowed).toBe(false);
    expect(denied.remaining).toBe(2);
    expect(denied.retryAfterMs).toBeGreaterThan(0);
    expect(denied.retryAfterMs).toBeLessThanOrEqual(1_000);

    // After the advertised wait the whole cost is available.
    await sleep(denied.retryAfterMs);
    expect((await buckets.take(key, 5, 1, 3)).allowed).toBe(true);
  });

  it('refills continuously instead of resetting a window', async () => {
    const buckets = make();
    const key = `window-${_kind}`;
    for (let i = 0; i < 4; i++) expect((await buckets.take(key, 4, 2)).allowed).toBe(true);
    const denied = await buckets.take(key, 4, 2);
    expect(denied.allowed).toBe(false);
    expect(denied.retryAfterMs).toBeLessThanOrEqual(500);
    await sleep(denied.retryAfterMs);
    // One token came back (2/s), not a fresh burst of four.
    const results = await Promise.all([1, 2, 3, 4].map(() => buckets.take(key, 4, 2)));
    expect(results.filter((r) => r.allowed).length).toBeGreaterThanOrEqual(1);
    expect(results.filter((r) => r.allowed).length).toBeLessThan(4);
  });
});
