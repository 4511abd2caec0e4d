import { describeQueueDriverScenarios, sleep, until } from '#testing/queue-driver-scenarios.js';
import type { JobContext } from './job-handler.js';
import { InProcessDriver } from './in-process-driver.js';
import type { RegisteredProcessor } from './queue-driver.js';
import { QUEUES } from './queue-names.js';

// No REDIS_URL: the in-process driver, held to the same scenarios as BullMQ (bullmq-driver.int-spec.ts).
describeQueueDriverScenarios('in-process', () => ({}));

describe('InProcessDriver', () => {
  function processor(handle: (job: JobContext<{ task: string }>) => Promise<void>): RegisteredProcessor {
    return {
      queue: QUEUES.maintenance,
      name: 'TestProcessor',
      concurrency: 1,
      policy: { maxAttempts: 3, baseMs: 1, maxMs: 5 },
      handler: { handle: handle as never },
    };
  }

  it('runs unprioritised jobs first in FIFO order, then by ascending priority', async () => {
    const driver = new InProcessDriver();
    const seen: string[] = [];
    const tasks = [['a'], ['b', 5], ['c', 1], ['d'], ['e', 1]] as const;
    await driver.enqueueBulk(
      QUEUES.maintenance,
      tasks.map(([task, priority]) => ({ data: { task }, opts: priority ? { priority } : {} })),
    );
    await driver.register(processor(async (job) => void seen.push(job.data.task)));
    await until('all ran', () => seen.length === 5);
    expect(seen).toEqual(['a', 'd', 'c', 'e', 'b']);
    await driver.close(1_000);
  });

  it('lets a running job finish on close, then drops what is left', async () => {
    const driver = new InProcessDriver();
    const finished: string[] = [];
    await driver.register(
      processor(async (job) => {
        await sleep(100);
        finished.push(job.data.task);
      }),
    );
    await driver.enqueueBulk(QUEUES.maintenance, [
      { data: { task: 'first' } },
      { data: { task: 'second' } },
      { data: { task: 'retry-later' }, opts: { delayMs: 60_000 } },
    ]);
    await until('first started', async () => (await driver.getCounts()).maintenance.active === 1);
    await driver.close(5_000);
    expect(finished).toEqual(['first']);
    await driver.enqueueBulk(QUEUES.maintenance, [{ data: { task: 'late' } }]);
    expect((await driver.getCounts()).maintenance).toEqual({ waiting: 0, delayed: 0, active: 0, failed: 0 });
  });

  it('stops waiting for a stuck job after the shutdown timeout', async () => {
    const driver = new InProcessDriver();
    await driver.register(processor(() => new Promise<void>(() => {})));
    await driver.enqueueBulk(QUEUES.maintenance, [{ data: { task: 'stuck' } }]);
    await until('started', async () => (await driver.getCounts()).maintenance.active === 1);
    await expect(driver.close(50)).resolves.toBeUndefined();
  });
});
