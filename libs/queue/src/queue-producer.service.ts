import { Injectable } from '@nestjs/common';
import { PRIORITY_LIMIT } from 'bullmq';
import { QueueDriver, type EnqueueOptions } from './queue-driver.js';
import type { JobPayloads, QueueName } from './queue-names.js';

/**
 * Enqueues jobs on whichever driver this process runs. Write the database row first, then enqueue: a job carries
 * only ids, and re-enqueueing the same `jobId` while it is pending is a no-op, so sweeps may re-enqueue freely.
 */
@Injectable()
export class QueueProducer {
  constructor(private readonly driver: QueueDriver) {}

  async enqueue<Q extends QueueName>(queue: Q, data: JobPayloads[Q], opts?: EnqueueOptions): Promise<void> {
    if (opts) validateOptions(opts);
    await this.driver.enqueueBulk(queue, [{ data, opts }]);
  }

  async enqueueBulk<Q extends QueueName>(
    queue: Q,
    jobs: { data: JobPayloads[Q]; opts?: EnqueueOptions }[],
  ): Promise<void> {
    for (const job of jobs) if (job.opts) validateOptions(job.opts);
    await this.driver.enqueueBulk(queue, jobs);
  }
}

/** The same rules in both drivers, so code that works embedded does not break on BullMQ. */
function validateOptions(opts: EnqueueOptions): void {
  const { jobId, delayMs, priority } = opts;
  if (jobId !== undefined && (jobId === '' || jobId.includes(':') || /^\d+$/.test(jobId)))
    throw new Error(`invalid jobId "${jobId}": must be non-empty, without ':' and not an integer (BullMQ rules)`);
  if (delayMs !== undefined && !(Number.isFinite(delayMs) && delayMs >= 0))
    throw new Error(`invalid delayMs ${delayMs}`);
  if (priority !== undefined && !(Number.isInteger(priority) && priority >= 0 && priority <= PRIORITY_LIMIT))
    throw new Error(`invalid priority ${priority}: an integer from 0 to ${PRIORITY_LIMIT}`);
}
