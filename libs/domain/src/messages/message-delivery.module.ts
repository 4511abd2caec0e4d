import { Module } from '@nestjs/common';
import { WhatsAppModule } from '#whatsapp';
import { ContactsModule } from '../contacts/contacts.module.js';
import { PhoneNumbersModule } from '../phone-numbers/phone-numbers.module.js';
import { MessageDeliveryProcessor } from './message-delivery.processor.js';
import { MessagesStoreModule } from './messages-store.module.js';
import { MessagesModule } from './messages.module.js';
import { MessagesSweeper } from './messages.sweeper.js';

/** The delivery worker and its recovery sweep: loaded only where processors run (ProcessorsModule). */
@Module({
  imports: [MessagesModule, MessagesStoreModule, ContactsModule, PhoneNumbersModule, WhatsAppModule],
  providers: [MessageDeliveryProcessor, MessagesSweeper],
})
export class MessageDeliveryModule {}
