import { TokenBucket } from './token-bucket.js';

describe('TokenBucket', () => {
  it('allows a burst of its capacity, then refills at its rate', () => {
    const b = new TokenBucket(3, 1 / 1000, 0);
    expect([b.take(0), b.take(0), b.take(0), b.take(0)]).toEqual([true, true, true, false]);
    expect(b.take(999)).toBe(false);
    expect(b.take(1000)).toBe(true);
    expect(b.take(1000)).toBe(false);
  });

  it('lets forced takes borrow from the future (inbound counts but is never refused)', () => {
    const b = new TokenBucket(1, 1 / 1000, 0);
    expect(b.take(0, true)).toBe(true);
    expect(b.take(0, true)).toBe(true);
    expect(b.take(1000)).toBe(false); // the borrowed token is paid back first
    expect(b.take(2000)).toBe(true);
    expect(b.isFull(10_000)).toBe(true);
  });
});
