import { Module, type DynamicModule } from '@nestjs/common';
import { AppConfig, ConfigModule } from '#config';
import { DbModule } from '#db';
import { PlatformModule, ProcessorsModule } from '#domain';
import { QueueModule } from '#queue';
import { RealtimeModule } from '#realtime';

/**
 * The worker process: the same processors the embedded process loads, consuming BullMQ, no HTTP.
 * DbModule comes before QueueModule so that, at shutdown, running jobs drain before the database closes.
 * PlatformModule provides the global domain services (audit, metrics, events) the processors use, as in the api.
 */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        DbModule,
        QueueModule.forRoot({ runProcessors: true }),
        PlatformModule,
        RealtimeModule.forRoot({ role: 'worker' }),
        ProcessorsModule,
      ],
    };
  }
}
