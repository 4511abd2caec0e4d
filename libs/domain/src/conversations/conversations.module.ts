import { Module } from '@nestjs/common';
import { WhatsAppModule } from '#whatsapp';
import { ContactsModule } from '../contacts/contacts.module.js';
import { MessagesStoreModule } from '../messages/messages-store.module.js';
import { PhoneNumbersModule } from '../phone-numbers/phone-numbers.module.js';
import { ConversationsRepository } from './conversations.repository.js';
import { ConversationsService } from './conversations.service.js';

/** One conversation per (number, contact): window, unread count, status, assignee; contact context reads. */
@Module({
  imports: [ContactsModule, MessagesStoreModule, PhoneNumbersModule, WhatsAppModule],
  providers: [ConversationsRepository, ConversationsService],
  exports: [ConversationsService],
})
export class ConversationsModule {}
