import { Module } from '@nestjs/common';
import { ContactsModule } from '../contacts/contacts.module.js';
import { SettingsModule } from '../settings/settings.module.js';
import { MarketingOptOutService } from './marketing-opt-out.service.js';

/** Inbound opt-out / opt-in keywords (used by the Meta webhook ingest). */
@Module({
  imports: [SettingsModule, ContactsModule],
  providers: [MarketingOptOutService],
  exports: [MarketingOptOutService],
})
export class OptOutModule {}
