import { Injectable, Logger } from '@nestjs/common';
import { PermanentError, QueueProcessor, QUEUES, RetryableError, type JobContext, type JobHandler, type JobPayloads } from '#queue';
import { GraphApiError } from '#whatsapp';
import { AppError } from '../common/app-error.js';
import { MediaService } from './media.service.js';

type Job = JobContext<JobPayloads['media-download']>;

/** A just-registered row may not be committed yet when its job starts: look again shortly, a few times. */
const MISSING_ROW_ATTEMPTS = 3;

/**
 * Downloads inbound media. Meta's download URLs live 5 minutes, so retries are fast and short (each attempt asks
 * Meta for a fresh URL); Meta refusing the media id (expired, unknown) fails the row at once.
 */
@Injectable()
@QueueProcessor(QUEUES.mediaDownload, { concurrency: 4, maxAttempts: 6, backoff: { baseMs: 500, maxMs: 15_000 } })
export class MediaDownloadProcessor implements JobHandler<'media-download'> {
  private readonly logger = new Logger('MediaDownload');

  constructor(private readonly media: MediaService) {}

  async handle(job: Job): Promise<void> {
    const { organizationId, mediaId } = job.data;
    let outcome: Awaited<ReturnType<MediaService['downloadInbound']>>;
    try {
      outcome = await this.media.downloadInbound(organizationId, mediaId);
    } catch (err) {
      if (err instanceof GraphApiError && !err.retryable) throw new PermanentError(`WhatsApp refused the media: ${err.message}`, { cause: err });
      if (err instanceof AppError && err.code === 'not_found') throw new PermanentError(`its phone number is gone: ${err.message}`, { cause: err });
      throw err;
    }
    if (outcome === 'missing') {
      if (job.attempt < MISSING_ROW_ATTEMPTS) throw new RetryableError(`media ${mediaId} not found (yet)`, { delayMs: 1_000 });
      this.logger.warn({ mediaId }, 'media row not found; dropping the download');
    }
  }

  async onExhausted(job: Job, error: unknown): Promise<void> {
    const reason = error instanceof Error ? error.message : String(error);
    await this.media.failInbound(job.data.organizationId, job.data.mediaId, reason);
    this.logger.warn({ mediaId: job.data.mediaId, err: reason }, 'media download failed');
  }
}
