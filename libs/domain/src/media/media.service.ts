import crypto from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { PrismaService, type PhoneNumber } from '#db';
import { QueueProducer, QUEUES } from '#queue';
import { GraphClient } from '#whatsapp';
import { AppError } from '../common/app-error.js';
import { isId, newId } from '../common/ids.js';
import { systemContext, type TenantContext } from '../common/tenant-context.js';
import { AuditService } from '../audit/audit.service.js';
import { graphFailure } from '../phone-numbers/graph-failure.js';
import { PhoneNumbersService } from '../phone-numbers/phone-numbers.service.js';
import { ChecksumMismatchError } from './checksum-mismatch.error.js';
import { checkMedia, effectiveMime } from './media-rules.js';
import { MediaRepository, type MediaInfo } from './media.repository.js';
import type { UploadedMediaFile } from './uploaded-file.js';

export interface InboundMediaRef {
  metaMediaId: string;
  mimeType: string;
  sha256?: string;
  filename?: string;
}

export type DownloadOutcome = 'stored' | 'not_pending' | 'missing';

/**
 * Media of both directions, bytes kept in PostgreSQL so any replica serves them: uploads for sends (stored and
 * pushed to the Graph API) and inbound media (downloaded promptly, because Meta's URLs expire after 5 minutes).
 */
@Injectable()
export class MediaService {
  private readonly logger = new Logger('Media');

  constructor(
    private readonly repo: MediaRepository,
    private readonly phoneNumbers: PhoneNumbersService,
    private readonly graph: GraphClient,
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
    private readonly queue: QueueProducer,
  ) {}

  async upload(ctx: TenantContext, input: { phoneNumberId?: string; file?: UploadedMediaFile; declaredType?: string }): Promise<MediaInfo> {
    const { file } = input;
    if (!file) throw AppError.validation('file', 'Send the file as the multipart/form-data part named "file".');
    const number = await this.phoneNumbers.resolve(ctx, input.phoneNumberId);
    if (number.status === 'disconnected') throw new AppError('invalid_state', `Phone number ${number.id} is disconnected.`, { param: 'phone_number_id' });
    const mimeType = effectiveMime(file.mimetype || input.declaredType, file.originalname);
    checkMedia(mimeType, file.size);
    const filename = sanitizeFilename(file.originalname);

    let uploaded: { id: string };
    try {
      uploaded = await this.graph.uploadMedia(this.phoneNumbers.credentialsFor(number), number.metaPhoneNumberId, {
        data: file.buffer,
        mimeType,
        filename: filename ?? 'file',
      });
    } catch (err) {
      throw graphFailure(err, 'meta_request_failed', 'Uploading the media to WhatsApp failed');
    }

    return this.prisma.transaction(async () => {
      const row = await this.repo.insert(ctx.organizationId, {
        id: newId('media'),
        phoneNumberId: number.id,
        direction: 'outbound',
        metaMediaId: String(uploaded.id),
        mimeType,
        sha256: sha256Hex(file.buffer),
        fileSize: file.size,
        filename,
        data: file.buffer,
        status: 'ready',
      });
      await this.audit.record(ctx, {
        action: 'media.uploaded',
        targetType: 'media',
        targetId: row.id,
        metadata: { phone_number_id: number.id, mime_type: mimeType, file_size: file.size },
      });
      return row;
    });
  }

  /** The bytes of an inbound or uploaded media item, by our med_ id or (for inbound) Meta's media id. */
  async download(ctx: TenantContext, id: string): Promise<{ media: MediaInfo; data: Buffer }> {
    const info = isId('media', id)
      ? await this.repo.findInfo(ctx.organizationId, id)
      : /^\d{1,32}$/.test(id)
        ? await this.repo.findByMetaMediaId(ctx.organizationId, id)
        : null;
    if (!info) throw new AppError('not_found', `No media with id ${id}.`, { param: 'id' });
    if (info.status === 'pending') {
      // Re-enqueueing is a no-op while the job waits; it revives a download whose enqueue was lost.
      await this.enqueueDownload(info.organizationId, info.id);
      throw new AppError('media_not_ready', `Media ${info.id} is still being downloaded from WhatsApp.`);
    }
    if (info.status !== 'ready') throw new AppError('media_not_ready', `Media ${info.id} could not be downloaded: ${info.error ?? info.status}.`);
    const row = await this.repo.findWithData(ctx.organizationId, info.id);
    if (!row?.data) throw new AppError('media_not_ready', `The bytes of media ${info.id} are no longer kept.`);
    return { media: info, data: Buffer.from(row.data) };
  }

  /**
   * The Meta media id a send from `number` should carry. Our med_ ids map to their upload; media received from a
   * customer, or uploaded through another number, is uploaded again through this one. Anything else is taken
   * as Meta's own media id and passed through (Meta validates it).
   */
  async resolveForSend(ctx: TenantContext, number: PhoneNumber, id: string): Promise<string> {
    if (!isId('media', id)) return id;
    const info = await this.repo.findInfo(ctx.organizationId, id);
    if (!info) throw new AppError('not_found', `No media with id ${id}.`, { param: 'id' });
    if (info.direction === 'outbound' && info.metaMediaId && info.phoneNumberId === number.id) return info.metaMediaId;
    if (info.status !== 'ready') throw new AppError('media_not_ready', `Media ${id} is ${info.status}; it cannot be sent yet.`, { param: 'id' });
    const row = await this.repo.findWithData(ctx.organizationId, id);
    if (!row?.data) throw new AppError('media_not_ready', `The bytes of media ${id} are no longer kept; upload it again.`, { param: 'id' });
    try {
      const { id: metaId } = await this.graph.uploadMedia(this.phoneNumbers.credentialsFor(number), number.metaPhoneNumberId, {
        data: Buffer.from(row.data),
        mimeType: row.mimeType,
        filename: row.filename ?? 'file',
      });
      return String(metaId);
    } catch (err) {
      throw graphFailure(err, 'meta_request_failed', `Uploading media ${id} to WhatsApp failed`);
    }
  }

  /**
   * Webhook ingest found media in an inbound message: a pending row now, the bytes by the media-download job.
   * Idempotent on Meta's media id, so a re-processed webhook does not download twice.
   */
  async registerInbound(organizationId: string, phoneNumberId: string, ref: InboundMediaRef): Promise<{ id: string }> {
    const { id, pending } = await this.prisma.transaction(async () => {
      await this.repo.lockMetaMediaId(organizationId, ref.metaMediaId);
      const existing = await this.repo.findByMetaMediaId(organizationId, ref.metaMediaId, 'inbound');
      if (existing) return { id: existing.id, pending: existing.status === 'pending' };
      const row = await this.repo.insert(organizationId, {
        id: newId('media'),
        phoneNumberId,
        direction: 'inbound',
        metaMediaId: ref.metaMediaId,
        mimeType: ref.mimeType,
        sha256: ref.sha256 ?? null,
        fileSize: 0,
        filename: ref.filename ? sanitizeFilename(ref.filename) : null,
        data: null,
        status: 'pending',
      });
      return { id: row.id, pending: true };
    });
    // Inside a caller's transaction the job may start before the row commits; the processor looks again shortly.
    if (pending) await this.enqueueDownload(organizationId, id);
    return { id };
  }

  /** The media-download job: fetch a fresh URL, download, check the checksum, keep the bytes. */
  async downloadInbound(organizationId: string, mediaId: string): Promise<DownloadOutcome> {
    const info = await this.repo.findInfo(organizationId, mediaId);
    if (!info) return 'missing';
    if (info.status !== 'pending' || !info.metaMediaId) return 'not_pending';
    const number = await this.phoneNumbers.get(systemContext(organizationId), info.phoneNumberId);
    const creds = this.phoneNumbers.credentialsFor(number);
    const meta = await this.graph.getMediaUrl(creds, info.metaMediaId);
    const data = await this.graph.downloadMedia(creds, meta.url);
    const expected = info.sha256 ?? meta.sha256;
    if (expected && !checksumMatches(data, expected)) throw new ChecksumMismatchError(`checksum mismatch for media ${mediaId}`);
    const stored = await this.repo.completeDownload(organizationId, mediaId, {
      data,
      mimeType: meta.mime_type ? meta.mime_type : info.mimeType,
      sha256: sha256Hex(data),
      fileSize: data.length,
    });
    return stored ? 'stored' : 'not_pending';
  }

  async failInbound(organizationId: string, mediaId: string, reason: string): Promise<void> {
    await this.repo.failDownload(organizationId, mediaId, reason.slice(0, 500));
  }

  private async enqueueDownload(organizationId: string, mediaId: string): Promise<void> {
    try {
      await this.queue.enqueue(QUEUES.mediaDownload, { mediaId, organizationId }, { jobId: mediaId });
    } catch (err) {
      // The row stays pending; reading it re-enqueues.
      this.logger.warn({ err: String(err), mediaId }, 'could not enqueue the media download');
    }
  }
}

function sha256Hex(data: Buffer): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

function checksumMatches(data: Buffer, expected: string): boolean {
  const digest = crypto.createHash('sha256').update(data).digest();
  const e = expected.trim();
  return e.toLowerCase() === digest.toString('hex') || e === digest.toString('base64') || e === digest.toString('base64url');
}

/** Keeps a name safe for a Content-Disposition header and for Meta: no paths, no control characters. */
function sanitizeFilename(name: string | undefined): string | null {
  if (!name) return null;
  const base = name.split(/[\\/]/).pop()!.replace(/[\u0000-\u001f\u007f"]/g, '').trim(); // eslint-disable-line no-control-regex
  return base ? base.slice(0, 240) : null;
}
