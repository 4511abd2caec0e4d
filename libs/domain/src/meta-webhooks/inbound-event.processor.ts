import { Injectable, Logger } from '@nestjs/common';
import { QUEUES, QueueProcessor, type JobContext, type JobHandler, type JobPayloads } from '#queue';
import { InboundEventsRepository } from './inbound-events.repository.js';
import { MetaWebhookIngestService } from './meta-webhook-ingest.service.js';

type Job = JobContext<JobPayloads['inbound-events']>;

/**
 * Ingests one stored Meta webhook payload. Runs in its own queue so inbound traffic is never stuck behind
 * outbound sends. A failure retries the whole payload, which is safe: ingest is idempotent.
 */
@Injectable()
@QueueProcessor(QUEUES.inboundEvents, { concurrency: 10, maxAttempts: 10, backoff: { baseMs: 1_000, maxMs: 5 * 60_000 } })
export class InboundEventProcessor implements JobHandler<'inbound-events'> {
  private readonly logger = new Logger('InboundEvents');

  constructor(
    private readonly repo: InboundEventsRepository,
    private readonly ingest: MetaWebhookIngestService,
  ) {}

  async handle(job: Job): Promise<void> {
    const event = await this.repo.beginAttemptForSystem(job.data.inboundEventId);
    if (!event) return; // processed already (a duplicate job, a sweep's re-enqueue) or removed by retention
    const result = await this.ingest.process(event.payload);
    if (result.notes.length) this.logger.debug({ inboundEventId: event.id, notes: result.notes }, 'ingested with notes');
    await this.repo.finishForSystem(event.id, 'processed', result.notes.length ? result.notes.join('; ') : null);
  }

  async onExhausted(job: Job, error: unknown): Promise<void> {
    await this.repo.finishForSystem(job.data.inboundEventId, 'failed', error instanceof Error ? error.message : String(error));
  }
}
