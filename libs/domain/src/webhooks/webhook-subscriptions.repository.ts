import { Injectable } from '@nestjs/common';
import { PrismaService, type WebhookSubscription } from '#db';
import { InvalidationBus } from '#queue';
import { ReadThroughCache } from '../cache/read-through-cache.js';

/** Invalidation topic of the active-subscription index; its keys are organization ids. */
const ACTIVE_SUBSCRIPTIONS_TOPIC = 'webhook_subscriptions';

/** What fan-out needs of an active subscription. */
export interface ActiveSubscription {
  id: string;
  events: string[];
}

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

/**
 * Every domain event asks which subscriptions want it (three events per accepted message), so the active ones are
 * cached per organization and process. Every write below that can change that set publishes an invalidation after
 * its transaction commits; keeping them in this one class is what makes a forgotten write path unlikely.
 */
@Injectable()
export class WebhookSubscriptionsRepository {
  private readonly active: ReadThroughCache<ActiveSubscription[]>;

  constructor(
    private readonly prisma: PrismaService,
    private readonly bus: InvalidationBus,
  ) {
    this.active = new ReadThroughCache(bus, { topic: ACTIVE_SUBSCRIPTIONS_TOPIC, ttlMs: 30_000, maxEntries: 10_000 });
  }

  async create(organizationId: string, row: NewWebhookSubscription): Promise<WebhookSubscription> {
    const created = await this.prisma.db.webhookSubscription.create({ data: { ...row, organizationId } });
    this.changed(organizationId);
    return created;
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
  async listActiveFor(organizationId: string, eventType: string): Promise<ActiveSubscription[]> {
    return (await this.allActive(organizationId)).filter((s) => s.events.includes(eventType) || s.events.includes('*'));
  }

  /** Whether the organization has any active subscription (cached like listActiveFor). */
  async hasActive(organizationId: string): Promise<boolean> {
    return (await this.allActive(organizationId)).length > 0;
  }

  private async allActive(organizationId: string): Promise<ActiveSubscription[]> {
    const load = () =>
      this.prisma.db.webhookSubscription.findMany({ where: { organizationId, status: 'active' }, select: { id: true, events: true }, orderBy: { id: 'asc' } });
    // A transaction that changed this organization's subscriptions must read its own writes; any other (events are
    // recorded inside the transaction of the change they describe) may use the cache.
    if (this.prisma.wroteInTransaction(subscriptionsTag(organizationId))) return load();
    return (await this.active.get(organizationId, async () => ({ value: await load(), group: organizationId })))!;
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
    this.changed(organizationId);
    return r.count === 1 ? this.findById(organizationId, id) : null;
  }

  async delete(organizationId: string, id: string): Promise<boolean> {
    const r = await this.prisma.db.webhookSubscription.deleteMany({ where: { organizationId, id } });
    this.changed(organizationId);
    return r.count === 1;
  }

  /** Only an active subscription is disabled, so the first reason recorded sticks. */
  async disable(organizationId: string, id: string, reason: string): Promise<boolean> {
    const r = await this.prisma.db.webhookSubscription.updateMany({
      where: { organizationId, id, status: 'active' },
      data: { status: 'disabled', disabledReason: reason },
    });
    this.changed(organizationId);
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

  /** Called after each write: the invalidation goes out now, or once the surrounding transaction commits. */
  private changed(organizationId: string): void {
    this.prisma.markWritten(subscriptionsTag(organizationId));
    this.prisma.afterCommit(() => this.bus.publish(ACTIVE_SUBSCRIPTIONS_TOPIC, organizationId));
  }
}

const subscriptionsTag = (organizationId: string) => `webhook_subscriptions:${organizationId}`;
