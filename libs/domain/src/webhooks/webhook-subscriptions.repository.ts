import { Injectable } from '@nestjs/common';
import { PrismaService, type WebhookSubscription } from '#db';

export interface NewWebhookSubscription {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  secretEnc: string;
}

export type WebhookSubscriptionChanges = Partial<
  Pick<
    WebhookSubscription,
    | 'url'
    | 'events'
    | 'description'
    | 'status'
    | 'disabledReason'
    | 'consecutiveFailures'
    | 'failingSince'
    | 'secretEnc'
    | 'previousSecretEnc'
    | 'previousSecretExpiresAt'
  >
>;

@Injectable()
export class WebhookSubscriptionsRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(organizationId: string, row: NewWebhookSubscription): Promise<WebhookSubscription> {
    return this.prisma.db.webhookSubscription.create({ data: { ...row, organizationId } });
  }

  findById(organizationId: string, id: string): Promise<WebhookSubscription | null> {
    return this.prisma.db.webhookSubscription.findFirst({ where: { organizationId, id } });
  }

  list(
    organizationId: string,
    f: { status?: string; afterId?: string; limit: number },
  ): Promise<WebhookSubscription[]> {
    return this.prisma.db.webhookSubscription.findMany({
      where: {
        organizationId,
        ...(f.status ? { status: f.status } : {}),
        ...(f.afterId ? { id: { gt: f.afterId } } : {}),
      },
      orderBy: { id: 'asc' },
      take: f.limit + 1,
    });
  }

  /** Fan-out: the active subscriptions that chose this event (or every event). */
  listActiveFor(organizationId: string, eventType: string): Promise<WebhookSubscription[]> {
    return this.prisma.db.webhookSubscription.findMany({
      where: { organizationId, status: 'active', OR: [{ events: { has: eventType } }, { events: { has: '*' } }] },
    });
  }

  activeIds(organizationId: string): Promise<string[]> {
    return this.prisma.db.webhookSubscription
      .findMany({ where: { organizationId, status: 'active' }, select: { id: true } })
      .then((rows) => rows.map((r) => r.id));
  }

  async update(
    organizationId: string,
    id: string,
    data: WebhookSubscriptionChanges,
  ): Promise<WebhookSubscription | null> {
    const r = await this.prisma.db.webhookSubscription.updateMany({ where: { organizationId, id }, data });
    return r.count === 1 ? this.findById(organizationId, id) : null;
  }

  async delete(organizationId: string, id: string): Promise<boolean> {
    const r = await this.prisma.db.webhookSubscription.deleteMany({ where: { organizationId, id } });
    return r.count === 1;
  }

  /** Only an active subscription is disabled, so the first reason recorded sticks. */
  async disable(organizationId: string, id: string, reason: string): Promise<boolean> {
    const r = await this.prisma.db.webhookSubscription.updateMany({
      where: { organizationId, id, status: 'active' },
      data: { status: 'disabled', disabledReason: reason },
    });
    return r.count === 1;
  }

  /** Written only when there is a failure run to end: a busy healthy endpoint costs no row update per delivery. */
  async recordSuccess(organizationId: string, id: string): Promise<void> {
    await this.prisma.db.webhookSubscription.updateMany({
      where: { organizationId, id, OR: [{ consecutiveFailures: { gt: 0 } }, { failingSince: { not: null } }] },
      data: { consecutiveFailures: 0, failingSince: null },
    });
  }

  async recordFailure(organizationId: string, id: string, at: Date): Promise<WebhookSubscription | null> {
    await this.prisma.db.webhookSubscription.updateMany({
      where: { organizationId, id, failingSince: null },
      data: { failingSince: at },
    });
    await this.prisma.db.webhookSubscription.updateMany({
      where: { organizationId, id },
      data: { consecutiveFailures: { increment: 1 } },
    });
    return this.findById(organizationId, id);
  }
}
