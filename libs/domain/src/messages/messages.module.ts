import { Module } from '@nestjs/common';
import { WhatsAppModule } from '#whatsapp';
import { ContactsModule } from '../contacts/contacts.module.js';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { GuardRailsModule } from '../guard-rails/guard-rails.module.js';
import { MediaModule } from '../media/media.module.js';
import { PhoneNumbersModule } from '../phone-numbers/phone-numbers.module.js';
import { TemplatesModule } from '../templates/templates.module.js';
import { MessageStatusUpdater } from './message-status-updater.service.js';
import { MessagesStoreModule } from './messages-store.module.js';
import { MessagesService } from './messages.service.js';
import { ScheduledSends } from './scheduled-sends.service.js';

/** Sending (accept + validate + queue), reading and searching messages, and the status state machine. */
@Module({
  imports: [MessagesStoreModule, ContactsModule, ConversationsModule, PhoneNumbersModule, TemplatesModule, MediaModule, WhatsAppModule, GuardRailsModule],
  providers: [MessagesService, MessageStatusUpdater, ScheduledSends],
  exports: [MessagesService, MessageStatusUpdater, ScheduledSends],
})
export class MessagesModule {}
