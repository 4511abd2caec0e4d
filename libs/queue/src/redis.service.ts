import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AppConfig } from '#config';
import { redisConnectionOptions } from './redis-connection.js';

/**
 * The process' shared Redis client (rate-limit buckets, caches, checks) when REDIS_URL is set. BullMQ opens its own
 * connections. Closed at application shutdown, after every module's onModuleDestroy, so jobs draining during
 * shutdown can still use it.
 */
@Injectable()
export class RedisService implements OnApplicationShutdown {
  private readonly logger = new Logger('Redis');
  readonly client: Redis | undefined;

  constructor(config: AppConfig) {
    if (!config.redisUrl) return;
    this.client = new Redis({
      ...redisConnectionOptions(config.redisUrl),
      connectionName: `${config.redisPrefix}:app`,
    });
    let lastLogged = 0;
    this.client.on('error', (err: Error) => {
      // ioredis reconnects by itself and emits on every failed try; one line per 10 s is enough.
      if (Date.now() - lastLogged < 10_000) return;
      lastLogged = Date.now();
      this.logger.error(`Redis connection error: ${err.message}`);
    });
  }

  /**
   * Throws unless Redis' maxmemory-policy is `noeviction`: under any other policy Redis silently drops queue keys
   * (jobs, locks) when memory fills up. Managed services often disable CONFIG, so INFO is the fallback.
   */
  async assertNoEviction(): Promise<void> {
    const client = this.client;
    if (!client) return;
    const policy = (await configPolicy(client)) ?? (await infoPolicy(client));
    if (policy === undefined) {
      this.logger.warn('Could not read Redis maxmemory-policy (CONFIG and INFO refused); make sure it is noeviction');
      return;
    }
    if (policy !== 'noeviction')
      throw new Error(
        `Redis maxmemory-policy is "${policy}" but must be "noeviction": with eviction Redis silently deletes queued jobs ` +
          'when memory is full. Set `maxmemory-policy noeviction` in the Redis configuration.',
      );
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.client || this.client.status === 'end') return;
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }
}

async function configPolicy(client: Redis): Promise<string | undefined> {
  try {
    const reply = (await client.config('GET', 'maxmemory-policy')) as unknown;
    // RESP2 (and ioredis' default "legacy" RESP3 mapping) give [name, value]; RESP3 mapping gives an object.
    if (Array.isArray(reply)) return typeof reply[1] === 'string' ? reply[1] : undefined;
    if (reply && typeof reply === 'object') return (reply as Record<string, string>)['maxmemory-policy'];
  } catch {
    // CONFIG renamed or disabled (managed Redis): fall through to INFO.
  }
  return undefined;
}

async function infoPolicy(client: Redis): Promise<string | undefined> {
  try {
    return /^maxmemory_policy:(\S+)/m.exec(await client.info('memory'))?.[1];
  } catch {
    return undefined;
  }
}
