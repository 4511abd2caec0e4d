import { Injectable, Logger } from '@nestjs/common';
import { QUEUES, QueueProcessor, type JobContext, type JobHandler, type JobPayloads } from '#queue';
import { RetentionService } from './retention.service.js';

/** Tasks of the `maintenance` queue. A task another feature needs is one more entry here (one processor per queue). */
export const MAINTENANCE_TASKS = { retention: 'retention' } as const;

/** Periodic housekeeping jobs, enqueued by sweepers; each task is idempotent and bounded. */
@Injectable()
@QueueProcessor(QUEUES.maintenance, { concurrency: 1, maxAttempts: 3, backoff: { baseMs: 5_000, maxMs: 60_000 } })
export class MaintenanceProcessor implements JobHandler<'maintenance'> {
  private readonly logger = new Logger('Maintenance');

  constructor(private readonly retention: RetentionService) {}

  async handle(job: JobContext<JobPayloads['maintenance']>): Promise<void> {
    switch (job.data.task) {
      case MAINTENANCE_TASKS.retention:
        await this.retention.enforce();
        return;
      default:
        // An unknown task (e.g. enqueued by a newer release) is dropped, not retried for days.
        this.logger.warn({ task: job.data.task }, 'unknown maintenance task; dropped');
    }
  }
}
