import { Module } from '@nestjs/common';
import { MaintenanceProcessor } from './maintenance.processor.js';
import { RetentionSettingsRepository } from './retention-settings.repository.js';
import { RetentionRepository } from './retention.repository.js';
import { RetentionService } from './retention.service.js';
import { RetentionSweeper } from './retention.sweeper.js';

/** The maintenance worker (retention task) and the sweeper that schedules it: loaded only where processors run. */
@Module({
  providers: [
    RetentionSettingsRepository,
    RetentionRepository,
    RetentionService,
    MaintenanceProcessor,
    RetentionSweeper,
  ],
  exports: [RetentionService],
})
export class RetentionProcessorsModule {}
