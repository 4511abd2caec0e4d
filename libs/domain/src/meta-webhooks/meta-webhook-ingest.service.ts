import { Injectable, Logger } from '@nestjs/common';
import { PrismaService, type PhoneNumber, type Prisma } from '#db';
import type { InboundMessage, MessagesChangeValue, TemplateStatusUpdateValue, WebhookContact, WebhookStatus } from '#whatsapp';
import { isId, newId } from '../common/ids.js';
import { systemContext, type TenantContext } from '../common/tenant-context.js';
import { ContactsService } from '../contacts/contacts.service.js';
import { ConversationsService } from '../conversations/conversations.service.js';
import { DomainEvents } from '../events/domain-events.js';
import { MediaService } from '../media/media.service.js';
import type { MetaMessageStatus } from '../messages/message-status.js';
import { failureFromMeta, MessageStatusUpdater } from '../messages/message-status-updater.service.js';
import { presentMessage } from '../messages/message.presenter.js';
import { previewOf, searchableText } from '../messages/message-text.js';
import { MessagesRepository } from '../messages/messages.repository.js';
import { MarketingOptOutService } from '../opt-out/marketing-opt-out.service.js';
import { PhoneNumbersService } from '../phone-numbers/phone-numbers.service.js';
import { TemplatesService } from '../templates/templates.service.js';

const MEDIA_TYPES = new Set(['image', 'video', 'audio', 'document', 'sticker']);
const META_STATUSES = new Set<MetaMessageStatus>(['sent', 'delivered', 'read', 'failed']);

export interface IngestResult {
  messages: number;
  duplicates: number;
  statuses: number;
  /** Things skipped on purpose (unknown number, unknown message, unhandled field): kept on the InboundEvent. */
  notes: string[];
}

/**
 * Applies one stored Meta webhook payload. Idempotent, because Meta retries and duplicates deliveries and our own
 * queue may run an event twice: inbound messages are stored once (the (phone_number_id, wamid) unique index),
 * counters move only for a newly stored message, statuses are monotonic compare-and-sets.
 */
@Injectable()
export class MetaWebhookIngestService {
  private readonly logger = new Logger('MetaWebhookIngest');

  constructor(
    private readonly phoneNumbers: PhoneNumbersService,
    private readonly contacts: ContactsService,
    private readonly conversations: ConversationsService,
    private readonly messages: MessagesRepository,
    private readonly status: MessageStatusUpdater,
    private readonly media: MediaService,
    private readonly templates: TemplatesService,
    private readonly events: DomainEvents,
    private readonly prisma: PrismaService,
    private readonly optOut: MarketingOptOutService,
  ) {}

  async process(payload: unknown): Promise<IngestResult> {
    const result: IngestResult = { messages: 0, duplicates: 0, statuses: 0, notes: [] };
    const p = payload as { object?: unknown; entry?: unknown };
    if (p?.object !== 'whatsapp_business_account' || !Array.isArray(p.entry)) {
      result.notes.push(`not a WhatsApp Business Account payload (object: ${String(p?.object)})`);
      return result;
    }
    for (const entry of p.entry as { id?: string; changes?: { field?: string; value?: unknown }[] }[]) {
      for (const change of Array.isArray(entry?.changes) ? entry.changes : []) {
        if (change?.field === 'messages') await this.messagesChange(change.value as MessagesChangeValue, result);
        else if (change?.field === 'message_template_status_update')
          await this.templates.applyStatusUpdate(String(entry.id), change.value as TemplateStatusUpdateValue);
        else result.notes.push(`field ${String(change?.field)} is not handled`);
      }
    }
    return result;
  }

  private async messagesChange(value: MessagesChangeValue, result: IngestResult): Promise<void> {
    const metaId = value?.metadata?.phone_number_id;
    const phone = metaId ? await this.phoneNumbers.findByMetaId(String(metaId)) : null;
    if (!phone) {
      result.notes.push(`no connected number has phone_number_id ${String(metaId)}`);
      return;
    }
    const ctx = systemContext(phone.organizationId);
    for (const m of value.messages ?? []) {
      const stored = await this.inboundMessage(ctx, phone, m, value.contacts ?? []);
      if (stored === 'stored') result.messages++;
      else if (stored === 'duplicate') result.duplicates++;
      else result.notes.push(stored);
    }
    for (const s of value.statuses ?? []) {
      const note = await this.statusUpdate(phone, s);
      if (note) result.notes.push(note);
      else result.statuses++;
    }
    for (const e of value.errors ?? []) result.notes.push(`Meta error ${e.code}: ${e.title}`);
  }

  private async inboundMessage(ctx: TenantContext, phone: PhoneNumber, m: InboundMessage, contacts: WebhookContact[]): Promise<'stored' | 'duplicate' | string> {
    if (!m?.id || !m.type) return 'a message without id or type was skipped';
    const profile = contacts.find((c) => c.wa_id && c.wa_id === m.from) ?? (contacts.length === 1 ? contacts[0] : undefined);
    const waId = /^\d{6,20}$/.test(m.from ?? '') ? m.from : profile?.wa_id || null;
    const userId = profile?.user_id ?? null;
    if (!waId && !userId) return `message ${m.id} names no sender (no wa_id nor user_id)`;
    const at = unixSeconds(m.timestamp);
    const type = m.type;
    let content = (m as unknown as Record<string, unknown>)[type] ?? {};
    if (type === 'unsupported') content = { ...(content as object), errors: m.errors ?? [] };
    if (MEDIA_TYPES.has(type)) content = await this.registerMedia(ctx, phone, content as Record<string, unknown>);
    const preview = previewOf(type, content);
    const firstError = m.errors?.[0];

    const outcome = await this.prisma.transaction(async () => {
      const contactR = await this.contacts.resolveInbound(ctx, { waId, userId, profileName: profile?.profile?.name ?? null });
      const { conversation, created } = await this.conversations.ensure(ctx, phone.id, contactR.contact.id, at, preview);
      const message = await this.messages.insertIfNew(ctx.organizationId, {
        id: newId('message'),
        phoneNumberId: phone.id,
        conversationId: conversation.id,
        contactId: contactR.contact.id,
        direction: 'inbound',
        type,
        content: content as Prisma.InputJsonValue,
        body: searchableText(type, content),
        contextWamid: m.context?.id ?? null,
        wamid: m.id,
        status: 'received',
        source: 'webhook',
        receivedAt: at,
        ...(firstError ? { metaErrorCode: firstError.code, metaErrorTitle: firstError.title, metaErrorDetails: firstError.error_data?.details ?? null } : {}),
      });
      if (!message) return { message: null };
      const touch = await this.conversations.recordInbound(ctx, conversation, created, at, preview);
      const optOut = await this.optOut.applyInbound(ctx, contactR.contact, { id: message.id, type, content, at });
      // In the same transaction (DomainEvents: an outbox): a retry after a lost commit finds the message already
      // stored and would never emit these again.
      await this.contacts.emitResolution(ctx.organizationId, contactR);
      if (optOut) await this.contacts.emitResolution(ctx.organizationId, optOut);
      await this.conversations.emitTouch(ctx.organizationId, touch);
      await this.events.emit(
        ctx.organizationId,
        'message.received',
        { message: presentMessage({ ...message, contact: contactR.contact }) },
        { conversationId: message.conversationId, phoneNumberId: phone.id },
      );
      return { message };
    });
    if (!outcome.message) return 'duplicate';
    return 'stored';
  }

  /** Inbound media: a pending Media row and its download job (Meta's URLs expire in 5 minutes); our id goes in the body. */
  private async registerMedia(ctx: TenantContext, phone: PhoneNumber, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (typeof body.id !== 'string') return body;
    try {
      const { id } = await this.media.registerInbound(ctx.organizationId, phone.id, {
        metaMediaId: body.id,
        mimeType: typeof body.mime_type === 'string' ? body.mime_type : 'application/octet-stream',
        sha256: typeof body.sha256 === 'string' ? body.sha256 : undefined,
        filename: typeof body.filename === 'string' ? body.filename : undefined,
      });
      return { ...body, media_id: id };
    } catch (err) {
      // The message itself matters more than its file: store it without our media id.
      this.logger.warn({ metaMediaId: body.id, err: String(err) }, 'could not register inbound media');
      return body;
    }
  }

  /** A status of one of our messages, found by the id we put in biz_opaque_callback_data, else by wamid. */
  private async statusUpdate(phone: PhoneNumber, s: WebhookStatus): Promise<string | undefined> {
    if (!META_STATUSES.has(s?.status)) return `status ${String(s?.status)} is not handled`;
    const orgId = phone.organizationId;
    let message = null;
    const ours = s.biz_opaque_callback_data;
    if (ours && isId('message', ours)) {
      const byId = await this.messages.findById(orgId, ours);
      if (byId && byId.phoneNumberId === phone.id) message = byId;
    }
    message ??= s.id ? await this.messages.findByWamid(orgId, phone.id, s.id) : null;
    if (!message || message.direction !== 'outbound') return `status ${s.status} for unknown message ${String(s.id)}`;
    const e = s.errors?.[0];
    await this.status.apply(message, {
      status: s.status,
      at: unixSeconds(s.timestamp),
      wamid: s.id,
      ...(s.pricing ? { pricing: s.pricing } : {}),
      ...(s.status === 'failed'
        ? { error: failureFromMeta({ code: e?.code, kind: 'meta', title: e?.title ?? e?.message, details: e?.error_data?.details }) }
        : {}),
    });
    return undefined;
  }
}

function unixSeconds(ts: string | undefined): Date {
  const n = Number(ts);
  const at = new Date(n * 1000);
  // Beyond what a Date holds (year 275760) is as meaningless as no timestamp, and would fail the insert forever.
  return Number.isFinite(n) && n > 0 && !Number.isNaN(at.getTime()) ? at : new Date();
}
