import type { InvalidationBus } from '#queue';

export interface ReadThroughCacheOptions {
  /** Topic on the InvalidationBus; keys published there are the cache's groups (e.g. an organization id). */
  topic: string;
  /** Upper bound on staleness if an invalidation is ever missed. */
  ttlMs: number;
  /** Most entries kept; the oldest are dropped first. */
  maxEntries: number;
}

interface Entry<V> {
  value: V;
  group: string;
  expiresAt: number;
}

/**
 * A small in-process cache in front of a hot lookup, invalidated by group through the InvalidationBus (so every
 * process drops an organization's entries the moment one process changes them) and bounded by a TTL.
 *
 * A load that started before an invalidation of its group is not stored: it may have read the old row. Every
 * invalidation takes a sequence number; a load stores its value only if its group was not invalidated (and nothing
 * was flushed) since the load began.
 */
export class ReadThroughCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private sequence = 0;
  private readonly invalidatedAt = new Map<string, number>(); // group → sequence of its last invalidation
  private flushedAt = 0;
  private readonly enabled: boolean;

  constructor(
    bus: InvalidationBus,
    private readonly options: ReadThroughCacheOptions,
  ) {
    // A cache another process's change could not reach would serve revoked keys for a whole TTL: then load always.
    this.enabled = bus.reachesEveryProcess;
    bus.on(options.topic, (group) => (group === null ? this.clear() : this.invalidate(group)));
  }

  /**
   * The cached value of `key`, or `load()`'s. `load` returns the value and the group it belongs to; `undefined`
   * (nothing found) is never cached, so a key created a moment later is seen at once.
   */
  async get(key: string, load: () => Promise<{ value: V; group: string } | undefined>): Promise<V | undefined> {
    if (!this.enabled) return (await load())?.value;
    const hit = this.entries.get(key);
    if (hit && hit.expiresAt > Date.now()) return hit.value;
    if (hit) this.entries.delete(key);
    const startedAt = this.sequence;
    const loaded = await load();
    if (!loaded) return undefined;
    const unchanged = this.flushedAt <= startedAt && (this.invalidatedAt.get(loaded.group) ?? 0) <= startedAt;
    if (unchanged) this.store(key, loaded.value, loaded.group);
    return loaded.value;
  }

  private store(key: string, value: V, group: string): void {
    if (this.entries.size >= this.options.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, group, expiresAt: Date.now() + this.options.ttlMs });
  }

  private invalidate(group: string): void {
    this.invalidatedAt.set(group, ++this.sequence);
    for (const [key, entry] of this.entries) if (entry.group === group) this.entries.delete(key);
  }

  private clear(): void {
    this.flushedAt = ++this.sequence;
    this.entries.clear();
  }
}
