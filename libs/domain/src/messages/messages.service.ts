import { Injectable, Logger } from '@nestjs/common';
import { PrismaService, type PhoneNumber, type Prisma, type Template } from '#db';
import { QueueProducer, QUEUES } from '#queue';
import { GraphApiError, GraphClient } from '#whatsapp';
import { AppError } from '../common/app-error.js';
import { isId, newId } from '../common/ids.js';
import { decodeCursor, toPage, type ListResult } from '../common/pagination.js';
import { normalizePhone } from '../common/phone.js';
import type { TenantContext } from '../common/tenant-context.js';
import { AuditService } from '../audit/audit.service.js';
import { ContactsService } from '../contacts/contacts.service.js';
import { isWindowOpen, needsOpenWindow } from '../conversations/conversation-window.js';
import { ConversationsService } from '../conversations/conversations.service.js';
import { DomainEvents } from '../events/domain-events.js';
import { AssistantGuardRails } from '../guard-rails/guard-rails.service.js';
import { MediaService } from '../media/media.service.js';
import { optOutRefusal } from '../opt-out/marketing-opt-out.js';
import { PhoneNumbersService } from '../phone-numbers/phone-numbers.service.js';
import { TemplatesService, type TemplateReference } from '../templates/templates.service.js';
import type { ListMessagesDto } from './dto/list-messages.dto.js';
import type { SendMessageDto } from './dto/send-message.dto.js';
import { presentMessage, type MessageRecord } from './message.presenter.js';
import { pendingFallback, withFallbackUsed } from './message-fallback.js';
import { previewOf, searchableText } from './message-text.js';
import { MessagesRepository } from './messages.repository.js';
import { fireDelayMs, scheduledTime } from './scheduled-send.js';

/** Keys under which a media object (id or link) may sit anywhere in a message body. */
const MEDIA_KEYS = new Set(['image', 'video', 'audio', 'document', 'sticker']);
const MEDIA_TYPES = new Set(['image', 'video', 'audio', 'document', 'sticker']);

export interface TypingIndicator {
  object: 'typing_indicator';
  message_id: string;
  conversation_id: string;
  /** WhatsApp hides the indicator after 25 s or when a reply arrives. */
  expires_at: string;
}

@Injectable()
export class MessagesService {
  private readonly logger = new Logger('Messages');

  constructor(
    private readonly repo: MessagesRepository,
    private readonly contacts: ContactsService,
    private readonly conversations: ConversationsService,
    private readonly phoneNumbers: PhoneNumbersService,
    private readonly templates: TemplatesService,
    private readonly media: MediaService,
    private readonly graph: GraphClient,
    private readonly queue: QueueProducer,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
    private readonly prisma: PrismaService,
    private readonly guardRails: AssistantGuardRails,
  ) {}

  /**
   * Accepts a message for delivery: validated (the DTO checked Meta's limits), the number sendable, a template
   * approved with matching parameters, the 24 h window open for free-form types. The row (`queued`), its
   * conversation and contact, and the audit entry commit together; then the job is enqueued (a sweep re-enqueues
   * it if that fails) and message.created is emitted.
   *
   * With `send_at` the row is stored `scheduled` after the same checks (a free-form message needs an open window
   * now unless it has a fallback_template; the window is checked again at send_at) and a delayed job fires it.
   * With `fallback_template` and a closed window, the template is what is stored and sent. Assistant sends
   * (ctx.via 'mcp') pass the organization's guard rails; marketing templates never go to opted-out contacts.
   */
  async send(ctx: TenantContext, input: SendMessageDto): Promise<MessageRecord> {
    const phone = await this.phoneNumbers.resolve(ctx, input.phone_number_id);
    this.phoneNumbers.assertSendable(phone);
    const to = normalizePhone(input.to, 'to');
    const type = input.type;
    if (type === 'reaction' && input.context) throw AppError.validation('context', 'context (a quoted reply) is not allowed on reactions.');
    const sendAt = input.send_at === undefined ? null : scheduledTime(input.send_at, new Date());
    let content = toPlain((input as unknown as Record<string, unknown>)[type]);
    const contextWamid = input.context ? await this.wamidOf(ctx, phone, input.context.message_id, 'context.message_id') : null;
    if (type === 'reaction') {
      const r = content as { message_id: string; emoji: string };
      content = { ...r, message_id: await this.wamidOf(ctx, phone, r.message_id, 'reaction.message_id') };
    }
    const template = type === 'template' ? await this.templates.checkSendable(ctx, phone, content as TemplateReference) : null;
    content = await this.resolveMediaIds(ctx, phone, content, type);
    const fallback = input.fallback_template ? await this.fallbackFor(ctx, phone, input.fallback_template) : null;

    const now = new Date();
    const id = newId('message');
    const preview = previewOf(type, content);
    const { message, contactR } = await this.prisma.transaction(async () => {
      const rails = await this.guardRails.enter(ctx, to);
      const contactR = await this.contacts.resolveForPhone(ctx, to);
      if (rails) await this.guardRails.check(ctx, rails, to, contactR.contact.id, now);
      const { conversation, created } = await this.conversations.ensure(ctx, phone.id, contactR.contact.id, now, preview);
      let out: { type: string; content: unknown; fallback?: Prisma.InputJsonValue; template: Template | null } = {
        type,
        content,
        fallback: fallback ? pendingFallback(fallback.content) : undefined,
        template,
      };
      if (needsOpenWindow(type) && !isWindowOpen(conversation, now)) {
        if (!fallback) throw outsideWindow(created ? null : conversation, type);
        // A scheduled send decides at send_at: the customer may write before then.
        if (!sendAt) out = { ...withFallbackUsed(type, content, fallback.content), template: fallback.template };
      }
      const optedOut = out.template ? optOutRefusal(contactR.contact, out.template.category, out.template.name) : null;
      if (optedOut) throw optedOut;
      const message = await this.repo.insert(ctx.organizationId, {
        id,
        phoneNumberId: phone.id,
        conversationId: conversation.id,
        contactId: contactR.contact.id,
        direction: 'outbound',
        type: out.type,
        content: out.content as Prisma.InputJsonValue,
        body: searchableText(out.type, out.content),
        contextWamid,
        status: sendAt ? 'scheduled' : 'queued',
        source: ctx.via === 'mcp' ? 'mcp' : 'api',
        bizOpaqueCallbackData: id,
        queuedAt: sendAt ? null : now,
        sendAt,
        fallback: out.fallback,
      });
      // A scheduled send becomes the conversation's latest message when it goes out (ScheduledSends.release).
      const touch = sendAt && !created ? { conversation, created, changes: [] } : await this.conversations.recordOutbound(ctx, conversation, created, now, previewOf(out.type, out.content));
      await this.audit.record(ctx, {
        action: 'message.created',
        targetType: 'message',
        targetId: id,
        metadata: {
          type: out.type,
          phone_number_id: phone.id,
          conversation_id: conversation.id,
          to,
          ...(sendAt ? { send_at: sendAt.toISOString() } : {}),
          ...(fallback ? { fallback_used: out.type !== type } : {}),
        },
      });
      // The events commit with the change they describe (DomainEvents: an outbox).
      await this.contacts.emitResolution(ctx.organizationId, contactR);
      await this.conversations.emitTouch(ctx.organizationId, touch);
      await this.events.emit(ctx.organizationId, 'message.created', { message: presentMessage({ ...message, contact: contactR.contact }) }, {
        conversationId: message.conversationId,
        phoneNumberId: message.phoneNumberId,
      });
      return { message, contactR };
    });
    const delayMs = sendAt ? fireDelayMs(sendAt, new Date()) : 0;
    // Beyond the horizon the sweep arms the job as send_at approaches.
    if (delayMs !== null) await this.enqueue(message.organizationId, message.id, delayMs);
    return { ...message, contact: contactR.contact };
  }

  async get(ctx: TenantContext, id: string): Promise<MessageRecord> {
    const message = await this.repo.findById(ctx.organizationId, id);
    if (!message) throw AppError.notFound('message', id);
    return { ...message, contact: await this.contacts.get(ctx, message.contactId).catch(() => null) };
  }

  /** Newest first. `q` is full-text (PostgreSQL `simple` configuration) over message texts, or a substring of them. */
  async list(ctx: TenantContext, q: ListMessagesDto): Promise<ListResult<MessageRecord>> {
    const limit = q.limit ?? 20;
    if (q.conversation_id) await this.conversations.get(ctx, q.conversation_id);
    if (q.contact_id) await this.contacts.get(ctx, q.contact_id);
    const cursor = decodeCursor(q.cursor);
    const rows = await this.repo.list(ctx.organizationId, {
      conversationId: q.conversation_id,
      contactId: q.contact_id,
      direction: q.direction,
      status: q.status,
      since: q.since ? new Date(q.since) : undefined,
      until: q.until ? new Date(q.until) : undefined,
      q: q.q?.trim() || undefined,
      beforeId: cursor?.[0] as string | undefined,
      limit,
    });
    const page = toPage(rows, limit, (m) => [m.id]);
    const contacts = await this.contacts.getMany(ctx, page.data.map((m) => m.contactId));
    return { ...page, data: page.data.map((m) => ({ ...m, contact: contacts.get(m.contactId) ?? null })) };
  }

  /**
   * Shows "typing…" to the customer in reply to an inbound message (Meta also marks it read). Called directly on
   * the Graph API: the indicator is worthless a few seconds later, so there is nothing to retry.
   */
  async typing(ctx: TenantContext, id: string): Promise<TypingIndicator> {
    const message = await this.get(ctx, id);
    if (message.direction !== 'inbound' || !message.wamid)
      throw new AppError('invalid_state', 'A typing indicator answers an inbound message; this one is outbound.', { param: 'id' });
    const phone = await this.phoneNumbers.resolve(ctx, message.phoneNumberId);
    this.phoneNumbers.assertSendable(phone);
    try {
      await this.graph.markRead(this.phoneNumbers.credentialsFor(phone), phone.metaPhoneNumberId, message.wamid, true);
    } catch (err) {
      if (!(err instanceof GraphApiError)) throw err;
      throw new AppError('upstream_unavailable', `WhatsApp refused the typing indicator: ${err.message}`, {
        meta_code: err.code ?? null,
        meta_title: err.title ?? null,
      });
    }
    return { object: 'typing_indicator', message_id: message.id, conversation_id: message.conversationId, expires_at: new Date(Date.now() + 25_000).toISOString() };
  }

  /** Enqueues delivery; a failure is logged, not thrown: the row is `queued` and the recovery sweep will enqueue it. */
  async enqueue(organizationId: string, messageId: string, delayMs?: number): Promise<void> {
    try {
      await this.queue.enqueue(QUEUES.messageDelivery, { messageId, organizationId }, { jobId: messageId, ...(delayMs ? { delayMs } : {}) });
    } catch (err) {
      this.logger.warn({ messageId, err: String(err) }, 'enqueue failed; the recovery sweep will pick the message up');
    }
  }

  /** A fallback template is checked like a template send, whether or not the window ends up needing it. */
  private async fallbackFor(ctx: TenantContext, phone: PhoneNumber, input: unknown): Promise<{ content: Record<string, unknown>; template: Template }> {
    const content = toPlain(input) as Record<string, unknown>;
    let template: Template;
    try {
      template = await this.templates.checkSendable(ctx, phone, content as unknown as TemplateReference);
    } catch (err) {
      // The same checks as a template send; the error names the fallback's field.
      if (err instanceof AppError && err.param?.startsWith('template')) throw new AppError(err.code, err.message, { ...err.details, param: `fallback_${err.param}` });
      throw err;
    }
    return { content: (await this.resolveMediaIds(ctx, phone, content, 'template')) as Record<string, unknown>, template };
  }

  /** A quoted or reacted-to message: a wamid as is, or our msg_ id of a message of this number that Meta accepted. */
  private async wamidOf(ctx: TenantContext, phone: PhoneNumber, ref: string, param: string): Promise<string> {
    if (!isId('message', ref)) return ref;
    const m = await this.repo.findById(ctx.organizationId, ref);
    if (!m) throw new AppError('not_found', `No message with id ${ref}.`, { param });
    if (m.phoneNumberId !== phone.id) throw AppError.validation(param, `${ref} belongs to another number's conversation.`);
    if (!m.wamid) throw new AppError('invalid_state', `${ref} has no WhatsApp id yet (it is ${m.status}).`, { param });
    return m.wamid;
  }

  /** Our med_… ids become the Meta media ids a send from this number carries (uploaded through it if needed). */
  private async resolveMediaIds(ctx: TenantContext, phone: PhoneNumber, content: unknown, type: string): Promise<unknown> {
    const visit = async (node: unknown, key: string | null): Promise<unknown> => {
      if (Array.isArray(node)) return Promise.all(node.map((n) => visit(n, null)));
      if (!node || typeof node !== 'object') return node;
      const obj = node as Record<string, unknown>;
      if (key !== null && MEDIA_KEYS.has(key) && typeof obj.id === 'string' && isId('media', obj.id))
        return { ...obj, id: await this.media.resolveForSend(ctx, phone, obj.id) };
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(obj)) out[k] = await visit(v, k);
      return out;
    };
    return visit(content, MEDIA_TYPES.has(type) ? type : null);
  }
}

function toPlain(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

/** `conversation` is null when it did not exist before this (rolled back) send. */
function outsideWindow(conversation: { id: string; lastInboundAt: Date | null; windowExpiresAt: Date | null } | null, type: string): AppError {
  const closedSince = conversation?.windowExpiresAt?.toISOString();
  return new AppError(
    'outside_24h_window',
    closedSince
      ? `The 24-hour window closed at ${closedSince}; a ${type} message cannot be delivered now. Send an approved template instead.`
      : `The contact has never written to this number, so the 24-hour window is closed; a ${type} message cannot be delivered. Send an approved template instead.`,
    { param: 'type', ...(conversation ? { conversation_id: conversation.id, last_inbound_at: conversation.lastInboundAt?.toISOString() ?? null } : {}) },
  );
}

