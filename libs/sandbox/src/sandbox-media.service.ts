import crypto from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { SandboxBehaviorStore } from './sandbox-behavior.js';
import { SandboxGraphError } from './sandbox-graph.error.js';
import { numericId } from './sandbox-ids.js';
import { baseMime, isAnimatedWebp, MEDIA_RULES, mediaTypeOfMime, type MediaType } from './media-rules.js';
import type { SandboxMedia, SandboxNumber } from './sandbox-state.types.js';
import { SandboxStore } from './sandbox.store.js';

export interface UploadedMediaFile {
  buffer: Buffer;
  mimetype?: string;
  originalname?: string;
  size?: number;
}

/** Path of the download URLs, shaped like Meta's lookaside URLs (relative to the sandbox root). */
export const MEDIA_DOWNLOAD_PATH = 'whatsapp_business/attachments';

/**
 * Media objects: uploaded through POST /{phone_number_id}/media or created for injected inbound media. GET /{media_id}
 * hands out a signed URL that expires (5 min by default); downloading it needs the access token of the same WABA.
 */
@Injectable()
export class SandboxMediaService {
  // Signs download URLs; URLs of a previous process are expired anyway.
  private readonly urlKey = crypto.randomBytes(32);

  constructor(
    private readonly store: SandboxStore,
    private readonly behavior: SandboxBehaviorStore,
  ) {}

  upload(number: SandboxNumber, fields: Record<string, unknown>, file: UploadedMediaFile | undefined): { id: string } {
    if (fields.messaging_product !== 'whatsapp') {
      throw new SandboxGraphError(100, { message: '(#100) The parameter messaging_product is required.', details: "Param messaging_product must be 'whatsapp'." });
    }
    if (!file) throw new SandboxGraphError(100, { message: '(#100) The parameter file is required.', details: 'The parameter file is required.' });
    const declared = typeof fields.type === 'string' && fields.type ? fields.type : file.mimetype;
    if (!declared) throw new SandboxGraphError(100, { message: '(#100) The parameter type is required.', details: 'The parameter type is required.' });
    const mime = baseMime(declared);
    const kind = mediaTypeOfMime(mime);
    if (!kind) {
      const all = [...new Set(Object.values(MEDIA_RULES).flatMap((r) => r.mimes))].join(', ');
      throw SandboxGraphError.invalidParameter(`Param file must be a file with one of the following types: ${all}. Received file of type '${mime}'.`);
    }
    const rule = MEDIA_RULES[kind];
    if (file.buffer.length === 0) throw SandboxGraphError.invalidParameter('Param file must not be empty.');
    if (file.buffer.length > rule.maxBytes) {
      throw SandboxGraphError.invalidParameter(`Param file must be a file of at most ${rule.maxBytes} bytes for ${mime}, got ${file.buffer.length} bytes.`);
    }
    const record = this.put(number, kind, file.buffer, declared, file.originalname, 'upload');
    return { id: record.id };
  }

  /** Media the customer sent (inbound injection). */
  createInbound(number: SandboxNumber, kind: MediaType, data: Buffer, mimeType: string, filename?: string): SandboxMedia {
    return this.put(number, kind, data, mimeType, filename, 'inbound');
  }

  get(id: string): SandboxMedia | undefined {
    return this.store.media.get(id);
  }

  /** The media a caller may see: media of a number of its WABA; else Graph's "object does not exist". */
  owned(caller: SandboxNumber, id: string, method: string): SandboxMedia {
    const m = this.store.media.get(id);
    if (!m || m.waba_id !== caller.waba_id) throw SandboxGraphError.unknownObject(id, method);
    return m;
  }

  /** GET /{media_id} body. */
  describe(m: SandboxMedia, publicBase: string) {
    const expires = Math.floor((Date.now() + this.behavior.get().media_url_ttl_ms) / 1000);
    const url = new URL(`${publicBase}/${MEDIA_DOWNLOAD_PATH}/`);
    url.searchParams.set('mid', m.id);
    url.searchParams.set('ext', String(expires));
    url.searchParams.set('hash', this.sign(m.id, expires));
    return { messaging_product: 'whatsapp', url: url.toString(), mime_type: m.mime_type, sha256: m.sha256, file_size: m.file_size, id: m.id };
  }

  delete(m: SandboxMedia): { success: true } {
    this.store.deleteMedia(m.id);
    return { success: true };
  }

  /** Serves a signed URL: 401 without a token of the media's WABA, 403 once expired or tampered, 404 once deleted. */
  download(
    query: Record<string, unknown>,
    caller: SandboxNumber | undefined,
  ): { status: number; body: Buffer | string; mime?: string; filename?: string } {
    const mid = typeof query.mid === 'string' ? query.mid : '';
    const ext = Number(query.ext);
    const hash = typeof query.hash === 'string' ? query.hash : '';
    if (!mid || !Number.isInteger(ext) || !safeEqual(hash, this.sign(mid, ext))) return { status: 403, body: 'URL signature mismatch' };
    if (ext * 1000 < Date.now()) return { status: 403, body: 'URL signature expired' };
    const m = this.store.media.get(mid);
    const data = m ? this.store.mediaData(mid) : undefined;
    if (!m || !data) return { status: 404, body: 'Not Found' };
    if (!caller || caller.waba_id !== m.waba_id) return { status: 401, body: 'Unauthorized' };
    return { status: 200, body: data, mime: m.mime_type, filename: m.filename };
  }

  private put(number: SandboxNumber, kind: MediaType, data: Buffer, mimeType: string, filename: string | undefined, origin: SandboxMedia['origin']): SandboxMedia {
    let id: string;
    do id = numericId(16);
    while (this.store.idTaken(id));
    const record: SandboxMedia = {
      id,
      phone_number_id: number.phone_number_id,
      waba_id: number.waba_id,
      mime_type: mimeType,
      sha256: crypto.createHash('sha256').update(data).digest('hex'),
      file_size: data.length,
      ...(filename ? { filename } : {}),
      ...(kind === 'sticker' ? { animated: isAnimatedWebp(data) } : {}),
      origin,
      created_at: new Date().toISOString(),
    };
    this.store.putMedia(record, data);
    return record;
  }

  private sign(mid: string, ext: number): string {
    return crypto.createHmac('sha256', this.urlKey).update(`${mid}:${ext}`).digest('base64url');
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}
