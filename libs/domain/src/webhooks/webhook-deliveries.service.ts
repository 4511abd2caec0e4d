import { Injectable, Logger } from '@nestjs/common';
import { PrismaService, type Prisma, type WebhookDelivery, type WebhookDeliveryAttempt } from '#db';
import { QueueProducer, QUEUES } from '#queue';
import type { EventEnvelope } from '#realtime';
import { AppError } from '../common/app-error.js';
import { newId } from '../common/ids.js';
import { decodeCursor, toPage, type ListResult } from '../common/pagination.js';
import type { TenantContext } from '../common/tenant-context.js';
import { AuditService } from '../audit/audit.service.js';
import { BULK_REPLAY_LIMIT } from './dto/replay-webhook-deliveries.dto.js';
import {
  WebhookDeliveriesRepository,
  type DeliveryFilter,
  type NewWebhookDelivery,
} from './webhook-deliveries.repository.js';
import { WebhookSubscriptionsRepository } from './webhook-subscriptions.repository.js';
import { subscriptionDisabledError } from './webhooks.errors.js';

export interface DeliveryQuery {
  subscriptionId?: string;
  eventType?: string;
  status?: string;
  since?: string;
  until?: string;
}

/** Most attempts shown with one delivery (a cycle has 11 by default; replays add more). */
const ATTEMPTS_SHOWN = 100;

@Injectable()
export class WebhookDeliveriesService {
  private readonly logger = new Logger('Webhooks');

  constructor(
    private readonly repo: WebhookDeliveriesRepository,
    private readonly subscriptions: WebhookSubscriptionsRepository,
    private readonly queue: QueueProducer,
    private readonly audit: AuditService,
    private readonly prisma: PrismaService,
  ) {}

  /**
   * One delivery per active subscription that wants this event, written before anything is enqueued (due now, so
   * the recovery sweep sends it if the enqueue is lost). Returns how many were created.
   */
  async fanOut(envelope: EventEnvelope): Promise<number> {
    const orgId = envelope.organization_id;
    const subs = await this.subscriptions.listActiveFor(orgId, envelope.type);
    if (subs.length === 0) return 0;
    const now = new Date();
    const rows: NewWebhookDelivery[] = subs.map((s) => ({
      id: newId('webhookDelivery'),
      subscriptionId: s.id,
      eventId: envelope.id,
      eventType: envelope.type,
      payload: envelope as unknown as Prisma.InputJsonValue,
      nextAttemptAt: now,
    }));
    await this.repo.createMany(orgId, rows);
    const ids = rows.map((r) => r.id);
    // Inside the change's transaction a job enqueued now could run before the rows commit (and find nothing).
    if (this.prisma.inTransaction) this.prisma.afterCommit(() => void this.enqueue(orgId, ids));
    else await this.enqueue(orgId, ids);
    return rows.length;
  }

  /** Whether any event of the organization becomes a delivery (the cached subscription list: no query when warm). */
  hasActiveSubscriptions(organizationId: string): Promise<boolean> {
    return this.subscriptions.hasActive(organizationId);
  }

  async list(
    ctx: TenantContext,
    q: DeliveryQuery & { cursor?: string; limit: number },
  ): Promise<ListResult<WebhookDelivery>> {
    const cursor = decodeCursor(q.cursor);
    const rows = await this.repo.list(ctx.organizationId, {
      ...filterOf(q),
      beforeId: cursor?.[0] as string | undefined,
      limit: q.limit,
    });
    return toPage(rows, q.limit, (r) => [r.id]);
  }

  async get(
    ctx: TenantContext,
    id: string,
  ): Promise<{ delivery: WebhookDelivery; attempts: WebhookDeliveryAttempt[] }> {
    const delivery = await this.repo.findById(ctx.organizationId, id);
    if (!delivery) throw AppError.notFound('webhook delivery', id);
    return { delivery, attempts: await this.repo.attemptsOf(ctx.organizationId, id, ATTEMPTS_SHOWN) };
  }

  /** Sends a finished delivery again: same event id (webhook-id), same payload, a fresh attempt cycle. */
  async replay(ctx: TenantContext, id: string): Promise<WebhookDelivery> {
    const delivery = await this.prisma.transaction(async () => {
      const current = await this.repo.findById(ctx.organizationId, id);
      if (!current) throw AppError.notFound('webhook delivery', id);
      if (current.status === 'pending')
        throw new AppError('invalid_state', 'The delivery is still pending; it is being attempted.', { param: 'id' });
      const sub = await this.subscriptions.findById(ctx.organizationId, current.subscriptionId);
      if (!sub || sub.status !== 'active') throw subscriptionDisabledError(current.subscriptionId, !sub);
      await this.repo.resetForReplay(ctx.organizationId, [id], new Date());
      await this.audit.record(ctx, {
        action: 'webhook_delivery.replayed',
        targetType: 'webhook_delivery',
        targetId: id,
        metadata: { event_id: current.eventId },
      });
      return (await this.repo.findById(ctx.organizationId, id))!;
    });
    await this.enqueue(ctx.organizationId, [id]);
    return delivery;
  }

  /** Replays up to BULK_REPLAY_LIMIT finished deliveries (oldest first) of active subscriptions matching the filter. */
  async replayMany(
    ctx: TenantContext,
    q: Omit<DeliveryQuery, 'status'> & { status?: 'failed' | 'succeeded' },
  ): Promise<{ replayed: number; hasMore: boolean }> {
    const filter = filterOf({ ...q, status: q.status ?? 'failed' });
    const result = await this.prisma.transaction(async () => {
      let subscriptionIds: string[];
      if (q.subscriptionId) {
        const sub = await this.subscriptions.findById(ctx.organizationId, q.subscriptionId);
        if (!sub) throw AppError.notFound('webhook subscription', q.subscriptionId);
        if (sub.status !== 'active') throw subscriptionDisabledError(sub.id);
        subscriptionIds = [sub.id];
      } else subscriptionIds = await this.subscriptions.activeIds(ctx.organizationId);
      if (subscriptionIds.length === 0) return { ids: [] as string[], replayed: 0, hasMore: false };
      const found = await this.repo.findIds(ctx.organizationId, { ...filter, subscriptionIds }, BULK_REPLAY_LIMIT + 1);
      const ids = found.slice(0, BULK_REPLAY_LIMIT);
      const replayed = ids.length ? await this.repo.resetForReplay(ctx.organizationId, ids, new Date()) : 0;
      await this.audit.record(ctx, {
        action: 'webhook_delivery.bulk_replayed',
        targetType: 'webhook_delivery',
        metadata: { filter: { ...q, status: filter.status }, replayed },
      });
      return { ids, replayed, hasMore: found.length > BULK_REPLAY_LIMIT };
    });
    await this.enqueue(ctx.organizationId, result.ids);
    return { replayed: result.replayed, hasMore: result.hasMore };
  }

  /** Job id = delivery id: enqueueing one that is already queued is a no-op, so the sweep may repeat it freely. */
  async enqueue(organizationId: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    try {
      await this.queue.enqueueBulk(
        QUEUES.webhookDelivery,
        ids.map((deliveryId) => ({ data: { deliveryId, organizationId }, opts: { jobId: deliveryId } })),
      );
    } catch (err) {
      // The rows are pending and due: the recovery sweep enqueues them once the queue is back.
      this.logger.warn(
        { err: String(err), organizationId, count: ids.length },
        'webhook enqueue failed; the recovery sweep will retry',
      );
    }
  }
}

function filterOf(q: DeliveryQuery): DeliveryFilter {
  return {
    ...(q.subscriptionId ? { subscriptionIds: [q.subscriptionId] } : {}),
    eventType: q.eventType,
    status: q.status,
    since: q.since ? new Date(q.since) : undefined,
    until: q.until ? new Date(q.until) : undefined,
  };
}
