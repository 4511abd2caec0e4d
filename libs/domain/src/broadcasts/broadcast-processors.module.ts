import { Module } from '@nestjs/common';
import { ContactsModule } from '../contacts/contacts.module.js';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { MediaModule } from '../media/media.module.js';
import { MessagesStoreModule } from '../messages/messages-store.module.js';
import { PhoneNumbersModule } from '../phone-numbers/phone-numbers.module.js';
import { BroadcastDispatcher } from './broadcast-dispatcher.service.js';
import { BroadcastProcessor } from './broadcast.processor.js';
import { BroadcastsModule } from './broadcasts.module.js';
import { BroadcastsSweeper } from './broadcasts.sweeper.js';

/** The broadcasts worker and its sweep: loaded only where processors run (ProcessorsModule). */
@Module({
  imports: [
    BroadcastsModule,
    ContactsModule,
    ConversationsModule,
    MediaModule,
    MessagesStoreModule,
    PhoneNumbersModule,
  ],
  providers: [BroadcastDispatcher, BroadcastProcessor, BroadcastsSweeper],
})
export class BroadcastProcessorsModule {}
