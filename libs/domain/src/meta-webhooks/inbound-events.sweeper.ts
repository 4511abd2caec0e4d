import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '#config';
import { QueueProducer, QUEUES } from '#queue';
import { PeriodicTask } from '../common/periodic-task.js';
import { InboundEventsRepository } from './inbound-events.repository.js';

const BATCH = 500;
/** Younger pending events are probably being enqueued by the request that stored them. */
const FRESH_MS = 5_000;

/** Re-enqueues stored Meta payloads still pending (enqueue failed, crash, Redis lost its data); at boot and periodically. */
@Injectable()
export class InboundEventsSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('InboundEventsSweeper');
  private readonly task: PeriodicTask;

  constructor(
    private readonly repo: InboundEventsRepository,
    private readonly queue: QueueProducer,
    config: AppConfig,
  ) {
    this.task = new PeriodicTask('inbound events sweep', config.sweepIntervalMs, () => this.sweep(), this.logger);
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.task.stop();
  }

  async sweep(now: Date = new Date()): Promise<number> {
    const rows = await this.repo.findPendingForSystem(new Date(now.getTime() - FRESH_MS), BATCH);
    if (rows.length === 0) return 0;
    await this.queue.enqueueBulk(QUEUES.inboundEvents, rows.map((r) => ({ data: { inboundEventId: r.id }, opts: { jobId: r.id } })));
    return rows.length;
  }
}
