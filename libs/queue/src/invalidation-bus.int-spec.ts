import { Redis } from 'ioredis';
import type { AppConfig } from '#config';
import { TEST_REDIS_URL, testRedisPrefix } from '#testing/test-database.js';
import { InvalidationBus } from './invalidation-bus.js';
import { RedisService } from './redis.service.js';

const prefix = testRedisPrefix();
const processes: Array<{ bus: InvalidationBus; redis: RedisService }> = [];

/** One bus (with its process's shared Redis client) stands for one process (api or worker) on the shared Redis. */
async function process(): Promise<InvalidationBus> {
  const config = { redisUrl: TEST_REDIS_URL, redisPrefix: prefix } as AppConfig;
  const redis = new RedisService(config);
  const bus = new InvalidationBus(config, redis);
  await bus.onModuleInit();
  processes.push({ bus, redis });
  return bus;
}

afterAll(async () => {
  await Promise.all(processes.map((p) => p.bus.onApplicationShutdown()));
  await Promise.all(processes.map((p) => p.redis.onApplicationShutdown()));
});

function nextCall(bus: InvalidationBus, topic: string): Promise<string | null> {
  return new Promise((resolve) => {
    const off = bus.on(topic, (key) => {
      off();
      resolve(key);
    });
  });
}

describe('InvalidationBus (real Redis)', () => {
  it('delivers an invalidation to this process at once and to every other process through Redis', async () => {
    const [a, b, c] = [await process(), await process(), await process()];
    const local: Array<string | null> = [];
    a.on('api_keys', (key) => local.push(key));
    const atB = nextCall(b, 'api_keys');
    const atC = nextCall(c, 'api_keys');
    a.publish('api_keys', 'org_1');
    expect(local).toEqual(['org_1']); // synchronous here: the caller's next read already misses the cache
    await expect(atB).resolves.toBe('org_1');
    await expect(atC).resolves.toBe('org_1');
  });

  it('tells listeners to drop everything after its subscriber reconnects (messages sent meanwhile are lost)', async () => {
    const bus = await process();
    const flushed = nextCall(bus, 'webhook_subscriptions');
    const admin = new Redis(TEST_REDIS_URL);
    try {
      // Only this suite's subscribers (by connection name): other suites share this Redis.
      const list = (await admin.client('LIST')) as string;
      const ids = list.split('\n').filter((l) => l.includes(`name=${prefix}:invalidate-sub`)).map((l) => /id=(\d+)/.exec(l)![1]);
      expect(ids.length).toBeGreaterThan(0);
      for (const id of ids) await admin.client('KILL', 'ID', id);
      await expect(flushed).resolves.toBeNull();
    } finally {
      admin.disconnect();
    }
  });
});
