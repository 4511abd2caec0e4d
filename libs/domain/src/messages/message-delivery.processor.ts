import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '#config';
import type { Message, PhoneNumber } from '#db';
import { QUEUES, QueueProcessor, RescheduleError, RetryableError, TokenBuckets, type JobContext, type JobHandler, type JobPayloads } from '#queue';
import { GraphApiError, GraphClient } from '#whatsapp';
import { nullIfNotFound } from '../common/app-error.js';
import { systemContext } from '../common/tenant-context.js';
import { ContactsService } from '../contacts/contacts.service.js';
import { PhoneNumbersService } from '../phone-numbers/phone-numbers.service.js';
import { MAX_SEND_ATTEMPTS, orderWaitMs, retryDelayMs } from './delivery-retry.js';
import { failureFromMeta, MessageStatusUpdater, pauseReason } from './message-status-updater.service.js';
import { MessagesRepository } from './messages.repository.js';
import { ScheduledSends } from './scheduled-sends.service.js';
import { Metrics } from '../observability/metrics.js';

type Job = JobContext<JobPayloads['message-delivery']>;

/**
 * Delivers one outbound message to the Graph API. The job carries ids only; the row is the truth:
 * order per recipient (an earlier message of the conversation goes first), the number's throughput (a token
 * bucket shared by every worker), a compare-and-set claim `queued → sending`, the call with our id in
 * biz_opaque_callback_data, then `sent` with the wamid — or the failure / the retry the Meta error calls for.
 */
/** The share of a number's cap the delivery pacing uses (see handle()). */
const PACING_SHARE = 0.92;
/** How far ahead a send slot may be booked; a claimed message waits at most this long before its send. */
const PACING_HORIZON_MS = 1_000;
/** A send this much past its booked slot books another one (see waitForSlot); well inside the 8 % jitter budget. */
const LATE_SLOT_TOLERANCE_MS = 25;
/** How far ahead that second slot may be; beyond it the claim is handed back and the job comes back later. */
const REBOOK_HORIZON_MS = 2_000;

@Injectable()
@QueueProcessor(QUEUES.messageDelivery, { concurrency: 20, maxAttempts: 50, backoff: { baseMs: 1_000, maxMs: 60_000 } })
export class MessageDeliveryProcessor implements JobHandler<'message-delivery'> {
  private readonly logger = new Logger('MessageDelivery');

  constructor(
    private readonly repo: MessagesRepository,
    private readonly phoneNumbers: PhoneNumbersService,
    private readonly contacts: ContactsService,
    private readonly graph: GraphClient,
    private readonly buckets: TokenBuckets,
    private readonly status: MessageStatusUpdater,
    private readonly scheduled: ScheduledSends,
    private readonly metrics: Metrics,
    private readonly config: AppConfig,
  ) {}

  async handle(job: Job): Promise<void> {
    const { messageId, organizationId } = job.data;
    const ctx = systemContext(organizationId);
    let message = await this.repo.findById(organizationId, messageId);
    let now = new Date();
    if (message?.status === 'scheduled') {
      // The delayed job of a scheduled send (or one the sweep armed): released here once send_at has come.
      const released = await this.scheduled.release(message, now);
      if (released.kind === 'not_due') throw new RescheduleError(released.waitMs);
      if (released.kind !== 'queued') return;
      message = released.message;
      now = new Date();
    }
    // Sent, failed or canceled meanwhile — or claimed by another worker: nothing to do here.
    if (!message || message.status !== 'queued') return;
    if (message.nextAttemptAt && message.nextAttemptAt.getTime() > now.getTime() + 50)
      throw new RescheduleError(message.nextAttemptAt.getTime() - now.getTime());

    const earlier = await this.repo.findEarlierUnsent(organizationId, message.conversationId, message.id);
    if (earlier) throw new RescheduleError(orderWaitMs(earlier, now));

    const phone = await this.phoneNumbers.get(ctx, message.phoneNumberId).catch(nullIfNotFound);
    if (!phone || phone.status === 'disconnected') return void (await this.status.fail(message, ['queued'], { ourCode: 'phone_number_unavailable' }));
    if (phone.status === 'paused') return this.holdWhilePaused(message, phone, now);

    // Everything that can fail for reasons of ours happens before the claim, so it never strands a `sending` row.
    const creds = this.phoneNumbers.credentialsFor(phone);
    const body = await this.buildBody(message);
    if (!body) return void (await this.status.fail(message, ['queued'], { ourCode: 'meta_invalid_parameter', title: 'The contact has no WhatsApp number' }));

    // Pacing: one slot every 1 / (92 % of the cap) seconds per number, shared by every worker, booked here and used
    // only after the claim, so the database round trips in between cannot bunch two sends together (taking a token
    // before them did, under load: 6 sends inside 0.84 s at a cap of 5). The 8 % is the jitter budget between this
    // moment and Meta counting the send (~87 ms per second): with 4 % the chaos suite, on 2 busy cores, still saw
    // a sixth send inside one second at a cap of 5, delivered ~60 ms late by the network path. Slots further than
    // the horizon are not booked: the job comes back when they would be.
    const schedule = `send:${phone.id}`;
    const intervalMs = 1000 / Math.max(phone.throughputPerSecond * PACING_SHARE, 0.5);
    const slot = await this.buckets.reserve(schedule, intervalMs, PACING_HORIZON_MS);
    if (!slot.reserved) {
      this.metrics.sends.inc({ outcome: 'throttled' });
      throw new RescheduleError(Math.max(5, slot.waitMs));
    }

    const sendingAt = new Date();
    if (!(await this.repo.transition(organizationId, messageId, ['queued'], { status: 'sending', sendingAt, attempts: { increment: 1 }, nextAttemptAt: null }))) return;
    const claimed: Message = { ...message, status: 'sending', sendingAt, attempts: message.attempts + 1 };
    // The slot's own time (Redis' clock: the machine's, or NTP-close to it), not "waitMs from when the answer came".
    const missed = await this.waitForSlot(schedule, intervalMs, slot.atMs);
    if (missed !== null) {
      // No slot left to send in: hand the claim back (uncounted) rather than send between two booked slots.
      await this.repo.transition(organizationId, messageId, ['sending'], { status: 'queued', attempts: { decrement: 1 } });
      throw new RescheduleError(Math.max(5, missed));
    }

    let wamid: string;
    try {
      wamid = (await this.graph.sendMessage(creds, phone.metaPhoneNumberId, body)).wamid;
    } catch (err) {
      this.metrics.sends.inc({ outcome: err instanceof GraphApiError && err.classification.retry === 'none' && !err.classification.pauseNumber ? 'failed' : 'retried' });
      return this.onSendError(claimed, phone, err);
    }
    this.metrics.sends.inc({ outcome: 'sent' });
    const applied = await this.status.apply(claimed, { status: 'sent', at: new Date(), wamid });
    if (!applied) this.logger.debug({ messageId }, 'a status webhook advanced the message before the Graph answer was recorded');
  }

  /**
   * Waits for the booked slot. Arriving late — a claim slower than the wait (a database hiccup) or a timer that fired
   * late (a busy event loop) — would put this send on top of the next slot's, so a late arrival books one fresh slot
   * (the missed one stays empty) and waits for it. Only once: every re-booking wastes a slot, and on a starved
   * machine repeated ones would push the whole schedule back. The claimed message waits meanwhile (≤ 3 s).
   * Returns null when it is time to send, or — when no slot could be booked (after a database fault many claims
   * arrive late together, and sending those at once bunched them above the cap) or the second one was missed too —
   * how long to wait before trying again.
   */
  private async waitForSlot(schedule: string, intervalMs: number, slotAt: number): Promise<number | null> {
    await sleepUntil(slotAt);
    if (Date.now() <= slotAt + LATE_SLOT_TOLERANCE_MS) return null;
    const again = await this.buckets.reserve(schedule, intervalMs, REBOOK_HORIZON_MS);
    if (!again.reserved) return again.waitMs;
    await sleepUntil(again.atMs);
    // Late twice (a starved event loop): sending now could land beside the next slot's send.
    return Date.now() <= again.atMs + LATE_SLOT_TOLERANCE_MS ? null : intervalMs;
  }

  /**
   * A paused number's credentials were refused by Meta (an expired token, a locked account): the customer fixes them
   * with PATCH /v1/phone_numbers/{id}, usually within hours, so its queued messages wait for that — rechecking every
   * PAUSED_NUMBER_RECHECK_MS — instead of failing. Only after PAUSED_NUMBER_HOLD_MS since they were queued do they
   * fail with phone_number_paused. A held message changes nothing and counts no attempt.
   */
  private async holdWhilePaused(message: Message, phone: PhoneNumber, now: Date): Promise<void> {
    const queuedAt = (message.queuedAt ?? message.createdAt).getTime();
    if (now.getTime() - queuedAt >= this.config.pausedNumberHoldMs)
      return void (await this.status.fail(message, ['queued'], { ourCode: 'phone_number_paused', title: phone.pausedReason ?? null }));
    throw new RescheduleError(this.config.pausedNumberRecheckMs);
  }

  /** The queue gave up on the job (repeated unexpected errors): a message Meta kept refusing fails; others wait for the sweep. */
  async onExhausted(job: Job, error: unknown): Promise<void> {
    const message = await this.repo.findById(job.data.organizationId, job.data.messageId);
    if (message?.status === 'queued' && message.attempts >= MAX_SEND_ATTEMPTS)
      await this.status.fail(message, ['queued'], { ourCode: 'meta_retries_exhausted', title: error instanceof Error ? error.message.slice(0, 200) : null });
  }

  private async onSendError(message: Message, phone: PhoneNumber, err: unknown): Promise<void> {
    const orgId = message.organizationId;
    if (!(err instanceof GraphApiError)) {
      // Not an answer from Meta (a bug of ours): hand the message back and let the queue retry.
      await this.repo.transition(orgId, message.id, ['sending'], { status: 'queued' });
      throw err;
    }
    const c = err.classification;
    const failure = failureFromMeta(err);
    const lastError = { errorCode: failure.ourCode, metaErrorCode: failure.metaCode ?? null, metaErrorTitle: failure.title ?? null, metaErrorDetails: failure.details ?? null };
    if (c.pauseNumber && message.attempts < MAX_SEND_ATTEMPTS) {
      // Meta refused our credentials, so it accepted nothing: pause the number and hand the message back to wait
      // for new credentials with the others (holdWhilePaused), its error recorded meanwhile.
      await this.phoneNumbers.pause(orgId, phone.id, pauseReason(failure));
      this.logger.warn({ phoneNumberId: phone.id, code: err.code }, 'Meta refused the credentials; the number is paused and its messages wait');
      if (await this.repo.transition(orgId, message.id, ['sending'], { status: 'queued', ...lastError })) throw new RescheduleError(this.config.pausedNumberRecheckMs);
      return;
    }
    if (c.retry === 'none') {
      await this.status.fail(message, ['sending'], failure);
      return;
    }
    if (message.attempts >= MAX_SEND_ATTEMPTS) {
      await this.status.fail(message, ['sending'], { ...failure, ourCode: 'meta_retries_exhausted', pauseNumber: false, flagContact: undefined });
      return;
    }
    if (err.kind === 'timeout') {
      // Meta may have accepted it: stay `sending`. A status webhook echoing our id completes it; otherwise the
      // reconciliation sweep resends after RECONCILE_AFTER_MS and counts the possible duplicate.
      await this.repo.transition(orgId, message.id, ['sending'], lastError);
      return;
    }
    const delayMs = retryDelayMs(c.retry, message.attempts);
    const requeued = await this.repo.transition(orgId, message.id, ['sending'], { status: 'queued', nextAttemptAt: new Date(Date.now() + delayMs), ...lastError });
    if (requeued) throw new RetryableError(`${failure.ourCode} (Meta ${err.code ?? err.httpStatus}): ${err.message}`, { delayMs });
  }

  /** The Cloud API message for the row: type body as accepted, our id echoed back in status webhooks. */
  private async buildBody(m: Message): Promise<Record<string, unknown> | null> {
    // Only a contact that is really gone fails the message; a database error is transient and the job retries.
    const contact = await this.contacts.get(systemContext(m.organizationId), m.contactId).catch(nullIfNotFound);
    const to = contact?.waId ?? contact?.phone?.replace(/^\+/, '');
    if (!to) return null;
    return {
      recipient_type: 'individual',
      to,
      type: m.type,
      [m.type]: m.content,
      ...(m.contextWamid ? { context: { message_id: m.contextWamid } } : {}),
      biz_opaque_callback_data: m.bizOpaqueCallbackData ?? m.id,
    };
  }
}

function sleepUntil(epochMs: number): Promise<void> {
  const ms = epochMs - Date.now();
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
