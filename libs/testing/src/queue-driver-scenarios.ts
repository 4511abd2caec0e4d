// Shared behaviour tests of the two queue drivers (in-process: unit project; BullMQ: integration project), so both
// are held to the very same semantics. Lives here because libs/testing is not part of the production build.
import { Injectable, type INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AppConfig, ConfigModule } from '#config';
import {
  PermanentError,
  ProcessorHost,
  QUEUES,
  QueueModule,
  QueueProcessor,
  QueueProducer,
  QueueStats,
  RescheduleError,
  RetryableError,
  type JobContext,
  type JobHandler,
  type JobPayloads,
} from '#queue';

type Job = JobContext<JobPayloads['maintenance']>;

/** What the test processor saw; each test sets `behave`. */
class Probe {
  calls: { id: string; task: string; attempt: number }[] = [];
  exhausted: { id: string; task: string; attempt: number; error: unknown }[] = [];
  active = 0;
  maxActive = 0;
  behave: (job: Job, nthCall: number) => Promise<void> = async () => {};

  reset(): void {
    this.calls = [];
    this.exhausted = [];
    this.active = 0;
    this.maxActive = 0;
    this.behave = async () => {};
  }

  callsOf(task: string): number[] {
    return this.calls.filter((c) => c.task === task).map((c) => c.attempt);
  }
}

const probe = new Probe();

@QueueProcessor(QUEUES.maintenance, { concurrency: 3, maxAttempts: 3, backoff: { baseMs: 1, maxMs: 5 } })
@Injectable()
class ProbeProcessor implements JobHandler<'maintenance'> {
  async handle(job: Job): Promise<void> {
    probe.calls.push({ id: job.id, task: job.data.task, attempt: job.attempt });
    probe.active++;
    probe.maxActive = Math.max(probe.maxActive, probe.active);
    try {
      await probe.behave(job, probe.calls.filter((c) => c.task === job.data.task).length);
    } finally {
      probe.active--;
    }
  }

  async onExhausted(job: Job, error: unknown): Promise<void> {
    probe.exhausted.push({ id: job.id, task: job.data.task, attempt: job.attempt, error });
  }
}

@QueueProcessor(QUEUES.maintenance)
@Injectable()
class SecondMaintenanceProcessor implements JobHandler<'maintenance'> {
  async handle(): Promise<void> {}
}

/** A production-shaped config that never touches a data directory (DbModule is not imported here). */
export function queueTestConfig(env: Record<string, string> = {}): AppConfig {
  return new AppConfig({
    DATABASE_URL: 'postgresql://unused@127.0.0.1:1/unused',
    META_APP_SECRET: 'test-secret',
    META_VERIFY_TOKEN: 'test-verify',
    ENCRYPTION_KEY: '0'.repeat(64),
    SHUTDOWN_TIMEOUT_MS: '5000',
    ...env,
  });
}

export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await sleep(10);
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

export function describeQueueDriverScenarios(label: string, env: () => Record<string, string>): void {
  describe(`${label} queue driver`, () => {
    let app: INestApplicationContext | undefined;
    let producer: QueueProducer;
    let stats: QueueStats;

    async function boot(
      processors: unknown[] = [ProbeProcessor],
      extraEnv: Record<string, string> = {},
      queueModule: unknown = QueueModule.forRoot({ runProcessors: true }),
    ) {
      const moduleRef = await Test.createTestingModule({
        imports: [ConfigModule.forRoot(queueTestConfig({ ...env(), ...extraEnv })), queueModule as never],
        providers: processors as never[],
      }).compile();
      app = moduleRef;
      await moduleRef.init();
      producer = moduleRef.get(QueueProducer);
      stats = moduleRef.get(QueueStats);
      return moduleRef;
    }

    const drained = () =>
      until('maintenance queue drained', async () => {
        const c = (await stats.getCounts()).maintenance;
        return c.waiting + c.delayed + c.active === 0;
      });

    beforeEach(() => probe.reset());
    afterEach(async () => {
      await app?.close();
      app = undefined;
    });

    it('runs a job once while it is pending, and again once it finished', async () => {
      await boot();
      const release = gate();
      probe.behave = () => release.wait;
      await producer.enqueue(QUEUES.maintenance, { task: 'a' }, { jobId: 'task-a' });
      await until('task-a started', () => probe.calls.length === 1);
      await producer.enqueue(QUEUES.maintenance, { task: 'a' }, { jobId: 'task-a' }); // active
      await producer.enqueueBulk(QUEUES.maintenance, [
        { data: { task: 'b' }, opts: { jobId: 'task-b', delayMs: 300 } },
      ]);
      await producer.enqueue(QUEUES.maintenance, { task: 'b' }, { jobId: 'task-b' }); // delayed
      expect((await stats.getCounts()).maintenance).toMatchObject({ active: 1, delayed: 1 });
      release.open();
      await until('task-b ran', () => probe.callsOf('b').length === 1);
      await drained();
      expect(probe.callsOf('a')).toEqual([1]);
      expect(probe.callsOf('b')).toEqual([1]);

      // Finished jobs are gone, so the recovery sweeps' re-enqueue runs them again.
      await producer.enqueue(QUEUES.maintenance, { task: 'a' }, { jobId: 'task-a' });
      await until('task-a ran again', () => probe.callsOf('a').length === 2);
      await drained();
      expect(probe.exhausted).toEqual([]);
    });

    it('retries any error by the policy, then calls onExhausted once and drops the job', async () => {
      await boot();
      probe.behave = async () => {
        throw new Error('boom');
      };
      await producer.enqueue(QUEUES.maintenance, { task: 'r' }, { jobId: 'task-r' });
      await until('gave up', () => probe.exhausted.length === 1);
      await drained();
      expect(probe.callsOf('r')).toEqual([1, 2, 3]);
      expect(probe.exhausted[0]).toMatchObject({ id: 'task-r', attempt: 3 });
      expect((probe.exhausted[0].error as Error).message).toBe('boom');

      probe.behave = async () => {};
      await producer.enqueue(QUEUES.maintenance, { task: 'r' }, { jobId: 'task-r' });
      await until('ran again from attempt 1', () => probe.callsOf('r').length === 4);
      expect(probe.callsOf('r')[3]).toBe(1);
    });

    it('counts a RetryableError with its own delay, and gives up at once on PermanentError', async () => {
      await boot();
      probe.behave = async (job, n) => {
        if (n === 1) throw new RetryableError('busy', { delayMs: 50 });
        throw new PermanentError(`rejected on attempt ${job.attempt}`);
      };
      await producer.enqueue(QUEUES.maintenance, { task: 'p' });
      await until('gave up', () => probe.exhausted.length === 1);
      await drained();
      expect(probe.callsOf('p')).toEqual([1, 2]);
      expect(probe.exhausted[0].error).toBeInstanceOf(PermanentError);
      expect((probe.exhausted[0].error as Error).message).toBe('rejected on attempt 2');
    });

    it('does not count a RescheduleError as an attempt', async () => {
      await boot();
      probe.behave = async (_job, n) => {
        if (n <= 3) throw new RescheduleError(20);
        if (n === 4) throw new RetryableError('once', { delayMs: 1 });
      };
      await producer.enqueue(QUEUES.maintenance, { task: 's' }, { jobId: 'task-s' });
      await until('completed', () => probe.callsOf('s').length === 5);
      await drained();
      // Three reschedules would have exhausted maxAttempts 3 had they counted.
      expect(probe.callsOf('s')).toEqual([1, 1, 1, 1, 2]);
      expect(probe.exhausted).toEqual([]);
    });

    it('runs at most `concurrency` jobs of a queue at once', async () => {
      await boot();
      const release = gate();
      probe.behave = () => release.wait;
      await producer.enqueueBulk(
        QUEUES.maintenance,
        ['1', '2', '3', '4', '5', '6'].map((n) => ({ data: { task: `c${n}` }, opts: { jobId: `task-c${n}` } })),
      );
      await until('three running', () => probe.active === 3);
      await sleep(200); // room for a wrongly started fourth job to show up
      expect(probe.calls).toHaveLength(3);
      expect((await stats.getCounts()).maintenance).toMatchObject({ active: 3, waiting: 3 });
      release.open();
      await until('all ran', () => probe.calls.length === 6);
      await drained();
      expect(probe.maxActive).toBe(3);
    });

    it('refuses to boot when two processors claim one queue', async () => {
      await expect(boot([ProbeProcessor, SecondMaintenanceProcessor])).rejects.toThrow(
        'maintenance is claimed by ProbeProcessor and SecondMaintenanceProcessor',
      );
    });

    it('lists what it runs, and runs nothing when this process does not run processors', async () => {
      const host = (await boot()).get(ProcessorHost);
      expect(host.processors).toEqual([
        { queue: 'maintenance', name: 'ProbeProcessor', concurrency: 3, maxAttempts: 3 },
      ]);
      await app!.close();

      const idle = (await boot([ProbeProcessor], { RUN_PROCESSORS: 'false' }, QueueModule)).get(ProcessorHost);
      expect(idle.processors).toEqual([]);
      await producer.enqueue(QUEUES.maintenance, { task: 'idle' }, { jobId: 'task-idle' });
      await sleep(200);
      expect(probe.calls).toEqual([]);
      expect((await stats.getCounts()).maintenance.waiting).toBe(1);
    });
  });
}
