import { Module } from '@nestjs/common';
import { ContactErasureRepository } from './contact-erasure.repository.js';
import { ContactErasureService } from './contact-erasure.service.js';
import { RetentionSettingsRepository } from './retention-settings.repository.js';
import { RetentionSettingsService } from './retention-settings.service.js';

/** Retention settings (per organization) and contact erasure: what the REST api needs. */
@Module({
  providers: [RetentionSettingsRepository, RetentionSettingsService, ContactErasureRepository, ContactErasureService],
  exports: [RetentionSettingsService, ContactErasureService],
})
export class RetentionModule {}
