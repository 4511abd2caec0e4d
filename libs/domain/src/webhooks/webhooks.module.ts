import { Module } from '@nestjs/common';
import { SecretBox } from '../common/secret-box.js';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository.js';
import { WebhookDeliveriesService } from './webhook-deliveries.service.js';
import { WebhookFanoutSink } from './webhook-fanout.sink.js';
import { WebhookSender } from './webhook-sender.js';
import { WebhookSubscriptionsRepository } from './webhook-subscriptions.repository.js';
import { WebhookSubscriptionsService } from './webhook-subscriptions.service.js';
import { WebhookTargetGuard } from './webhook-target.guard.js';

/**
 * Customer webhooks: subscriptions and the fan-out of domain events into deliveries. Imported by the api (REST)
 * and, through WebhookProcessorsModule, by every process that runs processors; Nest builds it once per process, so
 * the sink registers once wherever events are emitted.
 */
@Module({
  providers: [
    SecretBox,
    WebhookTargetGuard,
    WebhookSender,
    WebhookSubscriptionsRepository,
    WebhookDeliveriesRepository,
    WebhookSubscriptionsService,
    WebhookDeliveriesService,
    WebhookFanoutSink,
  ],
  exports: [
    WebhookSubscriptionsService,
    WebhookDeliveriesService,
    WebhookSubscriptionsRepository,
    WebhookDeliveriesRepository,
    WebhookSender,
  ],
})
export class WebhooksModule {}
