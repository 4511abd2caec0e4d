import { Global, Module, type DynamicModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AppConfig } from '#config';
import { BullmqDriver } from './bullmq-driver.js';
import { InProcessDriver } from './in-process-driver.js';
import { InvalidationBus } from './invalidation-bus.js';
import { MemoryTokenBuckets } from './memory-token-buckets.js';
import { ProcessorHost } from './processor-host.service.js';
import { QueueDriver } from './queue-driver.js';
import { QUEUE_MODULE_OPTIONS, type QueueModuleOptions } from './queue-module-options.js';
import { QueueProducer } from './queue-producer.service.js';
import { QueueStats } from './queue-stats.service.js';
import { RedisTokenBuckets } from './redis-token-buckets.js';
import { RedisService } from './redis.service.js';
import { TokenBuckets } from './token-buckets.js';

/**
 * Queues, processors, Redis and token buckets, with the driver chosen from config: BullMQ when REDIS_URL is set,
 * otherwise the in-process driver. Import it plainly (RUN_PROCESSORS decides whether processors run here) or with
 * `forRoot({ runProcessors: true })` as the worker app does. Import it after DbModule (see ProcessorHost).
 */
@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [
    RedisService,
    InvalidationBus,
    {
      provide: QueueDriver,
      useFactory: (config: AppConfig): QueueDriver =>
        config.queueDriver === 'bullmq'
          ? new BullmqDriver(config.redisUrl!, config.redisPrefix)
          : new InProcessDriver(),
      inject: [AppConfig],
    },
    {
      provide: TokenBuckets,
      useFactory: (config: AppConfig, redis: RedisService): TokenBuckets =>
        redis.client ? new RedisTokenBuckets(redis.client, config.redisPrefix) : new MemoryTokenBuckets(),
      inject: [AppConfig, RedisService],
    },
    QueueProducer,
    QueueStats,
    ProcessorHost,
    { provide: QUEUE_MODULE_OPTIONS, useValue: {} },
  ],
  exports: [RedisService, InvalidationBus, QueueProducer, QueueStats, ProcessorHost, TokenBuckets, QueueDriver],
})
export class QueueModule {
  static forRoot(options: QueueModuleOptions = {}): DynamicModule {
    // Nest merges this with the static metadata above; the options provider given here replaces the default one.
    return { module: QueueModule, global: true, providers: [{ provide: QUEUE_MODULE_OPTIONS, useValue: options }] };
  }
}
