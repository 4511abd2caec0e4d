import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { AppConfig } from '#config';
import type { JobHandler } from './job-handler.js';
import { QUEUE_PROCESSOR_KEY, type QueueProcessorMeta } from './queue-processor.decorator.js';
import { QueueDriver, type RegisteredProcessor } from './queue-driver.js';
import { QUEUE_NAMES, type QueueName } from './queue-names.js';
import { QUEUE_MODULE_OPTIONS, type QueueModuleOptions } from './queue-module-options.js';

export interface ProcessorInfo {
  queue: QueueName;
  name: string;
  concurrency: number;
  maxAttempts: number;
}

/**
 * Finds every `@QueueProcessor` class in the application and, when this process runs processors, starts consuming
 * their queues. Refuses to boot when two processors claim one queue (jobs would be split between them).
 * On shutdown it drains the queue driver: running jobs finish within SHUTDOWN_TIMEOUT_MS.
 *
 * Shutdown order matters: Nest calls onModuleDestroy of global modules in reverse registration order, so import
 * QueueModule after DbModule, or running jobs lose the database while they drain.
 */
@Injectable()
export class ProcessorHost implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Queue');
  private running: ProcessorInfo[] = [];

  constructor(
    private readonly config: AppConfig,
    private readonly discovery: DiscoveryService,
    private readonly driver: QueueDriver,
    @Inject(QUEUE_MODULE_OPTIONS) private readonly options: QueueModuleOptions,
  ) {}

  /** Whether this process consumes queues: `QueueModule.forRoot({ runProcessors })` wins over RUN_PROCESSORS. */
  get runsProcessors(): boolean {
    return this.options.runProcessors ?? this.config.runProcessors;
  }

  /** The processors this process runs (empty when it does not run processors). */
  get processors(): readonly ProcessorInfo[] {
    return this.running;
  }

  async onApplicationBootstrap(): Promise<void> {
    const found = this.discover();
    if (!this.runsProcessors) {
      if (this.driver.kind === 'in-process')
        this.logger.warn(
          'RUN_PROCESSORS is false with the in-process queue: enqueued jobs will never run in this process',
        );
      return;
    }
    for (const p of found) await this.driver.register(p);
    this.running = found.map((p) => ({
      queue: p.queue,
      name: p.name,
      concurrency: p.concurrency,
      maxAttempts: p.policy.maxAttempts,
    }));
    const idle = QUEUE_NAMES.filter((q) => !found.some((p) => p.queue === q));
    if (found.length > 0)
      this.logger.log(
        `${this.driver.kind} processors: ${this.running.map((p) => `${p.queue} → ${p.name} ×${p.concurrency}`).join(', ')}`,
      );
    if (idle.length > 0) this.logger.warn(`queues without a processor in this process: ${idle.join(', ')}`);
  }

  async onModuleDestroy(): Promise<void> {
    await this.driver.close(this.config.shutdownTimeoutMs);
  }

  private discover(): RegisteredProcessor[] {
    const found: RegisteredProcessor[] = [];
    for (const wrapper of this.discovery.getProviders({ metadataKey: QUEUE_PROCESSOR_KEY })) {
      const handler = wrapper.instance as JobHandler<QueueName> | undefined;
      // useValue/useFactory providers have no class metatype; their instance's constructor carries the metadata.
      const cls = (handler?.constructor ?? wrapper.metatype) as object | undefined;
      const meta = cls && (Reflect.getMetadata(QUEUE_PROCESSOR_KEY, cls) as QueueProcessorMeta | undefined);
      if (!meta) continue;
      const name = (cls as { name?: string }).name ?? String(wrapper.token);
      if (!wrapper.isDependencyTreeStatic() || typeof handler?.handle !== 'function')
        throw new Error(`@QueueProcessor ${name} must be a singleton provider with a handle(job) method`);
      found.push({ ...meta, name, handler });
    }
    const byQueue = new Map<QueueName, string[]>();
    for (const p of found) byQueue.set(p.queue, [...(byQueue.get(p.queue) ?? []), p.name]);
    const clashes = [...byQueue].filter(([, names]) => names.length > 1);
    if (clashes.length > 0)
      throw new Error(
        `one processor per queue: ${clashes.map(([q, names]) => `${q} is claimed by ${names.join(' and ')}`).join('; ')}` +
          ' (a class provided in two modules counts twice)',
      );
    return found;
  }
}
