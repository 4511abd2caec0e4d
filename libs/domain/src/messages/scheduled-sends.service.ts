import { Injectable } from '@nestjs/common';
import { PrismaService, type Message, type Prisma } from '#db';
import { AppError } from '../common/app-error.js';
import { systemContext, type TenantContext } from '../common/tenant-context.js';
import { AuditService } from '../audit/audit.service.js';
import { ContactsService } from '../contacts/contacts.service.js';
import { isWindowOpen, needsOpenWindow } from '../conversations/conversation-window.js';
import { ConversationsService } from '../conversations/conversations.service.js';
import { optOutRefusal } from '../opt-out/marketing-opt-out.js';
import { PhoneNumbersService } from '../phone-numbers/phone-numbers.service.js';
import { TemplatesService, type TemplateReference } from '../templates/templates.service.js';
import { readFallback, withFallbackUsed } from './message-fallback.js';
import { MessageStatusUpdater, type MessageFailure } from './message-status-updater.service.js';
import type { MessageRecord } from './message.presenter.js';
import { previewOf, searchableText } from './message-text.js';
import { MessagesRepository, type MessagePatch } from './messages.repository.js';
import { waitAgainMs } from './scheduled-send.js';

export type ReleaseOutcome =
  | { kind: 'queued'; message: Message }
  | { kind: 'not_due'; waitMs: number }
  | { kind: 'failed' }
  /** No longer scheduled: canceled, or released by another worker or the sweep. */
  | { kind: 'gone' };

/**
 * Scheduled sends after acceptance: released at send_at (by the delivery job, or by the sweep after a restart or a
 * Redis loss) with the checks time can invalidate re-run — the 24 h window of a free-form message (its
 * fallback_template used when it closed), the template still approved, the contact not opted out of marketing —
 * and canceled before then. Every move is a compare-and-set from `scheduled`, so release and cancel race safely.
 */
@Injectable()
export class ScheduledSends {
  constructor(
    private readonly repo: MessagesRepository,
    private readonly contacts: ContactsService,
    private readonly conversations: ConversationsService,
    private readonly phoneNumbers: PhoneNumbersService,
    private readonly templates: TemplatesService,
    private readonly status: MessageStatusUpdater,
    private readonly audit: AuditService,
    private readonly prisma: PrismaService,
  ) {}

  /** `scheduled → queued` once send_at has come (or `scheduled → failed` when the send is no longer allowed). */
  async release(message: Message, now = new Date()): Promise<ReleaseOutcome> {
    if (message.status !== 'scheduled') return { kind: 'gone' };
    if (message.sendAt && message.sendAt.getTime() > now.getTime())
      return { kind: 'not_due', waitMs: waitAgainMs(message.sendAt, now) };
    const ctx = systemContext(message.organizationId);
    const decision = await this.decideAtSendTime(ctx, message, now);
    if ('failure' in decision) {
      const failed = await this.status.fail(message, ['scheduled'], decision.failure, now);
      return failed ? { kind: 'failed' } : { kind: 'gone' };
    }
    const moved = await this.repo.transition(message.organizationId, message.id, ['scheduled'], {
      status: 'queued',
      queuedAt: now,
      ...decision.patch,
    });
    if (!moved) return { kind: 'gone' };
    const released = (await this.repo.findById(message.organizationId, message.id))!;
    // The conversation's latest message moves when the send goes out, not when it was scheduled.
    const conversation = await this.conversations.findForPair(ctx, released.phoneNumberId, released.contactId);
    if (conversation) {
      const touch = await this.conversations.recordOutbound(
        ctx,
        conversation,
        false,
        now,
        previewOf(released.type, released.content),
      );
      await this.conversations.emitTouch(released.organizationId, touch);
    }
    await this.status.announce(released.organizationId, released.id, 'scheduled');
    return { kind: 'queued', message: released };
  }

  /** `scheduled → canceled`. Canceling a canceled message answers it again; any other state is invalid_state. */
  async cancel(ctx: TenantContext, id: string): Promise<MessageRecord> {
    const message = await this.repo.findById(ctx.organizationId, id);
    if (!message) throw AppError.notFound('message', id);
    if (message.status !== 'canceled') {
      if (message.status !== 'scheduled') throw notCancelable(message);
      const canceled = await this.prisma.transaction(async () => {
        const moved = await this.repo.transition(ctx.organizationId, id, ['scheduled'], {
          status: 'canceled',
          canceledAt: new Date(),
          nextAttemptAt: null,
        });
        if (moved)
          await this.audit.record(ctx, {
            action: 'message.canceled',
            targetType: 'message',
            targetId: id,
            metadata: { send_at: message.sendAt?.toISOString() ?? null },
          });
        return moved;
      });
      if (canceled) await this.status.announce(ctx.organizationId, id, 'scheduled');
    }
    const current = (await this.repo.findById(ctx.organizationId, id))!;
    // Lost the race to the release at send_at: it is on its way now.
    if (current.status !== 'canceled') throw notCancelable(current);
    return { ...current, contact: await this.contacts.get(ctx, current.contactId).catch(() => null) };
  }

  private async decideAtSendTime(
    ctx: TenantContext,
    m: Message,
    now: Date,
  ): Promise<{ patch: MessagePatch } | { failure: MessageFailure }> {
    const contact = await this.contacts.get(ctx, m.contactId).catch(() => null);
    // A vanished number or contact is the delivery worker's to fail (phone_number_unavailable, no recipient).
    const phone = await this.phoneNumbers.get(ctx, m.phoneNumberId).catch(() => null);
    if (!contact || !phone) return { patch: {} };

    const sendable = async (content: unknown): Promise<MessageFailure | null> => {
      let template;
      try {
        template = await this.templates.checkSendable(ctx, phone, content as TemplateReference);
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        return { ourCode: 'template_not_sendable', title: err.message.slice(0, 500) };
      }
      const refused = optOutRefusal(contact, template.category, template.name);
      return refused ? { ourCode: 'contact_opted_out', title: refused.message.slice(0, 500) } : null;
    };

    if (!needsOpenWindow(m.type)) {
      const problem = await sendable(m.content);
      return problem ? { failure: problem } : { patch: {} };
    }
    const conversation = await this.conversations.findForPair(ctx, m.phoneNumberId, m.contactId);
    if (isWindowOpen(conversation, now)) return { patch: {} };
    const fallback = readFallback(m.fallback);
    if (!fallback || fallback.used) {
      const closed = conversation?.windowExpiresAt
        ? `closed at ${conversation.windowExpiresAt.toISOString()}`
        : 'never opened';
      return {
        failure: {
          ourCode: 'outside_24h_window',
          title: `The 24-hour window ${closed}; a ${m.type} message cannot be delivered.`,
        },
      };
    }
    const problem = await sendable(fallback.template);
    if (problem) return { failure: problem };
    const used = withFallbackUsed(m.type, m.content, fallback.template);
    return {
      patch: {
        type: used.type,
        content: used.content as Prisma.InputJsonValue,
        body: searchableText(used.type, used.content),
        fallback: used.fallback,
      },
    };
  }
}

function notCancelable(m: Message): AppError {
  return new AppError(
    'invalid_state',
    m.direction === 'inbound'
      ? `${m.id} is an inbound message; only scheduled sends can be canceled.`
      : `${m.id} is ${m.status}: only a scheduled message can be canceled before its send_at${m.sendAt ? ` (${m.sendAt.toISOString()})` : ''}.`,
    { param: 'id', status: m.status },
  );
}
