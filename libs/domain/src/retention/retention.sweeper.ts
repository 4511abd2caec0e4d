import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '#config';
import { QueueProducer, QUEUES } from '#queue';
import { PeriodicTask } from '../common/periodic-task.js';
import { MAINTENANCE_TASKS } from './maintenance.processor.js';

/**
 * Enqueues the retention task every RETENTION_INTERVAL_MS where processors run. Its fixed job id makes concurrent
 * enqueues from several workers one job; the work itself is done by the maintenance processor.
 */
@Injectable()
export class RetentionSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('RetentionSweeper');
  private readonly task: PeriodicTask;

  constructor(
    private readonly queue: QueueProducer,
    config: AppConfig,
  ) {
    this.task = new PeriodicTask('retention schedule', config.retentionIntervalMs, () => this.schedule(), this.logger);
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.task.stop();
  }

  async schedule(): Promise<void> {
    await this.queue.enqueue(
      QUEUES.maintenance,
      { task: MAINTENANCE_TASKS.retention },
      { jobId: `task-${MAINTENANCE_TASKS.retention}` },
    );
  }
}
