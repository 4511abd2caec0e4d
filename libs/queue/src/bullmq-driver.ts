import { Logger } from '@nestjs/common';
import { DelayedError, Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { runJob } from './job-runner.js';
import { MAX_ATTEMPTS_LIMIT } from './queue-processor.decorator.js';
import { QueueDriver, type JobToEnqueue, type QueueCounts, type RegisteredProcessor } from './queue-driver.js';
import { QUEUE_NAMES, type QueueName } from './queue-names.js';
import { redisConnectionOptions, type RedisConnectionOptions } from './redis-connection.js';

const BACKOFF_TYPE = 'kdv-policy';

/** Carries the retry delay our policy chose to BullMQ's backoff hook, which then counts the attempt. */
class RetryLater extends Error {
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
    this.name = 'RetryLater';
  }
}

/**
 * Production driver: one BullMQ Queue (producer) per queue name, created on first use, and one Worker per queue
 * this process processes.
 *
 * Attempt accounting stays BullMQ's own (`attemptsMade`, incremented only by a failed attempt): the producer does
 * not know the processor's policy, so jobs carry an attempt ceiling above any policy, the processor wrapper decides
 * exhaustion itself (throwing UnrecoverableError after onExhausted) and hands its chosen delay to a custom backoff
 * strategy. A reschedule moves the job to delayed itself, which BullMQ does not count as an attempt.
 *
 * Finished jobs are removed (completed and failed alike) so that enqueueing the same job id again runs it again:
 * the recovery sweeps re-enqueue rows the database still says are pending.
 */
export class BullmqDriver extends QueueDriver {
  readonly kind = 'bullmq';
  private readonly logger = new Logger('Queue');
  private readonly connection: RedisConnectionOptions;
  private readonly queues = new Map<QueueName, Queue>();
  private readonly workers = new Map<QueueName, Worker>();
  private closing = false;
  private queuesClosed = false;

  constructor(
    redisUrl: string,
    private readonly prefix: string,
  ) {
    super();
    this.connection = redisConnectionOptions(redisUrl);
  }

  async enqueueBulk<Q extends QueueName>(queue: Q, jobs: JobToEnqueue<Q>[]): Promise<void> {
    if (jobs.length === 0) return;
    const q = this.queue(queue);
    const entries = jobs.map(({ data, opts = {} }) => ({
      name: queue,
      data,
      opts: {
        ...(opts.jobId === undefined ? {} : { jobId: opts.jobId }),
        ...(opts.delayMs ? { delay: Math.ceil(opts.delayMs) } : {}),
        ...(opts.priority ? { priority: opts.priority } : {}),
      },
    }));
    if (entries.length === 1) await q.add(entries[0].name, entries[0].data, entries[0].opts);
    else await q.addBulk(entries);
  }

  async register(processor: RegisteredProcessor): Promise<void> {
    const name = processor.queue;
    if (this.workers.has(name)) throw new Error(`${name} already has a processor`);
    const worker = new Worker(name, (job: Job, token?: string) => this.process(processor, job, token), {
      // Workers block on Redis; ioredis must retry their commands forever instead of failing them.
      connection: { ...this.connection, maxRetriesPerRequest: null },
      prefix: this.prefix,
      concurrency: processor.concurrency,
      // A job whose worker died twice mid-run goes to failed (then removed); the sweeps pick its row up again.
      maxStalledCount: 2,
      // A killed worker's jobs stay "active" until their lock lapses and a stalled check runs: with BullMQ's 30 s /
      // 30 s a number's sends stalled 25-40 s after a SIGKILL (chaos suite), with 10 s / 5 s about 2 s. A live worker
      // renews its locks every 5 s whatever a job's length; only an event loop blocked for 10 s loses one, and a
      // job that then runs twice still finds its row claimed (processors claim in the database before acting).
      lockDuration: 10_000,
      stalledInterval: 5_000,
      settings: {
        backoffStrategy: (_attemptsMade: number, _type?: string, err?: Error) =>
          err instanceof RetryLater ? err.delayMs : 0,
      },
    });
    let lastLogged = 0;
    worker.on('error', (err) => {
      if (Date.now() - lastLogged < 10_000) return;
      lastLogged = Date.now();
      this.logger.error(`${name} worker: ${err.message}`);
    });
    this.workers.set(name, worker);
    await worker.waitUntilReady();
  }

  async getCounts(): Promise<Record<QueueName, QueueCounts>> {
    const entries = await Promise.all(
      QUEUE_NAMES.map(async (name) => {
        const c = await this.queue(name).getJobCounts('waiting', 'prioritized', 'delayed', 'active', 'failed');
        return [
          name,
          { waiting: c.waiting + c.prioritized, delayed: c.delayed, active: c.active, failed: c.failed },
        ] as const;
      }),
    );
    return Object.fromEntries(entries) as Record<QueueName, QueueCounts>;
  }

  async close(timeoutMs: number): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const workers = [...this.workers.values()];
    // Workers first (they finish their running jobs, which may still enqueue follow-ups), then the producers.
    const drained = Promise.allSettled(workers.map((w) => w.close()));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      drained.then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs).unref())),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      // The unfinished jobs keep their lock until it expires, then stall back to waiting for another worker.
      this.logger.warn(`jobs still running after ${timeoutMs} ms; disconnecting anyway`);
      await Promise.allSettled(workers.map((w) => w.disconnect()));
    }
    this.queuesClosed = true;
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
  }

  private queue(name: QueueName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      // The caller's row stays pending in the database; a sweep of the next process enqueues it.
      if (this.queuesClosed) throw new Error(`queue ${name}: the queue driver is closed`);
      if (!QUEUE_NAMES.includes(name)) throw new Error(`unknown queue ${name}`);
      q = new Queue(name, {
        connection: { ...this.connection },
        prefix: this.prefix,
        defaultJobOptions: {
          attempts: MAX_ATTEMPTS_LIMIT + 1,
          backoff: { type: BACKOFF_TYPE },
          removeOnComplete: true,
          removeOnFail: true,
        },
      });
      q.on('error', (err) => this.logger.error(`${name} queue: ${err.message}`));
      this.queues.set(name, q);
    }
    return q;
  }

  private async process(processor: RegisteredProcessor, job: Job, token: string | undefined): Promise<void> {
    const ctx = { id: job.id!, data: job.data as unknown, attempt: job.attemptsMade + 1, queue: processor.queue };
    const outcome = await runJob(processor, ctx, this.logger);
    if (outcome === undefined) return;
    switch (outcome.kind) {
      case 'reschedule':
        await job.moveToDelayed(Date.now() + outcome.delayMs, token);
        throw new DelayedError();
      case 'retry':
        throw new RetryLater(`attempt ${ctx.attempt} failed`, outcome.delayMs);
      case 'exhausted':
        throw new UnrecoverableError(`gave up after attempt ${ctx.attempt}`);
    }
  }
}
