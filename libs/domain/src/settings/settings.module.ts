import { Module } from '@nestjs/common';
import { OrganizationSettingsRepository } from './organization-settings.repository.js';
import { OrganizationSettingsService } from './organization-settings.service.js';

/** Per-organization settings (guard rails for assistant sends, opt-out keywords) in Organization.settings. */
@Module({
  providers: [OrganizationSettingsRepository, OrganizationSettingsService],
  exports: [OrganizationSettingsService],
})
export class SettingsModule {}
