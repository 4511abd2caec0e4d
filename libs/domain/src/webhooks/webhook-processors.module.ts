import { Module } from '@nestjs/common';
import { WebhookDeliveryProcessor } from './webhook-delivery.processor.js';
import { WebhookRecoverySweep } from './webhook-recovery.sweep.js';
import { WebhooksModule } from './webhooks.module.js';

/** Kept apart from WebhooksModule: the processor and its sweep are provided once, only where processors run. */
@Module({ imports: [WebhooksModule], providers: [WebhookDeliveryProcessor, WebhookRecoverySweep] })
export class WebhookProcessorsModule {}
