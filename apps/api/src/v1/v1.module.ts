import { Module } from '@nestjs/common';
import { HttpModule } from '../http/http.module.js';
import { ContactsModule, ConversationsModule, LabelsModule, MediaModule, MessagesModule, MetaWebhooksModule, PhoneNumbersModule, SettingsModule, TemplatesModule } from '#domain';
import { ApiKeysController } from './api-keys.controller.js';
import { AuditLogsController } from './audit-logs.controller.js';
import { LabelsController } from './labels.controller.js';
import { MeController } from './me.controller.js';
import { ContactsController } from './contacts.controller.js';
import { ConversationsController } from './conversations.controller.js';
import { MessagesController } from './messages.controller.js';
import { MetaWebhookController } from '../webhooks/meta-webhook.controller.js';
import { MediaController } from './media.controller.js';
import { PhoneNumbersController } from './phone-numbers.controller.js';
import { SandboxController } from './sandbox.controller.js';
import { SettingsController } from './settings.controller.js';
import { TemplatesController } from './templates.controller.js';
import { RealtimeAccessModule } from '#domain/realtime/realtime-access.module.js';
import { RealtimeController } from './realtime.controller.js';
import { WebhooksModule } from '#domain/webhooks/index.js';
import { WebhookDeliveriesController } from './webhook-deliveries.controller.js';
import { WebhookSubscriptionsController } from './webhook-subscriptions.controller.js';
import { BroadcastsModule, RetentionModule } from '#domain';
import { BroadcastsController } from './broadcasts.controller.js';
import { ContactErasureController } from './contact-erasure.controller.js';
import { RetentionSettingsController } from './retention-settings.controller.js';

/**
 * Every /v1 REST controller. Feature engineers add their domain module to `imports` and their controllers to
 * `controllers` (one line each).
 */
@Module({
  imports: [
    HttpModule,
    LabelsModule,
    ContactsModule,
    ConversationsModule,
    MessagesModule,
    MetaWebhooksModule,
    RealtimeAccessModule,
    PhoneNumbersModule,
    TemplatesModule,
    MediaModule,
    WebhooksModule,
    SettingsModule,
    BroadcastsModule,
    RetentionModule,
  ],
  controllers: [
    MeController,
    ApiKeysController,
    AuditLogsController,
    LabelsController,
    ContactsController,
    ConversationsController,
    MessagesController,
    MetaWebhookController,
    RealtimeController,
    PhoneNumbersController,
    SandboxController,
    TemplatesController,
    MediaController,
    WebhookSubscriptionsController,
    WebhookDeliveriesController,
    SettingsController,
    BroadcastsController,
    ContactErasureController,
    RetentionSettingsController,
  ],
})
export class V1Module {}
