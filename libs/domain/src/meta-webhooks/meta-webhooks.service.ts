import crypto from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '#config';
import type { Prisma } from '#db';
import { QueueProducer, QUEUES } from '#queue';
import { verifyMetaSignature } from '#whatsapp';
import { AppError } from '../common/app-error.js';
import { GroupCommit } from '../common/group-commit.js';
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
    let payload = (isObject(parsed) ? parsed : safeParse(raw)) as Prisma.InputJsonValue;
    // PostgreSQL cannot store U+0000 in jsonb: a signed delivery carrying one would be refused on every retry.
    if (raw.includes('\\u0000') || raw.includes(0)) payload = withoutNul(payload) as Prisma.InputJsonValue;
    const id = newId('inboundEvent');
    await this.stored.submit({ id, payload });
    return { id };
  }

  /**
   * Stores payloads that arrive together in one INSERT and enqueues them in one call: Meta posts in bursts, and the
   * per-request round trips were what bounded the receiver. Each request still answers only once its row is stored.
   */
  private readonly stored = new GroupCommit<{ id: string; payload: Prisma.InputJsonValue }>(async (rows) => {
    await this.repo.insertManyForSystem(rows);
    try {
      await this.queue.enqueueBulk(
        QUEUES.inboundEvents,
        rows.map(({ id }) => ({ data: { inboundEventId: id }, opts: { jobId: id } })),
      );
    } catch (err) {
      // Stored is what Meta needs to hear about; the pending-events sweep enqueues them later.
      this.logger.warn({ inboundEventIds: rows.map((r) => r.id), err: String(err) }, 'enqueue failed; the sweep will pick the events up');
    }
  });

  private async signedByAKnownSecret(raw: Buffer, signature: string, parsed: unknown): Promise<boolean> {
    if (verifyMetaSignature(raw, signature, this.config.metaAppSecret)) return true;
    const payload = isObject(parsed) ? parsed : safeParse(raw);
    const metaId = firstPhoneNumberId(payload);
    // A `messages` change names its number; a change that names only the WABA (template status) may come from the
    // app of any number connected on it.
    const own = metaId ? [await this.phoneNumbers.webhookSecretFor(metaId)] : await this.wabaSecrets(payload);
    return own.some((secret) => secret !== this.config.metaAppSecret && verifyMetaSignature(raw, signature, secret));
  }

  private async wabaSecrets(payload: unknown): Promise<string[]> {
    const wabaId = firstWabaId(payload);
    return wabaId ? this.phoneNumbers.webhookSecretsForWaba(wabaId) : [];
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The payload with every U+0000 in its strings (keys too) replaced by U+FFFD, the replacement character. */
function withoutNul(value: unknown): unknown {
  if (typeof value === 'string') return value.replaceAll('\u0000', '\uFFFD');
  if (Array.isArray(value)) return value.map(withoutNul);
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [withoutNul(k) as string, withoutNul(v)]));
  return value;
}

function safeParse(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return { unparsable: raw.toString('utf8').slice(0, 10_000) };
  }
}

/** The first entry's id: the WABA a `whatsapp_business_account` delivery is about. */
function firstWabaId(payload: unknown): string | undefined {
  const id = (payload as { entry?: { id?: unknown }[] })?.entry?.[0]?.id;
  return typeof id === 'string' && /^\d{1,32}$/.test(id) ? id : undefined;
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
