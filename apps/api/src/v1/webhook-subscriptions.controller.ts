import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { listEnvelope, type TenantContext } from '#domain';
import {
  CreateWebhookSubscriptionDto,
  ListWebhookSubscriptionsDto,
  presentWebhookSubscription,
  RotateWebhookSecretDto,
  UpdateWebhookSubscriptionDto,
  WebhookSubscriptionsService,
} from '#domain/webhooks/index.js';
import { Tenant } from '../http/tenant.decorator.js';

// No MCP tools: endpoint and secret administration is developer work over REST, not an assistant's task.
@ApiTags('webhooks')
@Controller('v1/webhook_subscriptions')
export class WebhookSubscriptionsController {
  constructor(private readonly subscriptions: WebhookSubscriptionsService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Subscribe an endpoint to events; the signing `secret` (whsec_…) is in this response only' })
  async create(@Tenant() ctx: TenantContext, @Body() body: CreateWebhookSubscriptionDto) {
    const { subscription, secret } = await this.subscriptions.create(ctx, body);
    return presentWebhookSubscription(subscription, secret);
  }

  @Get()
  @ApiOperation({ summary: 'List webhook subscriptions, oldest first' })
  async list(@Tenant() ctx: TenantContext, @Query() q: ListWebhookSubscriptionsDto) {
    const page = await this.subscriptions.list(ctx, { status: q.status, cursor: q.cursor, limit: q.limit ?? 20 });
    return listEnvelope(page, (s) => presentWebhookSubscription(s));
  }

  @Get(':id')
  @ApiOperation({ summary: 'Retrieve a webhook subscription (never its secret)' })
  async get(@Tenant() ctx: TenantContext, @Param('id') id: string) {
    return presentWebhookSubscription(await this.subscriptions.get(ctx, id));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change the URL, events or description; disable, or re-enable with status "active"' })
  async update(@Tenant() ctx: TenantContext, @Param('id') id: string, @Body() body: UpdateWebhookSubscriptionDto) {
    return presentWebhookSubscription(await this.subscriptions.update(ctx, id, body));
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete a subscription; its pending deliveries fail, its history stays listable' })
  async delete(@Tenant() ctx: TenantContext, @Param('id') id: string) {
    return { ...presentWebhookSubscription(await this.subscriptions.delete(ctx, id)), deleted: true };
  }

  @Post(':id/secrets')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Rotate the signing secret; the new one is in this response only, the previous one keeps signing for the grace period',
  })
  async rotate(@Tenant() ctx: TenantContext, @Param('id') id: string, @Body() body: RotateWebhookSecretDto) {
    const { subscription, secret } = await this.subscriptions.rotateSecret(ctx, id, {
      gracePeriodSeconds: body.grace_period_seconds,
    });
    return presentWebhookSubscription(subscription, secret);
  }
}
