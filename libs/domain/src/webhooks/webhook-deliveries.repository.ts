import { Injectable } from '@nestjs/common';
import { PrismaService, type Prisma, type WebhookDelivery, type WebhookDeliveryAttempt } from '#db';

export interface NewWebhookDelivery {
  id: string;
  subscriptionId: string;
  eventId: string;
  eventType: string;
  payload: Prisma.InputJsonValue;
  nextAttemptAt: Date;
}

export interface DeliveryFilter {
  subscriptionIds?: string[];
  eventType?: string;
  status?: string;
  since?: Date;
  until?: Date;
}

export interface NewDeliveryAttempt {
  id: string;
  deliveryId: string;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  responseBody: string | null;
}

@Injectable()
export class WebhookDeliveriesRepository {
  constructor(private readonly prisma: PrismaService) {}

  async createMany(organizationId: string, rows: NewWebhookDelivery[]): Promise<void> {
    await this.prisma.db.webhookDelivery.createMany({
      data: rows.map((r) => ({ ...r, organizationId, status: 'pending' })),
    });
  }

  findById(organizationId: string, id: string): Promise<WebhookDelivery | null> {
    return this.prisma.db.webhookDelivery.findFirst({ where: { organizationId, id } });
  }

  /** Newest first. */
  list(organizationId: string, f: DeliveryFilter & { beforeId?: string; limit: number }): Promise<WebhookDelivery[]> {
    return this.prisma.db.webhookDelivery.findMany({
      where: { ...where(organizationId, f), ...(f.beforeId ? { id: { lt: f.beforeId } } : {}) },
      orderBy: { id: 'desc' },
      take: f.limit + 1,
    });
  }

  /** Bulk replay: oldest first, so repeated calls work through a backlog in order. */
  async findIds(organizationId: string, f: DeliveryFilter, limit: number): Promise<string[]> {
    const rows = await this.prisma.db.webhookDelivery.findMany({
      where: where(organizationId, f),
      orderBy: { id: 'asc' },
      take: limit,
      select: { id: true },
    });
    return rows.map((r) => r.id);
  }

  /** The latest attempts, oldest first. */
  async attemptsOf(organizationId: string, deliveryId: string, limit: number): Promise<WebhookDeliveryAttempt[]> {
    const rows = await this.prisma.db.webhookDeliveryAttempt.findMany({
      where: { organizationId, deliveryId },
      orderBy: { id: 'desc' },
      take: limit,
    });
    return rows.reverse();
  }

  /**
   * Compare-and-set before sending: only the caller that saw `attempts` wins, and the lease keeps the recovery sweep
   * away while the request is in flight (after a crash the sweep retries once the lease has passed).
   */
  async claim(organizationId: string, id: string, attempts: number, leaseUntil: Date): Promise<boolean> {
    const r = await this.prisma.db.webhookDelivery.updateMany({
      where: { organizationId, id, status: 'pending', attempts },
      data: { attempts: attempts + 1, nextAttemptAt: leaseUntil },
    });
    return r.count === 1;
  }

  /** Records the outcome of the attempt this caller claimed; false when a replay or cancel got there first. */
  async finish(
    organizationId: string,
    id: string,
    claimedAttempts: number,
    data: { status: string; nextAttemptAt: Date | null; lastStatusCode: number | null; lastError: string | null },
  ): Promise<boolean> {
    const r = await this.prisma.db.webhookDelivery.updateMany({
      where: { organizationId, id, status: 'pending', attempts: claimedAttempts },
      data,
    });
    return r.count === 1;
  }

  async insertAttempt(organizationId: string, row: NewDeliveryAttempt): Promise<void> {
    await this.prisma.db.webhookDeliveryAttempt.create({ data: { ...row, organizationId } });
  }

  async failPending(organizationId: string, id: string, reason: string): Promise<void> {
    await this.prisma.db.webhookDelivery.updateMany({
      where: { organizationId, id, status: 'pending' },
      data: { status: 'failed', nextAttemptAt: null, lastError: reason },
    });
  }

  async failPendingOfSubscription(organizationId: string, subscriptionId: string, reason: string): Promise<number> {
    const r = await this.prisma.db.webhookDelivery.updateMany({
      where: { organizationId, subscriptionId, status: 'pending' },
      data: { status: 'failed', nextAttemptAt: null, lastError: reason },
    });
    return r.count;
  }

  /** A new attempt cycle for finished deliveries (never for pending ones: they already have a job). */
  async resetForReplay(organizationId: string, ids: string[], now: Date): Promise<number> {
    const r = await this.prisma.db.webhookDelivery.updateMany({
      where: { organizationId, id: { in: ids }, status: { in: ['succeeded', 'failed'] } },
      data: { status: 'pending', attempts: 0, nextAttemptAt: now },
    });
    return r.count;
  }

  /**
   * Recovery sweep (system level, across organizations, like the api-key lookup): pending deliveries that are due
   * and whose job may have been lost with Redis or a crashed process.
   */
  findDue(now: Date, limit: number): Promise<Pick<WebhookDelivery, 'id' | 'organizationId'>[]> {
    return this.prisma.db.webhookDelivery.findMany({
      where: { status: 'pending', nextAttemptAt: { lte: now } },
      orderBy: { nextAttemptAt: 'asc' },
      take: limit,
      select: { id: true, organizationId: true },
    });
  }
}

function where(organizationId: string, f: DeliveryFilter): Prisma.WebhookDeliveryWhereInput {
  return {
    organizationId,
    ...(f.subscriptionIds ? { subscriptionId: { in: f.subscriptionIds } } : {}),
    ...(f.eventType ? { eventType: f.eventType } : {}),
    ...(f.status ? { status: f.status } : {}),
    ...(f.since || f.until
      ? { createdAt: { ...(f.since ? { gte: f.since } : {}), ...(f.until ? { lt: f.until } : {}) } }
      : {}),
  };
}
