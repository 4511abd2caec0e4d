import { Module } from '@nestjs/common';
import { HttpModule } from '../http/http.module.js';
import { LabelsModule } from '#domain';
import { ApiKeysController } from './api-keys.controller.js';
import { AuditLogsController } from './audit-logs.controller.js';
import { LabelsController } from './labels.controller.js';
import { MeController } from './me.controller.js';
import { RealtimeAccessModule } from '#domain/realtime/realtime-access.module.js';
import { RealtimeController } from './realtime.controller.js';
import { WebhooksModule } from '#domain/webhooks/index.js';
import { WebhookDeliveriesController } from './webhook-deliveries.controller.js';
import { WebhookSubscriptionsController } from './webhook-subscriptions.controller.js';

/**
 * Every /v1 REST controller. Feature engineers add their domain module to `imports` and their controllers to
 * `controllers` (one line each).
 */
@Module({
  imports: [
    HttpModule,
    LabelsModule,
    RealtimeAccessModule,
    WebhooksModule,
  ],
  controllers: [
    MeController,
    ApiKeysController,
    AuditLogsController,
    LabelsController,
    RealtimeController,
    WebhookSubscriptionsController,
    WebhookDeliveriesController,
  ],
})
export class V1Module {}
