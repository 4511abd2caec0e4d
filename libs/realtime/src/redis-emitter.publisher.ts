import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Emitter } from '@socket.io/redis-emitter';
import type { Redis } from 'ioredis';
import { AppConfig } from '#config';
import { RealtimePublisher, type EventEnvelope, type EventScope, type RealtimeEventName } from './event-map.js';
import { closeRedis, realtimeRedis } from './redis-clients.js';
import { REALTIME_NAMESPACE, socketIoRedisKey, targetRooms } from './realtime-routing.js';

/**
 * Publisher of worker processes, which have no Socket.IO server: writes to the Redis channel the api processes'
 * adapter listens on, and every api process delivers to its own sockets.
 */
@Injectable()
export class RedisEmitterPublisher extends RealtimePublisher implements OnApplicationShutdown {
  private readonly logger = new Logger('RealtimeEmitter');
  private readonly redis: Redis;
  private readonly emitter: Emitter;

  constructor(config: AppConfig) {
    super();
    if (!config.redisUrl)
      throw new Error('RealtimeModule role "worker" needs REDIS_URL: workers reach Socket.IO clients only through Redis.');
    this.redis = realtimeRedis(config.redisUrl, `${config.redisPrefix}:realtime-emitter`, this.logger);
    this.emitter = new Emitter(this.redis, { key: socketIoRedisKey(config.redisPrefix) }, REALTIME_NAMESPACE);
  }

  async publish<N extends RealtimeEventName>(envelope: EventEnvelope<N>, scope: EventScope = {}): Promise<void> {
    this.emitter.to(targetRooms(envelope.organization_id, scope)).emit(envelope.type, envelope);
  }

  async onApplicationShutdown(): Promise<void> {
    await closeRedis(this.redis);
  }
}
