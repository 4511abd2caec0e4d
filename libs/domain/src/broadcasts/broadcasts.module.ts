import { Module } from '@nestjs/common';
import { MessagesModule } from '../messages/messages.module.js';
import { PhoneNumbersModule } from '../phone-numbers/phone-numbers.module.js';
import { TemplatesModule } from '../templates/templates.module.js';
import { BroadcastsRepository } from './broadcasts.repository.js';
import { BroadcastsService } from './broadcasts.service.js';

/** Broadcast drafts, recipients, counters, send and cancel (REST only: bulk sends are deliberately not MCP tools). */
@Module({
  imports: [MessagesModule, PhoneNumbersModule, TemplatesModule],
  providers: [BroadcastsRepository, BroadcastsService],
  exports: [BroadcastsService, BroadcastsRepository],
})
export class BroadcastsModule {}
