import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { RealtimePublisher } from './event-map.js';
import { RealtimeServer } from './realtime-server.js';
import { RedisEmitterPublisher } from './redis-emitter.publisher.js';
import { SocketServerPublisher } from './socket-server.publisher.js';

export interface RealtimeModuleOptions {
  /**
   * `api`: this process serves Socket.IO (the embedded default and production api replicas) and publishes through
   * its own server. `worker`: no Socket.IO server; publishes through Redis with the emitter (REDIS_URL required).
   */
  role: 'api' | 'worker';
}

/** Provides `RealtimePublisher` everywhere (global); the api role also provides the `RealtimeServer` holder. */
@Module({})
export class RealtimeModule {
  static forRoot(options: RealtimeModuleOptions): DynamicModule {
    const providers: Provider[] =
      options.role === 'api'
        ? [RealtimeServer, SocketServerPublisher, { provide: RealtimePublisher, useExisting: SocketServerPublisher }]
        : [{ provide: RealtimePublisher, useClass: RedisEmitterPublisher }];
    return {
      module: RealtimeModule,
      global: true,
      providers,
      exports: options.role === 'api' ? [RealtimePublisher, RealtimeServer] : [RealtimePublisher],
    };
  }
}
