import { Redis } from 'ioredis';
import { AppConfig, ConfigError } from '#config';
import { createTestDatabase, TEST_REDIS_URL, testRedisPrefix, type TestDatabase } from '#testing/test-database.js';
import { startWorker } from './bootstrap.js';

const secrets = { META_APP_SECRET: 's', META_VERIFY_TOKEN: 'v', ENCRYPTION_KEY: '0'.repeat(64), LOG_LEVEL: 'silent' };
const prefix = testRedisPrefix();

describe('worker bootstrap', () => {
  let db: TestDatabase;
  beforeAll(async () => (db = await createTestDatabase()));
  afterAll(async () => {
    await db.drop();
    const redis = new Redis(TEST_REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('refuses to start without REDIS_URL, naming it', async () => {
    const err = await startWorker(new AppConfig({ ...secrets, DATABASE_URL: db.url })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).key).toBe('REDIS_URL');
  });

  it('runs the processors ProcessorsModule declares, even with RUN_PROCESSORS unset, and shuts down cleanly', async () => {
    const config = new AppConfig({ ...secrets, DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix });
    expect(config.runProcessors).toBe(false); // REDIS_URL set: the api does not process; the worker overrides
    const worker = await startWorker(config);
    try {
      expect(worker.processors.length).toBeGreaterThan(0);
      expect(new Set(worker.processors.map((p) => p.queue)).size).toBe(worker.processors.length);
    } finally {
      await worker.close();
    }
  });

  it('serves Prometheus metrics, including sends by outcome, when WORKER_METRICS_PORT is set', async () => {
    const config = new AppConfig({ ...secrets, DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, WORKER_METRICS_PORT: '0' });
    const worker = await startWorker(config);
    try {
      const res = await fetch(worker.metricsUrl!);
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toContain('kdv_message_sends_total');
      expect(text).toContain('process_cpu_user_seconds_total');
      expect((await fetch(worker.metricsUrl!.replace('/metrics', '/other'))).status).toBe(404);
    } finally {
      await worker.close();
    }
  });
});
