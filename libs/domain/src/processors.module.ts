import { Module } from '@nestjs/common';
import { BroadcastProcessorsModule } from './broadcasts/broadcast-processors.module.js';
import { MediaProcessorsModule } from './media/media-processors.module.js';
import { MessageDeliveryModule } from './messages/message-delivery.module.js';
import { MetaWebhookIngestModule } from './meta-webhooks/meta-webhook-ingest.module.js';
import { RetentionProcessorsModule } from './retention/retention-processors.module.js';
import { TemplateProcessorsModule } from './templates/template-processors.module.js';
import { WebhookProcessorsModule } from './webhooks/webhook-processors.module.js';

/**
 * Every queue processor of every feature. Loaded by the worker app and, in the embedded default, by the single
 * process, so both run the very same classes. Features add their processor-bearing modules to `imports`.
 */
@Module({ imports: [TemplateProcessorsModule, MediaProcessorsModule, WebhookProcessorsModule, MessageDeliveryModule, MetaWebhookIngestModule, BroadcastProcessorsModule, RetentionProcessorsModule] })
export class ProcessorsModule {}
