import { MemoryTokenBuckets } from './memory-token-buckets.js';

describe('MemoryTokenBuckets', () => {
  let now: number;
  let buckets: MemoryTokenBuckets;
  beforeEach(() => {
    now = 1_700_000_000_000;
    buckets = new MemoryTokenBuckets(() => now);
  });

  it('allows a burst of capacity, then reports when the next token comes', async () => {
    for (let i = 9; i >= 0; i--)
      expect(await buckets.take('k', 10, 2)).toMatchObject({ allowed: true, remaining: i, limit: 10 });
    expect(await buckets.take('k', 10, 2)).toEqual({
      allowed: false,
      remaining: 0,
      limit: 10,
      retryAfterMs: 500,
      resetAtMs: now + 5_000,
    });
  });

  it('refills continuously: no second burst at a window edge', async () => {
    for (let i = 0; i < 10; i++) await buckets.take('k', 10, 2);
    now += 1_000; // two tokens back, not ten
    expect((await buckets.take('k', 10, 2)).allowed).toBe(true);
    expect((await buckets.take('k', 10, 2)).allowed).toBe(true);
    expect(await buckets.take('k', 10, 2)).toMatchObject({ allowed: false, retryAfterMs: 500 });
    now += 250; // half a token
    expect(await buckets.take('k', 10, 2)).toMatchObject({ allowed: false, retryAfterMs: 250 });
  });

  it('never refills above capacity', async () => {
    await buckets.take('k', 5, 1);
    now += 3_600_000;
    expect(await buckets.take('k', 5, 1)).toMatchObject({ allowed: true, remaining: 4, resetAtMs: now + 1_000 });
  });

  it('charges the cost and tells how long until the whole cost is available', async () => {
    expect(await buckets.take('k', 10, 1, 7)).toMatchObject({ allowed: true, remaining: 3 });
    expect(await buckets.take('k', 10, 1, 5)).toMatchObject({ allowed: false, remaining: 3, retryAfterMs: 2_000 });
  });

  it('keeps keys apart', async () => {
    await buckets.take('a', 1, 1);
    expect((await buckets.take('a', 1, 1)).allowed).toBe(false);
    expect((await buckets.take('b', 1, 1)).allowed).toBe(true);
  });

  it('refuses arguments that describe no bucket', async () => {
    await expect(buckets.take('k', 0, 1)).rejects.toThrow(RangeError);
    await expect(buckets.take('k', 1, 0)).rejects.toThrow(RangeError);
    await expect(buckets.take('k', 1, 1, 2)).rejects.toThrow(RangeError);
  });

  it('does not move time backwards', async () => {
    await buckets.take('k', 2, 1);
    await buckets.take('k', 2, 1);
    now -= 10_000;
    expect((await buckets.take('k', 2, 1)).allowed).toBe(false);
    now += 11_000;
    expect((await buckets.take('k', 2, 1)).allowed).toBe(true);
  });
});
