/**
 * Writes that arrive together go to the database together ("group commit"): the first caller is flushed at once;
 * callers arriving while a flush is in flight wait for the next one, which takes all of them (up to `maxBatch`).
 * There is no timer, so a lone write is never delayed, and under load batches grow with the flush time by
 * themselves: one round trip and one statement for many requests instead of one each.
 *
 * Each caller's promise settles with its own item's fate. A failed batch is retried item by item, so one item the
 * database refuses (a payload it cannot store) fails alone instead of taking its batch-mates with it.
 */
export class GroupCommit<T> {
  private readonly waiting: Array<{ item: T; resolve: () => void; reject: (err: unknown) => void }> = [];
  private flushing = false;

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly maxBatch = 200,
  ) {}

  submit(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (!this.flushing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.flushing = true;
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0, this.maxBatch);
        try {
          await this.write(batch.map((w) => w.item));
          for (const w of batch) w.resolve();
        } catch (err) {
          if (batch.length === 1) batch[0].reject(err);
          else for (const w of batch) await this.write([w.item]).then(w.resolve, w.reject);
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}
