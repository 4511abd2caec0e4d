import type { INestApplicationContext, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError, type AppConfig } from '#config';
import http from 'node:http';
import { Metrics, PinoLogger } from '#domain';
import { ProcessorHost, RedisService, type ProcessorInfo } from '#queue';
import { WorkerModule } from './worker.module.js';

export interface StartedWorker {
  app: INestApplicationContext;
  processors: readonly ProcessorInfo[];
  /** Where /metrics is served, when WORKER_METRICS_PORT is set. */
  metricsUrl?: string;
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
  const metricsServer = config.workerMetricsPort === undefined ? undefined : await serveMetrics(app.get(Metrics), config.workerMetricsPort);
  const port = (metricsServer?.address() as { port: number } | undefined)?.port;
  return {
    app,
    processors,
    metricsUrl: port ? `http://127.0.0.1:${port}/metrics` : undefined,
    close: async () => {
      metricsServer?.close();
      await app.close();
    },
  };
}

/** Sends by outcome and process metrics happen here in production, so the worker serves its own /metrics. */
function serveMetrics(metrics: Metrics, port: number): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/metrics') return void res.writeHead(404).end();
    metrics.registry.metrics().then(
      (text) => res.writeHead(200, { 'Content-Type': metrics.registry.contentType }).end(text),
      () => res.writeHead(500).end(),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '0.0.0.0', () => resolve(server));
  });
}
