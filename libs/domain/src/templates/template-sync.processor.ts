import { Injectable, Logger } from '@nestjs/common';
import { PermanentError, QueueProcessor, QUEUES, type JobContext, type JobHandler, type JobPayloads } from '#queue';
import { GraphApiError } from '#whatsapp';
import { nullIfNotFound } from '../common/app-error.js';
import { systemContext } from '../common/tenant-context.js';
import { PhoneNumbersService } from '../phone-numbers/phone-numbers.service.js';
import { TemplatesService } from './templates.service.js';

type Job = JobContext<JobPayloads['template-sync']>;

/** Syncs a number's WABA templates in the background: after connecting, and when a status webhook names an unknown template. */
@Injectable()
@QueueProcessor(QUEUES.templateSync, { concurrency: 2, maxAttempts: 6, backoff: { baseMs: 5_000, maxMs: 5 * 60_000 } })
export class TemplateSyncProcessor implements JobHandler<'template-sync'> {
  private readonly logger = new Logger('TemplateSync');

  constructor(
    private readonly phoneNumbers: PhoneNumbersService,
    private readonly templates: TemplatesService,
  ) {}

  async handle(job: Job): Promise<void> {
    const ctx = systemContext(job.data.organizationId);
    const number = await this.phoneNumbers.get(ctx, job.data.phoneNumberId).catch(nullIfNotFound);
    if (!number || number.status === 'disconnected') return;
    try {
      const r = await this.templates.syncNumber(ctx, number);
      this.logger.log({ phoneNumberId: number.id, wabaId: r.wabaId, total: r.total, created: r.created, updated: r.updated, deleted: r.deleted }, 'templates synced');
    } catch (err) {
      if (err instanceof GraphApiError && !err.retryable) throw new PermanentError(`Meta refused the template list: ${err.message}`, { cause: err });
      throw err;
    }
  }

  async onExhausted(job: Job, error: unknown): Promise<void> {
    this.logger.warn({ phoneNumberId: job.data.phoneNumberId, err: error instanceof Error ? error.message : String(error) }, 'template sync gave up');
  }
}
