import crypto from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '#config';
import type { Prisma } from '#db';
import { QueueProducer, QUEUES } from '#queue';
import { verifyMetaSignature } from '#whatsapp';
import { AppError } from '../common/app-error.js';
import { newId } from '../common/ids.js';
import { PhoneNumbersService } from '../phone-numbers/phone-numbers.service.js';
import { InboundEventsRepository } from './inbound-events.repository.js';

/**
 * The receiving half of /webhooks/meta: the verification handshake, and for deliveries the signature check over
 * the raw bytes, then the durable insert that must happen before Meta gets its 200. Processing is asynchronous
 * (the inbound-events queue), so the answer stays fast.
 */
@Injectable()
export class MetaWebhooksService {
  private readonly logger = new Logger('MetaWebhooks');

  constructor(
    private readonly repo: InboundEventsRepository,
    private readonly phoneNumbers: PhoneNumbersService,
    private readonly queue: QueueProducer,
    private readonly config: AppConfig,
  ) {}

  /** The challenge to echo when Meta's subscription request carries our verify token; null otherwise (403). */
  handshake(mode: unknown, token: unknown, challenge: unknown): string | null {
    if (mode !== 'subscribe' || typeof token !== 'string' || typeof challenge !== 'string') return null;
    const expected = Buffer.from(this.config.metaVerifyToken);
    const given = Buffer.from(token);
    return given.length === expected.length && crypto.timingSafeEqual(given, expected) ? challenge : null;
  }

  /**
   * Verifies X-Hub-Signature-256 (the platform app's secret, or the secret of the number's own Meta app, named by
   * the first change's metadata.phone_number_id) and stores the payload. Throws invalid_signature — storing
   * nothing — when neither secret signed these exact bytes.
   */
  async receive(raw: Buffer | undefined, signature: string | undefined, parsed: unknown): Promise<{ id: string }> {
    if (!raw || raw.length === 0 || !signature) throw new AppError('invalid_signature');
    if (!(await this.signedByAKnownSecret(raw, signature, parsed))) throw new AppError('invalid_signature');
    const payload = (isObject(parsed) ? parsed : safeParse(raw)) as Prisma.InputJsonValue;
    const id = newId('inboundEvent');
    await this.repo.insertForSystem(id, payload);
    try {
      await this.queue.enqueue(QUEUES.inboundEvents, { inboundEventId: id }, { jobId: id });
    } catch (err) {
      // Stored is what Meta needs to hear about; the pending-events sweep enqueues it later.
      this.logger.warn({ inboundEventId: id, err: String(err) }, 'enqueue failed; the sweep will pick the event up');
    }
    return { id };
  }

  private async signedByAKnownSecret(raw: Buffer, signature: string, parsed: unknown): Promise<boolean> {
    if (verifyMetaSignature(raw, signature, this.config.metaAppSecret)) return true;
    const metaId = firstPhoneNumberId(isObject(parsed) ? parsed : safeParse(raw));
    if (!metaId) return false;
    const own = await this.phoneNumbers.webhookSecretFor(metaId);
    return own !== this.config.metaAppSecret && verifyMetaSignature(raw, signature, own);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function safeParse(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return { unparsable: raw.toString('utf8').slice(0, 10_000) };
  }
}

/** metadata.phone_number_id of the first `messages` change: whose app signed a per-number delivery. */
function firstPhoneNumberId(payload: unknown): string | undefined {
  const entries = (payload as { entry?: { changes?: { value?: { metadata?: { phone_number_id?: unknown } } }[] }[] })?.entry;
  if (!Array.isArray(entries)) return undefined;
  for (const e of entries)
    for (const c of Array.isArray(e?.changes) ? e.changes : []) {
      const id = c?.value?.metadata?.phone_number_id;
      if (typeof id === 'string' && /^\d{1,32}$/.test(id)) return id;
    }
  return undefined;
}
