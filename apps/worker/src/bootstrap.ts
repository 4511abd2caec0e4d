import type { INestApplicationContext, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError, type AppConfig } from '#config';
import { PinoLogger } from '#domain';
import { ProcessorHost, RedisService, type ProcessorInfo } from '#queue';
import { WorkerModule } from './worker.module.js';

export interface StartedWorker {
  app: INestApplicationContext;
  processors: readonly ProcessorInfo[];
  close(): Promise<void>;
}

/** Builds and starts a worker process from a validated config; shared by main.ts and the tests. */
export async function startWorker(config: AppConfig, opts: { logger?: LoggerService } = {}): Promise<StartedWorker> {
  // Without Redis the queue is in-process and the api runs the processors itself; a worker would consume nothing.
  if (!config.redisUrl)
    throw new ConfigError('REDIS_URL', 'is required by the worker (without it the api runs the processors in-process)');

  // Checked before any Worker starts taking jobs: under eviction Redis may silently drop them.
  const probe = new RedisService(config);
  try {
    await probe.assertNoEviction();
  } finally {
    await probe.onApplicationShutdown();
  }

  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
    logger: opts.logger ?? new PinoLogger(config.logLevel),
    abortOnError: false,
  });
  app.enableShutdownHooks();
  const processors = app.get(ProcessorHost).processors;
  if (processors.length === 0) {
    await app.close();
    throw new Error(
      'No queue processors found: a worker with nothing to process would leave jobs queued; check ProcessorsModule',
    );
  }
  return { app, processors, close: () => app.close() };
}
