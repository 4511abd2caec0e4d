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

  describe('reserve (send slots)', () => {
    it('books consecutive slots one interval apart, the first one now', async () => {
      const waits = [];
      for (let i = 0; i < 4; i++) waits.push((await buckets.reserve('n', 250, 1_000)).waitMs);
      expect(waits).toEqual([0, 250, 500, 750]);
    });

    it('books nothing beyond the horizon and says when the horizon will reach the next free slot', async () => {
      for (let i = 0; i < 5; i++) expect((await buckets.reserve('n', 250, 1_000)).reserved).toBe(true); // 0…1000 ms
      const refused = await buckets.reserve('n', 250, 1_000);
      expect(refused).toEqual({ reserved: false, waitMs: 250, atMs: now + 1_250 }); // next free at 1250 ms, horizon 1000 ms
      now += 250;
      expect(await buckets.reserve('n', 250, 1_000)).toEqual({ reserved: true, waitMs: 1_000, atMs: now + 1_000 });
    });

    it('does not bank idle time: after a pause the next slot is now, not in the past', async () => {
      await buckets.reserve('n', 100, 1_000);
      now += 10_000;
      expect((await buckets.reserve('n', 100, 1_000)).waitMs).toBe(0);
      expect((await buckets.reserve('n', 100, 1_000)).waitMs).toBe(100); // no burst of 100 saved-up slots
    });

    it('keeps schedules apart and refuses an interval that describes none', async () => {
      await buckets.reserve('a', 1_000, 1_000);
      expect((await buckets.reserve('b', 1_000, 1_000)).waitMs).toBe(0);
      await expect(buckets.reserve('c', 0, 1_000)).rejects.toThrow(RangeError);
    });
  });
});
