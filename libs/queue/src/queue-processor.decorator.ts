import { DiscoveryService } from '@nestjs/core';
import type { QueueName } from './queue-names.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js';

export interface QueueProcessorOptions {
  /** Jobs of this queue run at once per process (default 1). */
  concurrency?: number;
  /** Attempts in total, the first one included (default 8). */
  maxAttempts?: number;
  /** Exponential backoff with full jitter (default baseMs 1000, maxMs 10 min). */
  backoff?: { baseMs: number; maxMs: number };
}

export interface QueueProcessorMeta {
  queue: QueueName;
  concurrency: number;
  policy: RetryPolicy;
}

/** Attempts above this are refused: the BullMQ driver relies on jobs carrying a larger attempt ceiling. */
export const MAX_ATTEMPTS_LIMIT = 10_000;

const discoverable = DiscoveryService.createDecorator<QueueProcessorMeta>();
export const QUEUE_PROCESSOR_KEY = discoverable.KEY;

/**
 * Marks an @Injectable class implementing JobHandler as the processor of `queue`. The processor host finds it
 * with Nest's DiscoveryService wherever its module is imported, so the worker app and the embedded process load
 * the very same classes. One processor per queue.
 */
export function QueueProcessor(queue: QueueName, opts: QueueProcessorOptions = {}): ClassDecorator {
  const concurrency = opts.concurrency ?? 1;
  const policy: RetryPolicy = {
    maxAttempts: opts.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts,
    baseMs: opts.backoff?.baseMs ?? DEFAULT_RETRY_POLICY.baseMs,
    maxMs: opts.backoff?.maxMs ?? DEFAULT_RETRY_POLICY.maxMs,
  };
  // Fail at import time, next to the faulty declaration, rather than at the first retry.
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new Error(`@QueueProcessor(${queue}): concurrency must be an integer >= 1`);
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1 || policy.maxAttempts > MAX_ATTEMPTS_LIMIT)
    throw new Error(`@QueueProcessor(${queue}): maxAttempts must be an integer from 1 to ${MAX_ATTEMPTS_LIMIT}`);
  if (!(policy.baseMs >= 0 && policy.maxMs >= policy.baseMs))
    throw new Error(`@QueueProcessor(${queue}): backoff needs 0 <= baseMs <= maxMs`);
  return discoverable({ queue, concurrency, policy }) as ClassDecorator;
}
