import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '#config';
import { ProcessorHost } from '#queue';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository.js';
import { WebhookDeliveriesService } from './webhook-deliveries.service.js';

const BATCH = 500;

/**
 * Re-enqueues pending deliveries that are due but have no job: Redis lost its data, a process crashed mid-attempt
 * (the claim's lease ran out), an enqueue failed, or the in-process queue restarted empty. Runs where processors run;
 * job id = delivery id makes re-enqueueing a delivery whose job still exists a no-op.
 */
@Injectable()
export class WebhookRecoverySweep implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Webhooks');
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    private readonly config: AppConfig,
    private readonly host: ProcessorHost,
    private readonly repo: WebhookDeliveriesRepository,
    private readonly deliveries: WebhookDeliveriesService,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.host.runsProcessors) return;
    this.timer = setInterval(() => void this.tick(), this.config.sweepIntervalMs);
    this.timer.unref();
    void this.tick();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /** One pass; returns how many deliveries were re-enqueued. */
  async sweep(now: Date = new Date()): Promise<number> {
    const due = await this.repo.findDue(now, BATCH);
    const byOrg = new Map<string, string[]>();
    for (const d of due) byOrg.set(d.organizationId, [...(byOrg.get(d.organizationId) ?? []), d.id]);
    for (const [orgId, ids] of byOrg) await this.deliveries.enqueue(orgId, ids);
    return due.length;
  }

  private async tick(): Promise<void> {
    if (this.running) return; // a slow pass is never overlapped by the next one
    this.running = this.sweep();
    try {
      await this.running;
    } catch (err) {
      if (this.timer) this.logger.warn({ err: String(err) }, 'webhook recovery sweep failed');
    } finally {
      this.running = undefined;
    }
  }
}
