import { Redis } from 'ioredis';
import { describeQueueDriverScenarios } from '#testing/queue-driver-scenarios.js';
import { TEST_REDIS_URL, testRedisPrefix } from '#testing/test-database.js';

const prefix = testRedisPrefix();

// Real BullMQ Workers on the real Redis, held to the same scenarios as the in-process driver.
describeQueueDriverScenarios('bullmq', () => ({ REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix }));

afterAll(async () => {
  const redis = new Redis(TEST_REDIS_URL);
  try {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
});
