import { Injectable, Logger } from '@nestjs/common';
import { Prisma, type Message } from '#db';
import { classifyMetaError } from '#whatsapp';
import { nullIfNotFound } from '../common/app-error.js';
import { systemContext } from '../common/tenant-context.js';
import { ContactsService } from '../contacts/contacts.service.js';
import { AuditService } from '../audit/audit.service.js';
import { DomainEvents } from '../events/domain-events.js';
import { PhoneNumbersService } from '../phone-numbers/phone-numbers.service.js';
import type { MessageFailureCode } from './message-failure.js';
import { canApplyMetaStatus, STATUS_TIMESTAMP, type MetaMessageStatus } from './message-status.js';
import { presentMessage } from './message.presenter.js';
import { MessagesRepository, type MessagePatch } from './messages.repository.js';

export interface MessageFailure {
  ourCode: MessageFailureCode;
  metaCode?: number | null;
  title?: string | null;
  details?: string | null;
  /** Meta refused the number's credentials: pause its sends. */
  pauseNumber?: boolean;
  flagContact?: 'undeliverable' | 'opted_out';
}

export interface StatusUpdate {
  status: MetaMessageStatus;
  at: Date;
  /** Recorded when the row has none yet (the echo of our id completes a `sending` row). */
  wamid?: string;
  pricing?: unknown;
  /** For `failed`: Meta's error (errors[0]) and our code for it. */
  error?: MessageFailure;
}

const MAX_CAS_ROUNDS = 5;
const ANY_OUTBOUND_STATUS = ['scheduled', 'queued', 'sending', 'sent', 'delivered', 'read', 'failed', 'canceled'] as const;
const NOT_ENDED_BADLY = ['sending', 'sent', 'delivered', 'read'] as const;

/**
 * The one place an outbound message's status moves after it was claimed: by the delivery worker (Meta accepted or
 * refused the send) and by status webhooks. Every move is a compare-and-set on the status just read, so
 * duplicated, reordered and concurrent updates converge on the highest status (failed final) without locks.
 */
@Injectable()
export class MessageStatusUpdater {
  private readonly logger = new Logger('MessageStatus');

  constructor(
    private readonly repo: MessagesRepository,
    private readonly contacts: ContactsService,
    private readonly phoneNumbers: PhoneNumbersService,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
  ) {}

  /** Applies a Meta status; returns the updated row, or null when nothing moved (stale or duplicate update). */
  async apply(message: Message, update: StatusUpdate): Promise<Message | null> {
    if (update.status === 'failed' && update.error && canApplyMetaStatus(message.status, 'failed')) await this.pauseFirst(message, update.error);
    let current: Message | null = message;
    for (let round = 0; current && round < MAX_CAS_ROUNDS; round++) {
      if (!canApplyMetaStatus(current.status, update.status)) {
        await this.fillGaps(current, update);
        return null;
      }
      const patch = this.patchFor(current, update);
      // The row as this move left it, not a re-read: that could already show a concurrent webhook's later move, and
      // the event would then announce that status twice (sent → read, delivered → read) and never this one.
      const from = current;
      // The move and the events announcing it commit together (DomainEvents.committedWith): a lost commit is
      // retried whole, and a retry that finds the status already moved would never announce it.
      const moved = await this.events.committedWith(from.organizationId, async () => {
        const row = await this.repo.transitionReturning(from.organizationId, from.id, [from.status], patch);
        if (row) await this.announceMove(from, row);
        return row;
      });
      if (moved) {
        if (moved.status === 'failed' && update.error) await this.consequences(moved, update.error);
        return moved;
      }
      current = await this.repo.findById(message.organizationId, message.id);
    }
    if (current) this.logger.warn({ messageId: message.id, status: update.status }, 'status update lost the compare-and-set repeatedly');
    return null;
  }

  /** Our own terminal failure (delivery gave up): from `from` statuses only. */
  async fail(message: Message, from: readonly string[], error: MessageFailure, at = new Date()): Promise<Message | null> {
    await this.pauseFirst(message, error);
    const patch: MessagePatch = {
      status: 'failed',
      failedAt: at,
      nextAttemptAt: null,
      errorCode: error.ourCode,
      metaErrorCode: error.metaCode ?? null,
      metaErrorTitle: error.title ?? null,
      metaErrorDetails: error.details ?? null,
    };
    const updated = await this.events.committedWith(message.organizationId, async () => {
      if (!(await this.repo.transition(message.organizationId, message.id, from, patch))) return null;
      const row = (await this.repo.findById(message.organizationId, message.id))!;
      await this.announceMove(message, row);
      return row;
    });
    if (updated) await this.consequences(updated, error);
    return updated;
  }

  /** Emits message.status_updated for a move made elsewhere (e.g. a scheduled send released by the sweep). */
  async announce(organizationId: string, messageId: string, previousStatus: string): Promise<void> {
    const m = await this.repo.findById(organizationId, messageId);
    if (!m) return;
    const contact = await this.contacts.get(systemContext(organizationId), m.contactId).catch(() => null);
    await this.events.emit(organizationId, 'message.status_updated', { message: presentMessage({ ...m, contact }), previous_status: previousStatus }, {
      conversationId: m.conversationId,
      phoneNumberId: m.phoneNumberId,
    });
  }

  private patchFor(current: Message, u: StatusUpdate): MessagePatch {
    // Meta's timestamps have one-second resolution, ours (the Graph answer) milliseconds: keep the per-status
    // times in order (sent_at ≤ delivered_at ≤ read_at) by never recording one before an earlier status' time.
    const floor = Math.max(0, ...[current.sentAt, current.deliveredAt].filter((d): d is Date => !!d).map((d) => d.getTime()));
    const at = u.status === 'failed' || u.at.getTime() >= floor ? u.at : new Date(floor);
    const patch: MessagePatch = { status: u.status, [STATUS_TIMESTAMP[u.status]]: at, nextAttemptAt: null };
    if (u.wamid && !current.wamid) patch.wamid = u.wamid;
    if (u.pricing !== undefined && current.pricing == null) patch.pricing = u.pricing as Prisma.InputJsonValue;
    if (u.status === 'failed') {
      Object.assign(patch, {
        errorCode: u.error?.ourCode ?? 'meta_unknown_error',
        metaErrorCode: u.error?.metaCode ?? null,
        metaErrorTitle: u.error?.title ?? null,
        metaErrorDetails: u.error?.details ?? null,
      });
    } else if (current.errorCode) {
      // A transient error from an earlier attempt no longer describes the message.
      Object.assign(patch, { errorCode: null, metaErrorCode: null, metaErrorTitle: null, metaErrorDetails: null });
    }
    return patch;
  }

  /**
   * A status that cannot move the message may still carry what the row lacks: the time of a skipped-over status
   * (a late `sent` after `read`), the pricing, or the wamid. Compare-and-set on the status and on the gap.
   */
  private async fillGaps(current: Message, u: StatusUpdate): Promise<void> {
    const at = STATUS_TIMESTAMP[u.status];
    const gaps: MessagePatch = {};
    if (u.status !== 'failed' && current.status !== 'failed' && current.status !== 'canceled' && current[at] == null) gaps[at] = gapTime(current, u.status, u.at);
    if (u.wamid && !current.wamid) gaps.wamid = u.wamid;
    if (u.pricing !== undefined && current.pricing == null) gaps.pricing = u.pricing as Prisma.InputJsonValue;
    for (const [field, value] of Object.entries(gaps)) {
      // Conditioned on the gap still being empty, not on the status just read: a concurrent webhook may have moved
      // the status meanwhile, and the pricing or wamid this one carries must not be lost to that race.
      const stillEmpty = (field === 'pricing' ? { pricing: { equals: Prisma.DbNull } } : { [field]: null }) as Prisma.MessageWhereInput;
      const from = field === 'pricing' || field === 'wamid' ? ANY_OUTBOUND_STATUS : NOT_ENDED_BADLY;
      await this.repo.transition(current.organizationId, current.id, from, { [field]: value }, stillEmpty);
    }
  }

  private async announceMove(before: Message, after: Message): Promise<void> {
    const scope = { conversationId: after.conversationId, phoneNumberId: after.phoneNumberId };
    const contact = await this.contacts.get(systemContext(after.organizationId), after.contactId).catch(nullIfNotFound);
    const message = presentMessage({ ...after, contact });
    await this.events.emit(after.organizationId, 'message.status_updated', { message, previous_status: before.status }, scope);
    if (after.status === 'failed') await this.events.emit(after.organizationId, 'message.failed', { message }, scope);
  }

  /**
   * Broken credentials pause the number BEFORE the failure is recorded, so whoever sees the failed message also
   * sees the paused number (pausing twice is a no-op).
   */
  private async pauseFirst(m: Message, e: MessageFailure): Promise<void> {
    if (e.pauseNumber) await this.phoneNumbers.pause(m.organizationId, m.phoneNumberId, pauseReason(e));
  }

  /** What a Meta error says beyond this message: broken credentials pause the number; some recipients are flagged. */
  private async consequences(m: Message, e: MessageFailure): Promise<void> {
    const ctx = systemContext(m.organizationId);
    if (e.pauseNumber) await this.phoneNumbers.pause(m.organizationId, m.phoneNumberId, pauseReason(e));
    if (e.flagContact === 'opted_out') await this.contacts.markOptedOut(ctx, m.contactId, new Date());
    // No column records "undeliverable" on a contact: the audit log keeps it, per contact, for people and tools.
    if (e.flagContact === 'undeliverable')
      await this.audit.record(ctx, {
        action: 'contact.flagged_undeliverable',
        targetType: 'contact',
        targetId: m.contactId,
        metadata: { message_id: m.id, meta_code: e.metaCode ?? null },
      });
  }
}

/** Our failure record for a Meta error (a synchronous GraphApiError or a `failed` status's errors[0]). */
export function failureFromMeta(err: { code?: number; httpStatus?: number; kind: 'meta' | 'network' | 'timeout' | 'http'; title?: string; details?: string }): MessageFailure {
  const c = classifyMetaError(err);
  return {
    ourCode: c.ourCode,
    metaCode: err.code ?? null,
    title: err.title ?? c.title,
    details: err.details ?? null,
    pauseNumber: c.pauseNumber,
    ...(c.flagContact ? { flagContact: c.flagContact } : {}),
  };
}

/**
 * The time of a skipped-over status, kept between the times already recorded around it (sent_at ≤ delivered_at ≤
 * read_at, as patchFor keeps them): Meta's one-second timestamps would otherwise undercut our millisecond ones.
 */
function gapTime(current: Message, status: Exclude<MetaMessageStatus, 'failed'>, at: Date): Date {
  const order = [current.sentAt, current.deliveredAt, current.readAt];
  const i = ['sent', 'delivered', 'read'].indexOf(status);
  const ms = (dates: (Date | null)[]) => dates.filter((d): d is Date => !!d).map((d) => d.getTime());
  const t = Math.min(Math.max(at.getTime(), ...ms(order.slice(0, i))), ...ms(order.slice(i + 1)));
  return new Date(t);
}

/** The reason recorded on a number paused by a Meta error. */
export function pauseReason(e: MessageFailure): string {
  return `${e.ourCode}${e.metaCode != null ? ` (Meta ${e.metaCode})` : ''}: ${e.title ?? ''}`.trim();
}
