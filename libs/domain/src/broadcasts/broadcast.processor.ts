import { Injectable } from '@nestjs/common';
import { QUEUES, QueueProcessor, RescheduleError, type JobContext, type JobHandler, type JobPayloads } from '#queue';
import { BroadcastDispatcher } from './broadcast-dispatcher.service.js';

/**
 * Runs a broadcast being sent: one step per run, then the same job comes back after the step's delay (a reschedule,
 * not an attempt) until the broadcast completes or is canceled. The job carries ids only; the rows are the truth.
 */
@Injectable()
@QueueProcessor(QUEUES.broadcasts, { concurrency: 4, maxAttempts: 20, backoff: { baseMs: 1_000, maxMs: 60_000 } })
export class BroadcastProcessor implements JobHandler<'broadcasts'> {
  constructor(private readonly dispatcher: BroadcastDispatcher) {}

  async handle(job: JobContext<JobPayloads['broadcasts']>): Promise<void> {
    const { broadcastId, organizationId } = job.data;
    const step = await this.dispatcher.step(organizationId, broadcastId);
    if (!step.done) throw new RescheduleError(step.delayMs);
  }
}
