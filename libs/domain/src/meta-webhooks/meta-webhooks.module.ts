import { Module } from '@nestjs/common';
import { PhoneNumbersModule } from '../phone-numbers/phone-numbers.module.js';
import { InboundEventsRepository } from './inbound-events.repository.js';
import { MetaWebhooksService } from './meta-webhooks.service.js';

/** Receiving Meta webhooks (/webhooks/meta): handshake, signature check, durable store, enqueue. */
@Module({
  imports: [PhoneNumbersModule],
  providers: [InboundEventsRepository, MetaWebhooksService],
  exports: [MetaWebhooksService, InboundEventsRepository],
})
export class MetaWebhooksModule {}
