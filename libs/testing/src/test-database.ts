import crypto from 'node:crypto';
import pg from 'pg';

const env = process.env;

function templateUrl(): URL {
  const url = env.KDV_TEST_TEMPLATE_URL;
  if (!url) throw new Error('KDV_TEST_TEMPLATE_URL is unset: run integration tests through jest (global setup)');
  return new URL(url);
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const tpl = templateUrl();
  const client = new pg.Client({
    host: tpl.hostname,
    port: Number(tpl.port || 5432),
    user: decodeURIComponent(tpl.username || 'postgres'),
    password: decodeURIComponent(tpl.password),
    database: 'postgres',
  });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A fresh, migrated PostgreSQL database for one test file (a clone of the run's template). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const tpl = templateUrl();
  const template = decodeURIComponent(tpl.pathname.slice(1));
  const name = `kdv_t_${crypto.randomBytes(6).toString('hex')}`;
  // CREATE DATABASE … TEMPLATE fails while another session is connected to the template; files start in parallel.
  for (let attempt = 0; ; attempt++) {
    try {
      await admin((c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
      break;
    } catch (err) {
      if (attempt > 50 || !/being accessed by other users/.test(String(err))) throw err;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
  }
  const url = new URL(tpl.toString());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

/** A Redis key prefix unique to one test file, so queues and buckets never collide across files and runs. */
export function testRedisPrefix(): string {
  return `kdvtest:${crypto.randomBytes(4).toString('hex')}`;
}

export const TEST_REDIS_URL = env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
