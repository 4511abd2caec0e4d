import { InProcessDriver } from './in-process-driver.js';
import { QUEUES } from './queue-names.js';
import { QueueProducer } from './queue-producer.service.js';
import { redisConnectionOptions } from './redis-connection.js';

describe('QueueProducer', () => {
  const driver = new InProcessDriver();
  const producer = new QueueProducer(driver);
  afterAll(() => driver.close(0));

  it('refuses options BullMQ would refuse, in both drivers alike', async () => {
    const data = { task: 't' };
    await expect(producer.enqueue(QUEUES.maintenance, data, { jobId: 'msg:1' })).rejects.toThrow(/without ':'/);
    await expect(producer.enqueue(QUEUES.maintenance, data, { jobId: '42' })).rejects.toThrow(/not an integer/);
    await expect(producer.enqueue(QUEUES.maintenance, data, { delayMs: -1 })).rejects.toThrow(/delayMs/);
    await expect(producer.enqueueBulk(QUEUES.maintenance, [{ data, opts: { priority: 1.5 } }])).rejects.toThrow(
      /priority/,
    );
    expect((await driver.getCounts()).maintenance.waiting).toBe(0);
  });

  it('keeps one pending job per id', async () => {
    await producer.enqueueBulk(QUEUES.maintenance, [
      { data: { task: 'x' }, opts: { jobId: 'msg_1' } },
      { data: { task: 'x' }, opts: { jobId: 'msg_1' } },
    ]);
    await producer.enqueue(QUEUES.maintenance, { task: 'x' }, { jobId: 'msg_1' });
    expect((await driver.getCounts()).maintenance.waiting).toBe(1);
  });
});

describe('redisConnectionOptions', () => {
  it('turns a URL into plain options both ioredis and BullMQ accept', () => {
    expect(redisConnectionOptions('redis://127.0.0.1:6379/0')).toEqual({ host: '127.0.0.1', port: 6379, db: 0 });
    expect(redisConnectionOptions('rediss://app:p%40ss@cache.example:6380/3')).toEqual({
      host: 'cache.example',
      port: 6380,
      db: 3,
      username: 'app',
      password: 'p@ss',
      tls: {},
    });
    expect(redisConnectionOptions('redis://:secret@[::1]')).toEqual({
      host: '::1',
      port: 6379,
      db: 0,
      password: 'secret',
    });
  });
});
