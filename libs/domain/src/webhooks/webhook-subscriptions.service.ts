import { Injectable } from '@nestjs/common';
import { PrismaService, type WebhookSubscription } from '#db';
import { AppError } from '../common/app-error.js';
import { newId } from '../common/ids.js';
import { decodeCursor, toPage, type ListResult } from '../common/pagination.js';
import { SecretBox } from '../common/secret-box.js';
import { systemContext, type TenantContext } from '../common/tenant-context.js';
import { AuditService } from '../audit/audit.service.js';
import type { CreateWebhookSubscriptionDto } from './dto/create-webhook-subscription.dto.js';
import { DEFAULT_GRACE_PERIOD_SECONDS } from './dto/rotate-webhook-secret.dto.js';
import type { UpdateWebhookSubscriptionDto } from './dto/update-webhook-subscription.dto.js';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository.js';
import { DISABLED_REASONS } from './webhook-events.js';
import { generateWebhookSecret } from './webhook-signature.js';
import { WebhookSubscriptionsRepository, type WebhookSubscriptionChanges } from './webhook-subscriptions.repository.js';
import { WebhookTargetGuard } from './webhook-target.guard.js';
import { WebhookTargetRefused } from './webhook-target-refused.error.js';
import { targetRefusedError } from './webhooks.errors.js';

/** Subscriptions and their signing secrets (AES-256-GCM at rest, bound to the subscription id). */
@Injectable()
export class WebhookSubscriptionsService {
  constructor(
    private readonly repo: WebhookSubscriptionsRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly guard: WebhookTargetGuard,
    private readonly box: SecretBox,
    private readonly audit: AuditService,
    private readonly prisma: PrismaService,
  ) {}

  /** The plaintext secret is returned once, here, and never again. */
  async create(
    ctx: TenantContext,
    input: CreateWebhookSubscriptionDto,
  ): Promise<{ subscription: WebhookSubscription; secret: string }> {
    const url = await this.checkUrl(input.url);
    const id = newId('webhookSubscription');
    const secret = generateWebhookSecret();
    return this.prisma.transaction(async () => {
      const subscription = await this.repo.create(ctx.organizationId, {
        id,
        url,
        events: normalizeEvents(input.events),
        description: input.description ?? null,
        secretEnc: this.box.encrypt(secret, id),
      });
      await this.audit.record(ctx, {
        action: 'webhook_subscription.created',
        targetType: 'webhook_subscription',
        targetId: id,
        metadata: { url, events: subscription.events },
      });
      return { subscription, secret };
    });
  }

  async list(
    ctx: TenantContext,
    q: { status?: string; cursor?: string; limit: number },
  ): Promise<ListResult<WebhookSubscription>> {
    const cursor = decodeCursor(q.cursor);
    const rows = await this.repo.list(ctx.organizationId, {
      status: q.status,
      afterId: cursor?.[0] as string | undefined,
      limit: q.limit,
    });
    return toPage(rows, q.limit, (r) => [r.id]);
  }

  async get(ctx: TenantContext, id: string): Promise<WebhookSubscription> {
    const sub = await this.repo.findById(ctx.organizationId, id);
    if (!sub) throw AppError.notFound('webhook subscription', id);
    return sub;
  }

  async update(ctx: TenantContext, id: string, input: UpdateWebhookSubscriptionDto): Promise<WebhookSubscription> {
    const url = input.url === undefined ? undefined : await this.checkUrl(input.url);
    return this.prisma.transaction(async () => {
      const current = await this.get(ctx, id);
      const changes: WebhookSubscriptionChanges = {
        ...(url !== undefined ? { url } : {}),
        ...(input.events !== undefined ? { events: normalizeEvents(input.events) } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
      };
      if (input.status === 'active' && current.status !== 'active')
        Object.assign(changes, { status: 'active', disabledReason: null, consecutiveFailures: 0, failingSince: null });
      if (input.status === 'disabled' && current.status !== 'disabled')
        Object.assign(changes, { status: 'disabled', disabledReason: DISABLED_REASONS.manual });
      const updated = Object.keys(changes).length ? await this.repo.update(ctx.organizationId, id, changes) : current;
      if (!updated) throw AppError.notFound('webhook subscription', id);
      if (changes.status === 'disabled')
        await this.deliveries.failPendingOfSubscription(ctx.organizationId, id, 'subscription_disabled');
      await this.audit.record(ctx, {
        action: 'webhook_subscription.updated',
        targetType: 'webhook_subscription',
        targetId: id,
        metadata: {
          changes: Object.keys(input).filter((k) => input[k as keyof UpdateWebhookSubscriptionDto] !== undefined),
          status: updated.status,
        },
      });
      return updated;
    });
  }

  /** Deliveries stay listable after the subscription is gone; pending ones fail so nothing is sent any more. */
  async delete(ctx: TenantContext, id: string): Promise<WebhookSubscription> {
    return this.prisma.transaction(async () => {
      const sub = await this.get(ctx, id);
      await this.repo.delete(ctx.organizationId, id);
      await this.deliveries.failPendingOfSubscription(ctx.organizationId, id, 'subscription_deleted');
      await this.audit.record(ctx, {
        action: 'webhook_subscription.deleted',
        targetType: 'webhook_subscription',
        targetId: id,
        metadata: { url: sub.url },
      });
      return sub;
    });
  }

  /**
   * A new secret signs from now on; the current one becomes the previous and keeps signing for the grace period, so
   * receivers can switch without dropping events. A second rotation within the grace period retires the oldest.
   */
  async rotateSecret(
    ctx: TenantContext,
    id: string,
    input: { gracePeriodSeconds?: number },
  ): Promise<{ subscription: WebhookSubscription; secret: string }> {
    const grace = input.gracePeriodSeconds ?? DEFAULT_GRACE_PERIOD_SECONDS;
    const secret = generateWebhookSecret();
    return this.prisma.transaction(async () => {
      const current = await this.get(ctx, id);
      const now = Date.now();
      const subscription = await this.repo.update(ctx.organizationId, id, {
        secretEnc: this.box.encrypt(secret, id),
        previousSecretEnc: grace > 0 ? current.secretEnc : null,
        previousSecretExpiresAt: grace > 0 ? new Date(now + grace * 1000) : null,
      });
      if (!subscription) throw AppError.notFound('webhook subscription', id);
      await this.audit.record(ctx, {
        action: 'webhook_subscription.secret_rotated',
        targetType: 'webhook_subscription',
        targetId: id,
        metadata: { grace_period_seconds: grace },
      });
      return { subscription, secret };
    });
  }

  /** The secrets that sign now: the current one, and the previous one during its grace period. */
  signingSecrets(sub: WebhookSubscription, now: Date = new Date()): string[] {
    const secrets = [this.box.decrypt(sub.secretEnc, sub.id)];
    if (sub.previousSecretEnc && sub.previousSecretExpiresAt && sub.previousSecretExpiresAt > now)
      secrets.push(this.box.decrypt(sub.previousSecretEnc, sub.id));
    return secrets;
  }

  /** Processor side: stops deliveries to an endpoint that is gone or keeps failing; recorded like a user's change. */
  async disableBySystem(organizationId: string, id: string, reason: string): Promise<void> {
    await this.prisma.transaction(async () => {
      if (!(await this.repo.disable(organizationId, id, reason))) return;
      await this.deliveries.failPendingOfSubscription(organizationId, id, 'subscription_disabled');
      await this.audit.record(systemContext(organizationId), {
        action: 'webhook_subscription.disabled',
        targetType: 'webhook_subscription',
        targetId: id,
        metadata: { reason },
      });
    });
  }

  private async checkUrl(raw: string): Promise<string> {
    try {
      return (await this.guard.check(raw)).toString();
    } catch (err) {
      if (err instanceof WebhookTargetRefused) throw targetRefusedError(err);
      throw err;
    }
  }
}

/** `*` already means everything; duplicates add nothing. */
function normalizeEvents(events: string[]): string[] {
  return events.includes('*') ? ['*'] : [...new Set(events)];
}
