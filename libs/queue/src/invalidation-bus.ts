import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AppConfig } from '#config';
import { redisConnectionOptions } from './redis-connection.js';
import { RedisService } from './redis.service.js';

/** Called with the invalidated key, or `null` when everything must go (the bus may have missed messages). */
export type InvalidationListener = (key: string | null) => void;

/**
 * Tells every process that cached rows changed, so in-process caches can serve hot lookups (API keys, webhook
 * subscriptions) without giving up immediate revocation. Listeners in this process run synchronously; other
 * processes hear it through Redis pub/sub when REDIS_URL is set: published on the process's shared Redis client,
 * heard on a subscriber connection of its own (a connection in subscriber mode can do nothing else).
 *
 * Pub/sub is fire-and-forget: while the subscriber is disconnected messages are lost, so every reconnection tells
 * listeners to drop everything (`null`), and caches also bound staleness with a TTL.
 *
 * Without Redis the bus reaches this process only. That is enough for the embedded default (PGlite admits one
 * process), but not for PostgreSQL without Redis, where the CLI or a second api may change rows: there
 * `reachesEveryProcess` is false and caches must not cache.
 */
@Injectable()
export class InvalidationBus implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('InvalidationBus');
  private readonly listeners = new Map<string, Set<InvalidationListener>>();
  private readonly channel: string;
  private subscriber?: Redis;

  readonly reachesEveryProcess: boolean;

  constructor(
    private readonly config: AppConfig,
    private readonly redis: RedisService,
  ) {
    this.channel = `${config.redisPrefix}:invalidate`;
    this.reachesEveryProcess = !!config.redisUrl || !config.databaseUrl;
  }

  async onModuleInit(): Promise<void> {
    if (!this.config.redisUrl) return;
    const options = redisConnectionOptions(this.config.redisUrl);
    this.subscriber = new Redis({ ...options, connectionName: `${this.config.redisPrefix}:invalidate-sub` });
    this.subscriber.on('error', (err: Error) => this.logThrottled(err));
    let connectedBefore = false;
    this.subscriber.on('ready', () => {
      // ioredis re-subscribes by itself after a reconnect; what was published meanwhile is gone.
      if (connectedBefore) this.notifyAll(null);
      connectedBefore = true;
    });
    this.subscriber.on('message', (_channel: string, raw: string) => this.receive(raw));
    await this.subscriber.subscribe(this.channel);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }

  /** Registers a listener for one topic (e.g. `api_keys`); returns the unsubscribe function. */
  on(topic: string, listener: InvalidationListener): () => void {
    const set = this.listeners.get(topic) ?? new Set();
    set.add(listener);
    this.listeners.set(topic, set);
    return () => set.delete(listener);
  }

  /**
   * Invalidates `key` of `topic` here and in every other process. Call it after the change committed (see
   * PrismaService.afterCommit), or another process may reload the old row into its cache.
   */
  publish(topic: string, key: string): void {
    this.notify(topic, key);
    this.redis.client?.publish(this.channel, JSON.stringify({ topic, key })).catch((err: Error) => {
      // A lost invalidation would leave other processes stale until their TTL: say so loudly.
      this.logger.error(`Could not publish a cache invalidation (${topic} ${key}): ${err.message}`);
    });
  }

  private receive(raw: string): void {
    try {
      const { topic, key } = JSON.parse(raw) as { topic: string; key: string };
      this.notify(topic, key);
    } catch {
      this.logger.warn(`Ignored a malformed invalidation message: ${raw.slice(0, 200)}`);
    }
  }

  private notify(topic: string, key: string | null): void {
    for (const listener of this.listeners.get(topic) ?? []) listener(key);
  }

  private notifyAll(key: null): void {
    for (const set of this.listeners.values()) for (const listener of set) listener(key);
  }

  private lastLogged = 0;
  private logThrottled(err: Error): void {
    if (Date.now() - this.lastLogged < 10_000) return;
    this.lastLogged = Date.now();
    this.logger.error(`Redis connection error (invalidation bus): ${err.message}`);
  }
}
