import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '#config';
import { PrismaService, type WebhookDelivery, type WebhookSubscription } from '#db';
import {
  MAX_ATTEMPTS_LIMIT,
  QueueProcessor,
  QUEUES,
  RescheduleError,
  RetryableError,
  type JobContext,
  type JobHandler,
  type JobPayloads,
} from '#queue';
import { newId } from '../common/ids.js';
import { retryBriefly } from '../common/retry-briefly.js';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository.js';
import { maxAttempts, retryDelayMs, shouldAutoDisable, verdictOf } from './webhook-delivery-policy.js';
import { DISABLED_REASONS } from './webhook-events.js';
import { WebhookSender, type WebhookSendResult } from './webhook-sender.js';
import { webhookHeaders } from './webhook-signature.js';
import { WebhookSubscriptionsRepository } from './webhook-subscriptions.repository.js';
import { WebhookSubscriptionsService } from './webhook-subscriptions.service.js';

type Job = JobContext<JobPayloads['webhook-delivery']>;

/**
 * Longer than one attempt can take (every hop shares the sender's 10 s deadline, and recording it retries for well
 * under a second), so the sweep never races a live send; short enough that an attempt cut by a crash is sent again
 * within half a minute (it was 2 minutes: the chaos suite ended runs with deliveries still waiting out the lease).
 */
const LEASE_MS = 30_000;
/** A job that fires this much before the row's next_attempt_at waits (clock skew between processes). */
const EARLY_TOLERANCE_MS = 1_000;

/**
 * Delivers one customer webhook per job. The database row is the state: attempt counts, the retry schedule and the
 * outcome live there, and the queue only carries the wake-up (the job retries with the delay this processor chose,
 * so its own attempt ceiling is never what stops a delivery).
 */
@Injectable()
@QueueProcessor(QUEUES.webhookDelivery, { concurrency: 20, maxAttempts: MAX_ATTEMPTS_LIMIT })
export class WebhookDeliveryProcessor implements JobHandler<'webhook-delivery'> {
  private readonly logger = new Logger('Webhooks');

  constructor(
    private readonly config: AppConfig,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly subscriptionsRepo: WebhookSubscriptionsRepository,
    private readonly subscriptions: WebhookSubscriptionsService,
    private readonly sender: WebhookSender,
    private readonly prisma: PrismaService,
  ) {}

  async handle(job: Job): Promise<void> {
    const { deliveryId, organizationId } = job.data;
    const delivery = await this.deliveries.findById(organizationId, deliveryId);
    if (!delivery || delivery.status !== 'pending') return;
    const wait = (delivery.nextAttemptAt?.getTime() ?? 0) - Date.now();
    if (wait > EARLY_TOLERANCE_MS) throw new RescheduleError(wait);

    const sub = await this.subscriptionsRepo.findById(organizationId, delivery.subscriptionId);
    if (!sub || sub.status !== 'active') {
      await this.deliveries.failPending(
        organizationId,
        deliveryId,
        sub ? 'subscription_disabled' : 'subscription_deleted',
      );
      return;
    }
    const attempt = delivery.attempts + 1;
    if (!(await this.deliveries.claim(organizationId, deliveryId, delivery.attempts, new Date(Date.now() + LEASE_MS))))
      return;

    const result = await this.send(delivery, sub);
    // Retried on its own: the webhook has gone out, and failing here would leave the row leased for LEASE_MS and then
    // send it again.
    const delayMs = await retryBriefly(() => this.record(delivery, sub, attempt, result));
    if (delayMs !== null)
      throw new RetryableError(
        `webhook ${deliveryId} attempt ${attempt} failed: ${result.error ?? `HTTP ${result.statusCode}`}`,
        { delayMs },
      );
  }

  /** Only reached if the queue's own ceiling is hit (it is far above any schedule): the row must not stay pending. */
  async onExhausted(job: Job): Promise<void> {
    await this.deliveries.failPending(job.data.organizationId, job.data.deliveryId, 'gave_up');
  }

  private async send(delivery: WebhookDelivery, sub: WebhookSubscription): Promise<WebhookSendResult> {
    const now = new Date();
    const body = JSON.stringify(envelopeOf(delivery));
    let secrets: string[];
    try {
      secrets = this.subscriptions.signingSecrets(sub, now);
    } catch (err) {
      // A secret sealed with another ENCRYPTION_KEY: recorded as a failed attempt, never sent unsigned.
      return {
        statusCode: null,
        responseBody: null,
        error: `cannot sign: ${String(err)}`,
        retryAfterMs: undefined,
        durationMs: 0,
      };
    }
    const headers = webhookHeaders(secrets, delivery.eventId, Math.floor(now.getTime() / 1000), body);
    return this.sender.post(sub.url, body, headers);
  }

  /** Writes the attempt and the delivery's next state; returns the retry delay, or null when the delivery is done. */
  private async record(
    delivery: WebhookDelivery,
    sub: WebhookSubscription,
    attempt: number,
    r: WebhookSendResult,
  ): Promise<number | null> {
    const orgId = delivery.organizationId;
    const verdict = verdictOf(r.statusCode, r.error);
    const last = {
      lastStatusCode: r.statusCode,
      lastError: r.error ?? (verdict === 'succeeded' ? null : `HTTP ${r.statusCode}`),
    };
    let disable = null as string | null; // set inside the transaction, acted on after it commits
    const delay = await this.prisma.transaction(async () => {
      await this.deliveries.insertAttempt(orgId, {
        id: newId('webhookAttempt'),
        deliveryId: delivery.id,
        statusCode: r.statusCode,
        error: r.error,
        durationMs: r.durationMs,
        responseBody: r.responseBody,
      });
      if (verdict === 'succeeded') {
        await this.subscriptionsRepo.recordSuccess(orgId, sub.id);
        await this.deliveries.finish(orgId, delivery.id, attempt, {
          status: 'succeeded',
          nextAttemptAt: null,
          ...last,
        });
        return null;
      }
      if (verdict === 'gone') {
        disable = DISABLED_REASONS.gone;
        await this.deliveries.finish(orgId, delivery.id, attempt, { status: 'failed', nextAttemptAt: null, ...last });
        return null;
      }
      const now = new Date();
      const updated = await this.subscriptionsRepo.recordFailure(orgId, sub.id, now);
      const delayMs = retryDelayMs(this.config.webhookRetryScheduleMs, attempt, r.retryAfterMs);
      if (updated && shouldAutoDisable(updated, now)) disable = DISABLED_REASONS.failing;
      if (delayMs === null || disable) {
        await this.deliveries.finish(orgId, delivery.id, attempt, { status: 'failed', nextAttemptAt: null, ...last });
        return null;
      }
      const scheduled = await this.deliveries.finish(orgId, delivery.id, attempt, {
        status: 'pending',
        nextAttemptAt: new Date(now.getTime() + delayMs),
        ...last,
      });
      return scheduled ? delayMs : null;
    });
    if (disable) {
      await this.subscriptions.disableBySystem(orgId, sub.id, disable);
      this.logger.warn(
        { organizationId: orgId, subscriptionId: sub.id, reason: disable },
        'webhook subscription disabled',
      );
    }
    if (verdict === 'failed' && delay === null && attempt >= maxAttempts(this.config.webhookRetryScheduleMs))
      this.logger.warn(
        { organizationId: orgId, deliveryId: delivery.id, attempts: attempt },
        'webhook delivery gave up',
      );
    return delay;
  }
}

/** The envelope in its documented field order (jsonb does not keep key order). */
function envelopeOf(d: WebhookDelivery) {
  const p = d.payload as { id?: string; type?: string; created_at?: string; organization_id?: string; data?: unknown };
  return {
    id: p.id ?? d.eventId,
    type: p.type ?? d.eventType,
    created_at: p.created_at,
    organization_id: p.organization_id ?? d.organizationId,
    data: p.data,
  };
}
