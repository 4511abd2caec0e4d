/** A token bucket: `capacity` tokens, refilled continuously at `refillPerMs`. Borrowed tokens must be earned back. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly capacity: number,
    private readonly refillPerMs: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.last = now;
  }

  /** Takes one token if there is one; `force` takes it anyway (inbound traffic counts but is never refused). */
  take(now: number, force = false): boolean {
    this.refill(now);
    if (this.tokens >= 1 || force) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }

  /** True when the bucket is full again (it can be forgotten). */
  isFull(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.capacity;
  }

  private refill(now: number): void {
    if (now > this.last) {
      this.tokens = Math.min(this.capacity, this.tokens + (now - this.last) * this.refillPerMs);
      this.last = now;
    }
  }
}
