import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '#config';
import { QueueProducer, QUEUES } from '#queue';
import { PeriodicTask } from '../common/periodic-task.js';
import { BroadcastsRepository } from './broadcasts.repository.js';

const BATCH = 500;

/**
 * Re-enqueues the job of every broadcast being sent (after a crash, a Redis loss, or an exhausted job), at boot and
 * periodically. Enqueueing an existing job id is a no-op, so this is safe in every process that runs processors.
 */
@Injectable()
export class BroadcastsSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('BroadcastsSweeper');
  private readonly task: PeriodicTask;

  constructor(
    private readonly repo: BroadcastsRepository,
    private readonly queue: QueueProducer,
    config: AppConfig,
  ) {
    this.task = new PeriodicTask('broadcasts sweep', config.sweepIntervalMs, () => this.sweep(), this.logger);
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.task.stop();
  }

  async sweep(): Promise<number> {
    const rows = await this.repo.findSendingForSystem(BATCH);
    if (rows.length === 0) return 0;
    await this.queue.enqueueBulk(
      QUEUES.broadcasts,
      rows.map((r) => ({ data: { broadcastId: r.id, organizationId: r.organizationId }, opts: { jobId: r.id } })),
    );
    return rows.length;
  }
}
