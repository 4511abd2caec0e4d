import { Injectable } from '@nestjs/common';
import { META_ERROR_DOCS_URL, metaErrorInfo, type InboundMessage, type WebhookPricing, type WebhookStatus } from '#whatsapp';
import { SandboxBehaviorStore } from './sandbox-behavior.js';
import { SandboxFaults } from './sandbox-faults.js';
import { SandboxGraphError } from './sandbox-graph.error.js';
import { newWamid } from './sandbox-ids.js';
import { SandboxLedger, type LedgerEntry } from './sandbox-ledger.js';
import { baseMime, MEDIA_RULES, STATIC_STICKER_MAX_BYTES, type MediaType } from './media-rules.js';
import { validateOutbound, type ValidatedSend } from './outbound-message.validator.js';
import { SandboxMediaService } from './sandbox-media.service.js';
import { SandboxNumbersService } from './sandbox-numbers.service.js';
import { SandboxRateLimits } from './sandbox-rate-limits.js';
import { SandboxRawHttpError } from './sandbox-raw-http.error.js';
import type { SandboxNumber } from './sandbox-state.types.js';
import { SandboxStore } from './sandbox.store.js';
import { SandboxTemplatesService } from './sandbox-templates.service.js';
import { SandboxWebhookEmitter } from './sandbox-webhook.emitter.js';
import { checkTemplateSend } from './template-send.validator.js';
import { buildInboundMessage, type InboundInjection } from './inbound-message.builder.js';

const WINDOW_MS = 24 * 3_600_000;

interface AsyncFailure {
  code: number;
  title?: string;
  details?: string;
}

/**
 * The messaging half of the fake Cloud API: validates and accepts sends like Meta (sync errors, rate limits, the
 * ledger), then plays the recipient's side (status webhooks, or an asynchronous `failed`), and injects inbound
 * messages as signed webhooks.
 */
@Injectable()
export class SandboxMessagingService {
  constructor(
    private readonly store: SandboxStore,
    private readonly numbers: SandboxNumbersService,
    private readonly templates: SandboxTemplatesService,
    private readonly media: SandboxMediaService,
    private readonly emitter: SandboxWebhookEmitter,
    private readonly behavior: SandboxBehaviorStore,
    private readonly faults: SandboxFaults,
    private readonly ledger: SandboxLedger,
    private readonly limits: SandboxRateLimits,
  ) {}

  /** POST /{phone_number_id}/messages (sends and mark-as-read). */
  async send(number: SandboxNumber, body: unknown): Promise<object> {
    let v: ReturnType<typeof validateOutbound>;
    try {
      v = validateOutbound(body);
      if (v.kind === 'read') return this.markRead(number, v.messageId);
      this.checkAgainstAccount(number, v);
    } catch (err) {
      if (err instanceof SandboxGraphError) this.ledger.countRejected();
      throw err;
    }

    const fault = this.faults.take(number.phone_number_id, v.toDigits);
    if (fault?.effect.kind === 'sync_error') {
      this.ledger.countRejected();
      const e = fault.effect;
      throw new SandboxGraphError(e.code, {
        httpStatus: e.http_status,
        ...(e.title ? { message: `(#${e.code}) ${e.title}` } : {}),
        ...(e.details ? { details: e.details } : {}),
      });
    }
    if (fault?.effect.kind === 'http_500') {
      this.ledger.countRejected();
      throw new SandboxRawHttpError(500, '<!DOCTYPE html><html><head><title>Error</title></head><body>Sorry, something went wrong.</body></html>');
    }
    const now = Date.now();
    if (!this.limits.takeThroughput(number, now)) {
      this.ledger.countRejected();
      throw new SandboxGraphError(130429);
    }
    if (!this.limits.takePair(number, v.toDigits, now)) {
      this.ledger.countRejected();
      throw new SandboxGraphError(131056);
    }

    const wamid = newWamid(v.toDigits);
    const entry: LedgerEntry = {
      wamid,
      phone_number_id: number.phone_number_id,
      to: v.toDigits,
      type: v.type,
      biz_opaque_callback_data: v.bizOpaque,
      accepted_at: new Date(now).toISOString(),
      body,
    };
    this.ledger.record(entry);

    const windowOpen = now - (this.store.lastInboundAt(number.phone_number_id, v.toDigits) ?? -Infinity) < WINDOW_MS;
    if (fault?.effect.kind === 'async_failed') {
      this.fail(number, entry, fault.effect);
    } else if (v.type !== 'template' && !windowOpen) {
      this.fail(number, entry, { code: 131047 });
    } else {
      void this.deliver(number, entry, v, windowOpen);
    }

    if (fault?.effect.kind === 'timeout') await sleep(fault.effect.ms);
    return {
      messaging_product: 'whatsapp',
      contacts: [{ input: v.input, wa_id: v.toDigits }],
      messages: [{ id: wamid, ...(v.type === 'template' ? { message_status: 'accepted' } : {}) }],
    };
  }

  /** POST /_sandbox/inbound: the customer sends something; Meta's webhook is posted and awaited once. */
  async injectInbound(input: InboundInjection) {
    const number = this.numbers.get(String(input?.phone_number_id ?? ''));
    const built = buildInboundMessage(number, input, (kind: MediaType, data: Buffer, mime: string, filename?: string) =>
      this.media.createInbound(number, kind, data, mime, filename),
    );
    const { message, contact, mediaId } = built;
    this.store.recordInboundId(number.phone_number_id, message.id);
    if (message.from) this.store.touchWindow(number.phone_number_id, message.from, Number(message.timestamp) * 1000);
    // Inbound traffic counts against the number's throughput (never refused).
    this.limits.takeThroughput(number, Date.now(), true);
    const outcome = await this.emitMessagesValue(number, { contacts: [contact], messages: [message] }, 0);
    return { wamid: message.id, delivered: outcome === 'delivered', outcome, ...(mediaId ? { media_id: mediaId } : {}), message };
  }

  private markRead(number: SandboxNumber, messageId: string): { success: true } {
    if (!this.store.isInboundId(number.phone_number_id, messageId)) {
      throw SandboxGraphError.invalidParameter(`Param message_id '${messageId}' is not a valid message id for this phone number.`);
    }
    return { success: true };
  }

  /** Checks that need the account: the recipient, the template, the media ids. */
  private checkAgainstAccount(number: SandboxNumber, v: ValidatedSend): void {
    if (v.toDigits === number.display_phone_number) throw new SandboxGraphError(131021);
    if (v.type === 'template') {
      const t = v.payload;
      checkTemplateSend(this.templates.find(number.waba_id, String(t.name), String((t.language as { code: string }).code)), t);
    }
    for (const ref of v.media) {
      if (ref.id === undefined) continue;
      const m = this.media.get(ref.id);
      if (!m || m.waba_id !== number.waba_id) throw SandboxGraphError.invalidParameter(`Param ${ref.path}['id'] is not a valid media id.`);
    }
  }

  /** Plays delivery: media problems fail like Meta (async 131053), else sent → delivered → read. */
  private async deliver(number: SandboxNumber, entry: LedgerEntry, v: ValidatedSend, windowOpen: boolean): Promise<void> {
    for (const ref of v.media) {
      const problem = ref.id !== undefined ? this.mediaIdProblem(ref.type, ref.id) : await this.mediaLinkProblem(ref.type, ref.link as string);
      if (problem) {
        this.fail(number, entry, { code: 131053, details: problem });
        return;
      }
    }
    const b = this.behavior.get();
    const steps: ('sent' | 'delivered' | 'read')[] = ['sent'];
    if (v.type !== 'reaction') {
      if (!(b.skip_delivered_rate > 0 && Math.random() < b.skip_delivered_rate)) steps.push('delivered');
      if (b.auto_read) steps.push('read');
    }
    // When each status happens: in order, whatever the configured delays (Meta's timestamps never say read before
    // delivered). `shuffle` reorders only when the webhooks go out, as Meta's delivery does — not what they say.
    const happensAfter = steps.map((s) => b.status_delays_ms[s]).map((d, i, all) => Math.max(d, ...all.slice(0, i)));
    const emitAfter = [...happensAfter];
    if (b.shuffle) shuffle(emitAfter);
    const pricing = this.pricing(number, v, windowOpen);
    steps.forEach((status, i) => {
      const s: WebhookStatus = { id: entry.wamid, status, timestamp: unixAfter(happensAfter[i]), recipient_id: entry.to };
      if (entry.biz_opaque_callback_data !== null) s.biz_opaque_callback_data = entry.biz_opaque_callback_data;
      if (status !== 'read') s.pricing = pricing;
      void this.emitMessagesValue(number, { statuses: [s] }, emitAfter[i]);
    });
  }

  private fail(number: SandboxNumber, entry: LedgerEntry, failure: AsyncFailure): void {
    this.ledger.markAsyncFailure(entry.wamid, failure.code);
    const info = metaErrorInfo(failure.code);
    const title = failure.title ?? info?.title ?? 'Unknown error';
    const delay = this.behavior.get().status_delays_ms.sent;
    const s: WebhookStatus = {
      id: entry.wamid,
      status: 'failed',
      timestamp: unixAfter(delay),
      recipient_id: entry.to,
      ...(entry.biz_opaque_callback_data !== null ? { biz_opaque_callback_data: entry.biz_opaque_callback_data } : {}),
      errors: [{ code: failure.code, title, message: title, error_data: { details: failure.details ?? info?.details ?? title }, href: META_ERROR_DOCS_URL }],
    };
    void this.emitMessagesValue(number, { statuses: [s] }, delay);
  }

  /** Per-message pricing (v24+): service replies and utility templates inside the window are free. */
  private pricing(number: SandboxNumber, v: ValidatedSend, windowOpen: boolean): WebhookPricing {
    if (v.type !== 'template') return { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'service' };
    const t = this.templates.find(number.waba_id, String(v.payload.name), String((v.payload.language as { code: string }).code));
    const category = (t?.category ?? 'UTILITY').toLowerCase();
    if (category === 'utility' && windowOpen) return { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category };
    return { billable: true, pricing_model: 'PMP', type: 'regular', category };
  }

  private mediaIdProblem(type: MediaType, id: string): string | undefined {
    const m = this.media.get(id);
    if (!m) return `Media ${id} no longer exists.`;
    const mime = baseMime(m.mime_type);
    if (!MEDIA_RULES[type].mimes.includes(mime)) return `Media of type ${mime} cannot be sent as ${type}.`;
    if (m.file_size > MEDIA_RULES[type].maxBytes) return `Media is ${m.file_size} bytes, more than ${MEDIA_RULES[type].maxBytes} allowed for ${type}.`;
    if (type === 'sticker' && !m.animated && m.file_size > STATIC_STICKER_MAX_BYTES) return `Static stickers may be at most ${STATIC_STICKER_MAX_BYTES} bytes.`;
    return undefined;
  }

  /** Meta downloads `link` media itself: an unreachable or unsuitable link fails the message. */
  private async mediaLinkProblem(type: MediaType, link: string): Promise<string | undefined> {
    if (!this.behavior.get().media_link_fetch) return undefined;
    const rule = MEDIA_RULES[type];
    try {
      const res = await fetch(link, { signal: AbortSignal.timeout(10_000), redirect: 'follow' });
      if (!res.ok) {
        await res.body?.cancel();
        return `Downloading ${link} answered HTTP ${res.status}.`;
      }
      const mime = baseMime(res.headers.get('content-type') ?? '');
      const length = Number(res.headers.get('content-length') ?? NaN);
      if (!rule.mimes.includes(mime)) {
        await res.body?.cancel();
        return `Media at ${link} has type '${mime}', not one of ${rule.mimes.join(', ')}.`;
      }
      if (Number.isFinite(length) && length > rule.maxBytes) {
        await res.body?.cancel();
        return `Media at ${link} is ${length} bytes, more than ${rule.maxBytes}.`;
      }
      const size = (await res.arrayBuffer()).byteLength;
      if (size > rule.maxBytes) return `Media at ${link} is ${size} bytes, more than ${rule.maxBytes}.`;
      return undefined;
    } catch (err) {
      return `Could not download ${link}: ${String((err as { cause?: { code?: string } })?.cause?.code ?? (err as Error).message)}.`;
    }
  }

  private emitMessagesValue(
    number: SandboxNumber,
    part: { statuses?: WebhookStatus[]; contacts?: object[]; messages?: InboundMessage[] },
    delayMs: number,
  ) {
    const waba = this.store.wabas.get(number.waba_id);
    if (!waba?.subscribed) {
      this.emitter.countNotSubscribed();
      return Promise.resolve('not_subscribed' as const);
    }
    return this.emitter.emit(
      this.numbers.webhookTarget(number),
      {
        id: number.waba_id,
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: number.display_phone_number, phone_number_id: number.phone_number_id },
              ...part,
            },
          },
        ],
      },
      delayMs,
    );
  }
}

function unixAfter(ms: number): string {
  return String(Math.floor((Date.now() + ms) / 1000));
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function shuffle<T>(items: T[]): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
}
