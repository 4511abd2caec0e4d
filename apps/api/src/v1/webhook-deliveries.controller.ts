import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { listEnvelope, type TenantContext } from '#domain';
import {
  ListWebhookDeliveriesDto,
  presentWebhookDelivery,
  ReplayWebhookDeliveriesDto,
  WebhookDeliveriesService,
} from '#domain/webhooks/index.js';
import { Tenant } from '../http/tenant.decorator.js';

// No MCP tools: delivery logs and replays are developer work over REST.
@ApiTags('webhooks')
@Controller('v1/webhook_deliveries')
export class WebhookDeliveriesController {
  constructor(private readonly deliveries: WebhookDeliveriesService) {}

  @Get()
  @ApiOperation({
    summary: 'List webhook deliveries, newest first (filters: subscription, event type, status, time range)',
  })
  async list(@Tenant() ctx: TenantContext, @Query() q: ListWebhookDeliveriesDto) {
    const page = await this.deliveries.list(ctx, {
      subscriptionId: q.subscription_id,
      eventType: q.event_type,
      status: q.status,
      since: q.since,
      until: q.until,
      cursor: q.cursor,
      limit: q.limit ?? 20,
    });
    return listEnvelope(page, (d) => presentWebhookDelivery(d));
  }

  @Post('replay')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Replay up to 1,000 finished deliveries matching a filter (default: failed); returns how many',
  })
  async replayMany(@Tenant() ctx: TenantContext, @Body() body: ReplayWebhookDeliveriesDto) {
    const { replayed, hasMore } = await this.deliveries.replayMany(ctx, {
      status: body.status,
      subscriptionId: body.subscription_id,
      eventType: body.event_type,
      since: body.since,
      until: body.until,
    });
    return { object: 'webhook_delivery_replay', replayed, has_more: hasMore };
  }

  @Get(':id')
  @ApiOperation({ summary: 'Retrieve a delivery with its payload and attempts' })
  async get(@Tenant() ctx: TenantContext, @Param('id') id: string) {
    const { delivery, attempts } = await this.deliveries.get(ctx, id);
    return presentWebhookDelivery(delivery, { attempts });
  }

  @Post(':id/replay')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Send a finished delivery again with the same webhook-id and payload (a new attempt cycle)',
  })
  async replay(@Tenant() ctx: TenantContext, @Param('id') id: string) {
    return presentWebhookDelivery(await this.deliveries.replay(ctx, id));
  }
}
