import type { INestApplicationContext } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';
import type { AppConfig } from '#config';
import { closeRedis, realtimeRedis } from './redis-clients.js';
import { socketIoRedisKey } from './realtime-routing.js';

/**
 * Socket.IO adapter of the api in production: rooms span every api process through Redis pub/sub, so a socket on
 * any process gets what any process (or a worker's emitter) publishes. Install it before `app.init()`.
 */
export class RedisIoAdapter extends IoAdapter {
  private readonly redisLogger = new Logger('RedisIoAdapter');
  private pub: Redis | undefined;
  private sub: Redis | undefined;

  private constructor(
    app: INestApplicationContext,
    private readonly key: string,
  ) {
    super(app);
  }

  /** An adapter whose two Redis connections (publish, subscribe) are up; fails fast when Redis is unreachable. */
  static async connect(app: INestApplicationContext, config: AppConfig): Promise<RedisIoAdapter> {
    if (!config.redisUrl) throw new Error('RedisIoAdapter needs REDIS_URL');
    const prefix = config.redisPrefix;
    const adapter = new RedisIoAdapter(app, socketIoRedisKey(prefix));
    adapter.pub = realtimeRedis(config.redisUrl, `${prefix}:socket.io-pub`, adapter.redisLogger);
    adapter.sub = realtimeRedis(config.redisUrl, `${prefix}:socket.io-sub`, adapter.redisLogger);
    try {
      await Promise.all([adapter.pub.ping(), adapter.sub.ping()]);
    } catch (err) {
      await adapter.dispose();
      throw err;
    }
    return adapter;
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, options) as Server;
    server.adapter(createAdapter(this.pub!, this.sub!, { key: this.key }));
    return server;
  }

  override async dispose(): Promise<void> {
    await super.dispose();
    await Promise.all([closeRedis(this.pub), closeRedis(this.sub)]);
  }
}
