import type { JobHandler } from './job-handler.js';
import type { QueueProcessorMeta } from './queue-processor.decorator.js';
import type { JobPayloads, QueueName } from './queue-names.js';

export interface EnqueueOptions {
  /** Deduplicates: a second job with this id while the first is waiting, delayed or running is a no-op. */
  jobId?: string;
  delayMs?: number;
  /** BullMQ semantics: jobs without a priority run first, then lower numbers before higher ones (1 … 2 097 151). */
  priority?: number;
}

export interface QueueCounts {
  waiting: number;
  delayed: number;
  active: number;
  failed: number;
}

export interface RegisteredProcessor extends QueueProcessorMeta {
  /** Class name, for logs. */
  name: string;
  handler: JobHandler<QueueName>;
}

export interface JobToEnqueue<Q extends QueueName> {
  data: JobPayloads[Q];
  opts?: EnqueueOptions;
}

/** The part that differs between the embedded default (in memory) and production (BullMQ on Redis). */
export abstract class QueueDriver {
  abstract readonly kind: 'bullmq' | 'in-process';
  abstract enqueueBulk<Q extends QueueName>(queue: Q, jobs: JobToEnqueue<Q>[]): Promise<void>;
  /** Starts consuming `processor.queue` in this process. */
  abstract register(processor: RegisteredProcessor): Promise<void>;
  abstract getCounts(): Promise<Record<QueueName, QueueCounts>>;
  /** Stops taking jobs, lets running ones finish for up to `timeoutMs`, then releases connections and timers. */
  abstract close(timeoutMs: number): Promise<void>;
}
