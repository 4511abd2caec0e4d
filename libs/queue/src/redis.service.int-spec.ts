import { spawn } from 'node:child_process';
import { AppConfig } from '#config';
import { TEST_REDIS_URL, testRedisPrefix } from '#testing/test-database.js';
import { RedisService } from './redis.service.js';

const config = new AppConfig({
  DATABASE_URL: 'postgresql://unused@127.0.0.1:1/unused',
  META_APP_SECRET: 's',
  META_VERIFY_TOKEN: 'v',
  ENCRYPTION_KEY: '0'.repeat(64),
  REDIS_URL: TEST_REDIS_URL,
  REDIS_PREFIX: testRedisPrefix(),
});

describe('RedisService', () => {
  let service: RedisService;
  beforeEach(() => (service = new RedisService(config)));
  afterEach(() => service.onApplicationShutdown());

  it('gives a shared client only when REDIS_URL is set', async () => {
    expect(await service.client!.ping()).toBe('PONG');
    const without = new RedisService(new AppConfig({ ...configEnv(), REDIS_URL: undefined }));
    expect(without.client).toBeUndefined();
    await expect(without.assertNoEviction()).resolves.toBeUndefined();
  });

  it('accepts the noeviction policy of the test server', async () => {
    await expect(service.assertNoEviction()).resolves.toBeUndefined();
  });

  // A private redis-server with an evicting policy: changing the shared server's policy, even for a moment, would
  // make api boots in parallel test files fail.
  it('refuses any other maxmemory-policy', async () => {
    const port = 30000 + Math.floor(Math.random() * 20000);
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'allkeys-lru'], { stdio: 'ignore' });
    const evicting = new RedisService(new AppConfig({ ...configEnv(), REDIS_URL: `redis://127.0.0.1:${port}/0` }));
    try {
      for (let i = 0; (await evicting.client!.ping().catch(() => '')) !== 'PONG'; i++) {
        if (i > 50) throw new Error('private redis-server did not start');
        await new Promise((r) => setTimeout(r, 100));
      }
      await expect(evicting.assertNoEviction()).rejects.toThrow('maxmemory-policy is "allkeys-lru" but must be "noeviction"');
    } finally {
      await evicting.onApplicationShutdown();
      child.kill('SIGKILL');
    }
  });
});

function configEnv(): Record<string, string | undefined> {
  return {
    DATABASE_URL: 'postgresql://unused@127.0.0.1:1/unused',
    META_APP_SECRET: 's',
    META_VERIFY_TOKEN: 'v',
    ENCRYPTION_KEY: '0'.repeat(64),
  };
}
