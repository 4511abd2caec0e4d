import { BROADCAST_PRIORITY } from '../broadcasts/broadcast-rules.js';
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '#config';
import { QueueProducer, QUEUES } from '#queue';
import { PeriodicTask } from '../common/periodic-task.js';
import { MessagesRepository } from './messages.repository.js';
import { ScheduledSends } from './scheduled-sends.service.js';

const BATCH = 500;
/** A queued row younger than this is probably being enqueued by the request that wrote it. */
const FRESH_MS = 2_000;
/** Scheduled sends due up to one sweep interval plus this ahead get their delayed job now. */
const LOOKAHEAD_MARGIN_MS = 1_000;

export interface SweepResult {
  requeued: number;
  reconciled: number;
  scheduled: number;
}

/**
 * Rebuilds the delivery queue from PostgreSQL, periodically and once at boot (crash and Redis-loss recovery), in
 * every process that runs processors. Safe to run in several processes at once: enqueueing an existing job id is
 * a no-op and every row change is a compare-and-set.
 */
@Injectable()
export class MessagesSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('MessagesSweeper');
  private readonly task: PeriodicTask;

  constructor(
    private readonly repo: MessagesRepository,
    private readonly queue: QueueProducer,
    private readonly config: AppConfig,
    private readonly scheduledSends: ScheduledSends,
  ) {
    this.task = new PeriodicTask('messages sweep', config.sweepIntervalMs, () => this.sweep(), this.logger);
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.task.stop();
  }

  async sweep(now: Date = new Date()): Promise<SweepResult> {
    const scheduled = await this.releaseScheduled(now);
    const reconciled = await this.reconcileSending(now);
    const requeued = await this.requeueLost(now);
    if (requeued + reconciled + scheduled > 0) this.logger.debug({ requeued, reconciled, scheduled }, 'sweep');
    return { requeued, reconciled, scheduled };
  }

  /** (a) `queued` rows whose job may be gone (enqueue failed, process died, Redis lost its data), once their retry is due. */
  private async requeueLost(now: Date): Promise<number> {
    const rows = await this.repo.findQueuedDueForSystem(now, new Date(now.getTime() - FRESH_MS), BATCH);
    if (rows.length === 0) return 0;
    await this.queue.enqueueBulk(
      QUEUES.messageDelivery,
      // Recovered broadcast messages keep their lower priority, so a recovery never lets them starve one-to-one sends.
      rows.map((r) => ({ data: { messageId: r.id, organizationId: r.organizationId }, opts: { jobId: r.id, ...(r.source === 'broadcast' ? { priority: BROADCAST_PRIORITY } : {}) } })),
    );
    return rows.length;
  }

  /**
   * (b) `sending` rows with no wamid after RECONCILE_AFTER_MS: the worker died (or timed out) around the Graph call
   * and no status webhook echoed our id since, so Meta most likely never got it. Send again and count the
   * possible duplicate.
   */
  private async reconcileSending(now: Date): Promise<number> {
    const rows = await this.repo.findStaleSendingForSystem(new Date(now.getTime() - this.config.reconcileAfterMs), BATCH);
    let n = 0;
    for (const r of rows) {
      const moved = await this.repo.transition(
        r.organizationId,
        r.id,
        ['sending'],
        { status: 'queued', possibleDuplicates: { increment: 1 }, nextAttemptAt: null },
        { wamid: null, sendingAt: r.sendingAt },
      );
      if (!moved) continue;
      n++;
      this.logger.warn({ messageId: r.id }, 'no answer recorded for a send; sending again (possible duplicate counted)');
      await this.enqueue(r.organizationId, r.id);
    }
    return n;
  }

  /**
   * (c) Scheduled sends: overdue ones (their job was lost with a restart or with Redis' data) are released now;
   * those due before the next sweep get their delayed job (a no-op when it exists), so they still go out on time.
   */
  private async releaseScheduled(now: Date): Promise<number> {
    const rows = await this.repo.findScheduledDueForSystem(new Date(now.getTime() + this.config.sweepIntervalMs + LOOKAHEAD_MARGIN_MS), BATCH);
    let n = 0;
    for (const r of rows) {
      if (r.sendAt && r.sendAt.getTime() > now.getTime()) {
        await this.enqueue(r.organizationId, r.id, r.sendAt.getTime() - now.getTime());
        continue;
      }
      const message = await this.repo.findById(r.organizationId, r.id);
      if (!message) continue;
      const released = await this.scheduledSends.release(message, now);
      if (released.kind === 'failed') n++;
      if (released.kind !== 'queued') continue;
      n++;
      await this.enqueue(r.organizationId, r.id);
    }
    return n;
  }

  private async enqueue(organizationId: string, messageId: string, delayMs = 0): Promise<void> {
    try {
      await this.queue.enqueue(QUEUES.messageDelivery, { messageId, organizationId }, { jobId: messageId, ...(delayMs > 0 ? { delayMs } : {}) });
    } catch (err) {
      this.logger.warn({ messageId, err: String(err) }, 'enqueue failed; the next sweep retries');
    }
  }
}
