import { jest } from '@jest/globals';
import type { AppConfig } from '#config';
import { InvalidationBus, RedisService } from '#queue';
import { ReadThroughCache } from './read-through-cache.js';

/** A bus without Redis on the embedded database: one process, so invalidations reach every listener, synchronously. */
const withoutRedis = (config: Partial<AppConfig>) => new InvalidationBus(config as AppConfig, new RedisService(config as AppConfig));
const localBus = () => withoutRedis({ redisPrefix: 'unit', redisUrl: undefined, databaseUrl: undefined });

function counting<V>(value: V, group = 'org_a') {
  const load = jest.fn(async () => ({ value, group }));
  return load;
}

describe('ReadThroughCache', () => {
  it('loads once, then serves the cached value until its group is invalidated', async () => {
    const bus = localBus();
    const cache = new ReadThroughCache<string>(bus, { topic: 't', ttlMs: 60_000, maxEntries: 10 });
    const load = counting('v1');
    expect(await cache.get('k', load)).toBe('v1');
    expect(await cache.get('k', load)).toBe('v1');
    expect(load).toHaveBeenCalledTimes(1);
    bus.publish('t', 'org_a');
    expect(await cache.get('k', counting('v2'))).toBe('v2');
  });

  it('keeps other groups and other topics when one group is invalidated', async () => {
    const bus = localBus();
    const cache = new ReadThroughCache<string>(bus, { topic: 't', ttlMs: 60_000, maxEntries: 10 });
    await cache.get('a', counting('a1', 'org_a'));
    await cache.get('b', counting('b1', 'org_b'));
    bus.publish('t', 'org_a');
    bus.publish('other-topic', 'org_b');
    expect(await cache.get('a', counting('a2', 'org_a'))).toBe('a2');
    expect(await cache.get('b', counting('b2', 'org_b'))).toBe('b1');
  });

  it('does not store a value whose load began before an invalidation of its group (it may be the old row)', async () => {
    const bus = localBus();
    const cache = new ReadThroughCache<string>(bus, { topic: 't', ttlMs: 60_000, maxEntries: 10 });
    let release!: () => void;
    const slow = jest.fn(() => new Promise<{ value: string; group: string }>((resolve) => (release = () => resolve({ value: 'old', group: 'org_a' }))));
    const pending = cache.get('k', slow);
    bus.publish('t', 'org_a'); // the row changed while the load was reading it
    release();
    expect(await pending).toBe('old'); // this caller still gets what it read
    expect(await cache.get('k', counting('new'))).toBe('new'); // but nobody after it
  });

  it('does not cache "not found", so a key created a moment later is seen at once', async () => {
    const cache = new ReadThroughCache<string>(localBus(), { topic: 't', ttlMs: 60_000, maxEntries: 10 });
    expect(await cache.get('k', async () => undefined)).toBeUndefined();
    expect(await cache.get('k', counting('created'))).toBe('created');
  });

  it('expires entries after the TTL and drops everything when the bus says messages may have been missed', async () => {
    const bus = localBus();
    const cache = new ReadThroughCache<string>(bus, { topic: 't', ttlMs: 20, maxEntries: 10 });
    await cache.get('k', counting('v1'));
    await new Promise((r) => setTimeout(r, 30));
    expect(await cache.get('k', counting('v2'))).toBe('v2');
    // What InvalidationBus does after its subscriber reconnects:
    (bus as unknown as { notifyAll(key: null): void }).notifyAll(null);
    expect(await cache.get('k', counting('v3'))).toBe('v3');
  });

  it('never caches where an invalidation could not reach every process (PostgreSQL without Redis)', async () => {
    const bus = withoutRedis({ redisPrefix: 'unit', redisUrl: undefined, databaseUrl: 'postgresql://db/x' });
    const cache = new ReadThroughCache<string>(bus, { topic: 't', ttlMs: 60_000, maxEntries: 10 });
    const load = counting('v');
    await cache.get('k', load);
    await cache.get('k', load);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('holds at most maxEntries, dropping the oldest first', async () => {
    const cache = new ReadThroughCache<string>(localBus(), { topic: 't', ttlMs: 60_000, maxEntries: 2 });
    await cache.get('a', counting('a'));
    await cache.get('b', counting('b'));
    await cache.get('c', counting('c'));
    const reloadA = counting('a2');
    expect(await cache.get('a', reloadA)).toBe('a2');
    expect(await cache.get('c', counting('c2'))).toBe('c');
  });
});
