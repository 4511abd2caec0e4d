import { Module } from '@nestjs/common';
import { SettingsModule } from '../settings/settings.module.js';
import { GuardRailsRepository } from './guard-rails.repository.js';
import { AssistantGuardRails } from './guard-rails.service.js';

/** Guard rails on assistant-driven sends (used by MessagesService.send for ctx.via === 'mcp'). */
@Module({
  imports: [SettingsModule],
  providers: [GuardRailsRepository, AssistantGuardRails],
  exports: [AssistantGuardRails],
})
export class GuardRailsModule {}
