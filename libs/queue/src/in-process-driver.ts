import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { runJob } from './job-runner.js';
import { QueueDriver, type JobToEnqueue, type QueueCounts, type RegisteredProcessor } from './queue-driver.js';
import { QUEUE_NAMES, type QueueName } from './queue-names.js';

interface MemoryJob {
  id: string;
  data: unknown;
  /** Failed attempts so far; a reschedule does not count. */
  attemptsMade: number;
  priority: number;
  seq: number;
  state: 'waiting' | 'delayed' | 'active';
  timer?: NodeJS.Timeout;
}

class MemoryQueue {
  readonly jobs = new Map<string, MemoryJob>();
  readonly waiting = new JobHeap();
  delayed = 0;
  active = 0;
  processor?: RegisteredProcessor;
  warnedNoProcessor = false;
}

/**
 * The embedded default's queue: BullMQ's semantics (job-id dedup, delays, priorities, per-queue concurrency, the
 * shared retry policy, reschedules that do not count) without Redis. It keeps nothing durable on purpose: the
 * domain's recovery sweeps rebuild pending work from PostgreSQL on boot, exactly as they do after Redis loses data.
 */
export class InProcessDriver extends QueueDriver {
  readonly kind = 'in-process';
  private readonly logger = new Logger('Queue');
  private readonly queues = new Map<QueueName, MemoryQueue>(QUEUE_NAMES.map((q) => [q, new MemoryQueue()]));
  private readonly running = new Set<Promise<void>>();
  private seq = 0;
  private closed = false;

  async enqueueBulk<Q extends QueueName>(queue: Q, jobs: JobToEnqueue<Q>[]): Promise<void> {
    // After close nothing would ever run the job; dropping it is safe because the database still says it is due.
    if (this.closed) return;
    const q = this.queue(queue);
    for (const { data, opts = {} } of jobs) {
      const id = opts.jobId ?? randomUUID();
      if (q.jobs.has(id)) continue;
      const job: MemoryJob = {
        id,
        data,
        attemptsMade: 0,
        priority: opts.priority ?? 0,
        seq: this.seq++,
        state: 'waiting',
      };
      q.jobs.set(id, job);
      this.schedule(queue, q, job, opts.delayMs ?? 0);
    }
    if (q.processor === undefined && q.jobs.size > 0 && !q.warnedNoProcessor) {
      q.warnedNoProcessor = true;
      this.logger.debug(`${queue}: jobs are waiting for a processor to be registered`);
    }
    this.pump(queue, q);
  }

  async register(processor: RegisteredProcessor): Promise<void> {
    const q = this.queue(processor.queue);
    if (q.processor) throw new Error(`${processor.queue} already has a processor (${q.processor.name})`);
    q.processor = processor;
    this.pump(processor.queue, q);
  }

  async getCounts(): Promise<Record<QueueName, QueueCounts>> {
    const counts = {} as Record<QueueName, QueueCounts>;
    for (const [name, q] of this.queues)
      counts[name] = { waiting: q.waiting.size, delayed: q.delayed, active: q.active, failed: 0 };
    return counts;
  }

  async close(timeoutMs: number): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const q of this.queues.values()) for (const job of q.jobs.values()) clearTimeout(job.timer);
    if (this.running.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        Promise.allSettled([...this.running]).then(() => false),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs).unref())),
      ]);
      clearTimeout(timer);
      if (timedOut)
        this.logger.warn(`${this.running.size} job(s) still running after ${timeoutMs} ms; shutting down anyway`);
    }
    for (const q of this.queues.values()) {
      q.jobs.clear();
      q.waiting.clear();
      q.delayed = 0;
    }
  }

  private queue(name: QueueName): MemoryQueue {
    const q = this.queues.get(name);
    if (!q) throw new Error(`unknown queue ${name}`);
    return q;
  }

  private schedule(name: QueueName, q: MemoryQueue, job: MemoryJob, delayMs: number): void {
    if (delayMs <= 0) {
      job.state = 'waiting';
      q.waiting.push(job);
      return;
    }
    job.state = 'delayed';
    q.delayed++;
    // unref: a pending retry must not keep a finished process (or a test) alive.
    job.timer = setTimeout(() => {
      job.timer = undefined;
      q.delayed--;
      job.state = 'waiting';
      job.seq = this.seq++; // a retried job queues behind the ones that waited meanwhile, as in BullMQ
      q.waiting.push(job);
      this.pump(name, q);
    }, delayMs).unref();
  }

  private pump(name: QueueName, q: MemoryQueue): void {
    const processor = q.processor;
    if (!processor) return;
    while (!this.closed && q.active < processor.concurrency && q.waiting.size > 0) {
      const job = q.waiting.pop()!;
      job.state = 'active';
      q.active++;
      const run = this.run(name, q, processor, job);
      this.running.add(run);
      void run.finally(() => this.running.delete(run));
    }
  }

  private async run(name: QueueName, q: MemoryQueue, processor: RegisteredProcessor, job: MemoryJob): Promise<void> {
    const outcome = await runJob(
      processor,
      { id: job.id, data: job.data, attempt: job.attemptsMade + 1, queue: name },
      this.logger,
    );
    q.active--;
    if (this.closed || outcome === undefined || outcome.kind === 'exhausted') {
      q.jobs.delete(job.id);
    } else {
      if (outcome.kind === 'retry') job.attemptsMade++;
      // At least a timer tick: a handler rescheduling with 0 ms must not spin on microtasks and starve I/O.
      this.schedule(name, q, job, Math.max(1, outcome.delayMs));
    }
    this.pump(name, q);
  }
}

/** Min-heap on (priority, insertion order): unprioritised jobs (0) first in FIFO order, like BullMQ. */
class JobHeap {
  private readonly items: MemoryJob[] = [];

  get size(): number {
    return this.items.length;
  }

  clear(): void {
    this.items.length = 0;
  }

  push(job: MemoryJob): void {
    const a = this.items;
    a.push(job);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(a[i], a[parent])) break;
      [a[i], a[parent]] = [a[parent], a[i]];
      i = parent;
    }
  }

  pop(): MemoryJob | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && before(a[l], a[m])) m = l;
        if (r < a.length && before(a[r], a[m])) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return top;
  }
}

function before(x: MemoryJob, y: MemoryJob): boolean {
  return x.priority !== y.priority ? x.priority < y.priority : x.seq < y.seq;
}
