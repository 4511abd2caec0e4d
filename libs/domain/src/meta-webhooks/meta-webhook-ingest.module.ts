import { Module } from '@nestjs/common';
import { ContactsModule } from '../contacts/contacts.module.js';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { MediaModule } from '../media/media.module.js';
import { MessagesStoreModule } from '../messages/messages-store.module.js';
import { MessagesModule } from '../messages/messages.module.js';
import { OptOutModule } from '../opt-out/opt-out.module.js';
import { PhoneNumbersModule } from '../phone-numbers/phone-numbers.module.js';
import { TemplatesModule } from '../templates/templates.module.js';
import { InboundEventProcessor } from './inbound-event.processor.js';
import { InboundEventsSweeper } from './inbound-events.sweeper.js';
import { MetaWebhookIngestService } from './meta-webhook-ingest.service.js';
import { MetaWebhooksModule } from './meta-webhooks.module.js';

/** The inbound-events worker and its sweep: loaded only where processors run (ProcessorsModule). */
@Module({
  imports: [MetaWebhooksModule, PhoneNumbersModule, ContactsModule, ConversationsModule, MessagesStoreModule, MessagesModule, MediaModule, TemplatesModule, OptOutModule],
  providers: [MetaWebhookIngestService, InboundEventProcessor, InboundEventsSweeper],
  exports: [MetaWebhookIngestService],
})
export class MetaWebhookIngestModule {}
