import { Injectable, Logger } from '@nestjs/common';
import {
  PrismaService,
  type Broadcast,
  type BroadcastRecipient,
  type Message,
  type PhoneNumber,
  type Prisma,
  type Template,
} from '#db';
import { QueueProducer, QUEUES } from '#queue';
import { AppError, nullIfNotFound } from '../common/app-error.js';
import { isId, newId } from '../common/ids.js';
import { systemContext, type TenantContext } from '../common/tenant-context.js';
import { AuditService } from '../audit/audit.service.js';
import { ContactsService, type ContactResolution } from '../contacts/contacts.service.js';
import { ConversationsService } from '../conversations/conversations.service.js';
import { DomainEvents } from '../events/domain-events.js';
import { MediaService } from '../media/media.service.js';
import { presentMessage } from '../messages/message.presenter.js';
import { previewOf, searchableText } from '../messages/message-text.js';
import { MessagesRepository } from '../messages/messages.repository.js';
import { PhoneNumbersService } from '../phone-numbers/phone-numbers.service.js';
import {
  BROADCAST_PRIORITY,
  defaultsOf,
  mergeComponents,
  windowRoom,
  type TemplateComponent,
} from './broadcast-rules.js';
import { BroadcastsRepository } from './broadcasts.repository.js';

/** How soon the broadcast's job looks again while it is sending (the window refills at the number's pace). */
const POLL_MS = 500;
/** Meta pauses a template for hours when its quality drops; a paused number waits for a new token. */
const PAUSED_WAIT_MS = 60_000;
/** Recipients materialized at once (each in its own short transaction). */
const PARALLEL = 4;
/** Recipients materialized, announced and enqueued together. */
const CHUNK = 16;

export interface StepResult {
  done: boolean;
  delayMs: number;
  queued: number;
  skipped: number;
}

type Touch = Awaited<ReturnType<ConversationsService['recordOutbound']>>;
type Materialized =
  | { kind: 'queued'; message: Message; contact: ContactResolution; touch: Touch }
  | { kind: 'skipped' }
  | { kind: 'gone' };

/**
 * One step of a broadcast being sent, run by its job until it completes. A step tops the broadcast's share of the
 * delivery queue up to WINDOW_SECONDS of the number's throughput: each pending recipient becomes an ordinary
 * `queued` template message (source `broadcast`), enqueued with a lower priority than one-to-one sends. The
 * delivery processor's per-number token bucket paces the actual sends; the window only keeps a broadcast from
 * flooding the queue with thousands of jobs. The broadcast completes when nothing is pending or in flight.
 */
@Injectable()
export class BroadcastDispatcher {
  private readonly logger = new Logger('BroadcastDispatcher');

  constructor(
    private readonly repo: BroadcastsRepository,
    private readonly phoneNumbers: PhoneNumbersService,
    private readonly contacts: ContactsService,
    private readonly conversations: ConversationsService,
    private readonly messages: MessagesRepository,
    private readonly media: MediaService,
    private readonly queue: QueueProducer,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
    private readonly prisma: PrismaService,
  ) {}

  async step(organizationId: string, broadcastId: string): Promise<StepResult> {
    const ctx = systemContext(organizationId);
    const idle = (done: boolean, delayMs = POLL_MS): StepResult => ({ done, delayMs, queued: 0, skipped: 0 });
    const broadcast = await this.repo.findById(organizationId, broadcastId);
    if (broadcast?.status !== 'sending') return idle(true);

    const phone = await this.phoneNumbers.get(ctx, broadcast.phoneNumberId).catch(nullIfNotFound);
    if (!phone || phone.status === 'disconnected') {
      await this.stop(
        ctx,
        broadcast,
        'phone_number_unavailable',
        `Phone number ${broadcast.phoneNumberId} was disconnected.`,
      );
      return this.finishIfDone(ctx, broadcast);
    }
    if (phone.status === 'paused') return idle(false, PAUSED_WAIT_MS);
    const template = await this.repo.findTemplateById(organizationId, broadcast.templateId);
    if (template?.status === 'PAUSED') return idle(false, PAUSED_WAIT_MS);
    if (template?.status !== 'APPROVED') {
      await this.stop(
        ctx,
        broadcast,
        'template_not_approved',
        `Template ${broadcast.templateName} (${broadcast.templateLanguage}) is ${template?.status ?? 'gone'}.`,
      );
      return this.finishIfDone(ctx, broadcast);
    }

    const inFlight = await this.repo.countInFlight(organizationId, broadcastId);
    const batch = await this.repo.pendingRecipients(
      organizationId,
      broadcastId,
      windowRoom(phone.throughputPerSecond, inFlight),
    );
    if (batch.length === 0) return inFlight === 0 ? this.finishIfDone(ctx, broadcast) : idle(false);

    // Chunk by chunk: each message is announced and enqueued within moments of being written, so the messages'
    // recovery sweep (which re-enqueues `queued` rows a few seconds old, without priority) never races us for it.
    const mediaCache = new Map<string, Promise<string>>();
    let queued = 0;
    let skipped = 0;
    for (let i = 0; i < batch.length; i += CHUNK) {
      const results: Materialized[] = [];
      const chunk = batch.slice(i, i + CHUNK);
      for (let j = 0; j < chunk.length; j += PARALLEL)
        results.push(
          ...(await Promise.all(
            chunk.slice(j, j + PARALLEL).map((r) => this.materialize(ctx, broadcast, phone, template, r, mediaCache)),
          )),
        );
      const made = results.filter((r): r is Extract<Materialized, { kind: 'queued' }> => r.kind === 'queued');
      // Announced before they are enqueued, so message.created always precedes their status events.
      await Promise.all(made.map((q) => this.announce(ctx, q)));
      await this.enqueue(made.map((q) => q.message));
      queued += made.length;
      skipped += results.filter((r) => r.kind === 'skipped').length;
    }
    await this.audit.record(ctx, {
      action: 'broadcast.batch_queued',
      targetType: 'broadcast',
      targetId: broadcastId,
      metadata: { queued, skipped },
    });
    return { done: false, delayMs: POLL_MS, queued, skipped };
  }

  /**
   * One recipient → one queued message, in one transaction with its contact, conversation and the recipient's
   * compare-and-set `pending → queued` (a cancel in between rolls it all back).
   */
  private async materialize(
    ctx: TenantContext,
    b: Broadcast,
    phone: PhoneNumber,
    template: Template,
    r: BroadcastRecipient,
    mediaCache: Map<string, Promise<string>>,
  ): Promise<Materialized> {
    const now = new Date();
    let content: Record<string, unknown>;
    try {
      const components = await this.resolveMedia(
        ctx,
        phone,
        mergeComponents(defaultsOf(b), (Array.isArray(r.parameters) ? r.parameters : []) as TemplateComponent[]),
        mediaCache,
      );
      content = {
        name: template.name,
        language: { code: template.language },
        ...(components.length ? { components } : {}),
      };
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      return (await this.repo.claimRecipient(ctx.organizationId, r.id, { status: 'skipped', skipReason: err.code }))
        ? { kind: 'skipped' }
        : { kind: 'gone' };
    }
    const preview = previewOf('template', content);
    try {
      return await this.prisma.transaction(async (): Promise<Materialized> => {
        const contact = await this.contacts.resolveForPhone(ctx, r.to);
        // Marketing to someone who opted out is never sent; utility and authentication messages still are.
        if (template.category === 'MARKETING' && contact.contact.optedOut) {
          if (
            !(await this.repo.claimRecipient(ctx.organizationId, r.id, {
              status: 'skipped',
              skipReason: 'opted_out',
              contactId: contact.contact.id,
            }))
          )
            throw new RecipientGone();
          return { kind: 'skipped' };
        }
        const { conversation, created } = await this.conversations.ensure(
          ctx,
          phone.id,
          contact.contact.id,
          now,
          preview,
        );
        const id = newId('message');
        const message = await this.messages.insert(ctx.organizationId, {
          id,
          phoneNumberId: phone.id,
          conversationId: conversation.id,
          contactId: contact.contact.id,
          direction: 'outbound',
          type: 'template',
          content: content as Prisma.InputJsonValue,
          body: searchableText('template', content),
          status: 'queued',
          source: 'broadcast',
          broadcastId: b.id,
          bizOpaqueCallbackData: id,
          queuedAt: now,
        });
        const touch = await this.conversations.recordOutbound(ctx, conversation, created, now, preview);
        if (
          !(await this.repo.claimRecipient(ctx.organizationId, r.id, {
            status: 'queued',
            messageId: id,
            contactId: contact.contact.id,
          }))
        )
          throw new RecipientGone();
        return { kind: 'queued', message, contact, touch };
      });
    } catch (err) {
      if (err instanceof RecipientGone) return { kind: 'gone' };
      throw err;
    }
  }

  /** Ends sending early: the pending recipients are skipped with `reason`. */
  private async stop(ctx: TenantContext, b: Broadcast, reason: string, why: string): Promise<void> {
    await this.prisma.transaction(async () => {
      const skipped = await this.repo.updatePendingRecipients(ctx.organizationId, b.id, {
        status: 'skipped',
        skipReason: reason,
      });
      if (skipped === 0) return;
      await this.repo.transition(ctx.organizationId, b.id, ['sending'], { statusReason: why });
      await this.audit.record(ctx, {
        action: 'broadcast.stopped',
        targetType: 'broadcast',
        targetId: b.id,
        metadata: { reason, skipped },
      });
    });
    this.logger.warn({ broadcastId: b.id, reason }, why);
  }

  /** `sending → completed` once no recipient is pending and none of its messages is still on its way to Meta. */
  private async finishIfDone(ctx: TenantContext, b: Broadcast): Promise<StepResult> {
    const [pending, inFlight] = await Promise.all([
      this.repo.countRecipients(ctx.organizationId, b.id, 'pending'),
      this.repo.countInFlight(ctx.organizationId, b.id),
    ]);
    if (pending > 0 || inFlight > 0) return { done: false, delayMs: POLL_MS, queued: 0, skipped: 0 };
    await this.prisma.transaction(async () => {
      if (
        await this.repo.transition(ctx.organizationId, b.id, ['sending'], {
          status: 'completed',
          completedAt: new Date(),
        })
      )
        await this.audit.record(ctx, { action: 'broadcast.completed', targetType: 'broadcast', targetId: b.id });
    });
    return { done: true, delayMs: 0, queued: 0, skipped: 0 };
  }

  /** A failure is logged, not thrown: the rows are `queued` and the messages' recovery sweep enqueues them. */
  private async enqueue(messages: Message[]): Promise<void> {
    if (messages.length === 0) return;
    try {
      await this.queue.enqueueBulk(
        QUEUES.messageDelivery,
        messages.map((m) => ({
          data: { messageId: m.id, organizationId: m.organizationId },
          opts: { jobId: m.id, priority: BROADCAST_PRIORITY },
        })),
      );
    } catch (err) {
      this.logger.warn(
        { err: String(err), count: messages.length },
        'enqueue failed; the recovery sweep will pick the messages up',
      );
    }
  }

  private async announce(ctx: TenantContext, q: Extract<Materialized, { kind: 'queued' }>): Promise<void> {
    await this.contacts.emitResolution(ctx.organizationId, q.contact);
    await this.conversations.emitTouch(ctx.organizationId, q.touch);
    await this.events.emit(
      ctx.organizationId,
      'message.created',
      { message: presentMessage({ ...q.message, contact: q.contact.contact }) },
      {
        conversationId: q.message.conversationId,
        phoneNumberId: q.message.phoneNumberId,
      },
    );
  }

  /** Our med_… ids in header parameters become Meta media ids of this number (uploaded once per step). */
  private async resolveMedia(
    ctx: TenantContext,
    phone: PhoneNumber,
    components: TemplateComponent[],
    cache: Map<string, Promise<string>>,
  ): Promise<TemplateComponent[]> {
    const resolve = (id: string) => {
      let p = cache.get(id);
      if (!p) cache.set(id, (p = this.media.resolveForSend(ctx, phone, id)));
      return p;
    };
    const out: TemplateComponent[] = [];
    for (const c of components) {
      if (!Array.isArray(c.parameters)) {
        out.push(c);
        continue;
      }
      const parameters = [];
      for (const p of c.parameters as Record<string, unknown>[]) {
        const kind = typeof p?.type === 'string' ? p.type : '';
        const media = p?.[kind] as { id?: unknown } | undefined;
        if (['image', 'video', 'document'].includes(kind) && media && isId('media', media.id))
          parameters.push({ ...p, [kind]: { ...media, id: await resolve(media.id) } });
        else parameters.push(p);
      }
      out.push({ ...c, parameters });
    }
    return out;
  }
}

class RecipientGone extends Error {}
