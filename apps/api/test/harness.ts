import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppConfig } from '#config';
import { generateApiKey, PinoLogger } from '#domain';
import { createTestDatabase, testRedisPrefix, TEST_REDIS_URL, type TestDatabase } from '#testing';
import { startApi, type StartedApi } from '../src/bootstrap.js';

export interface TestApi extends StartedApi {
  /** The bootstrap organization's full-scope live key. */
  key: string;
  config: AppConfig;
  /** Undefined in embedded mode (PGlite under a temporary DATA_DIR). */
  db: TestDatabase;
  /** Auth headers for the bootstrap key (or another). */
  auth(key?: string): Record<string, string>;
  /** fetch against the api with JSON in and out. */
  request(method: string, p: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
}

/**
 * Boots the real api on an ephemeral port against a fresh PostgreSQL database (and real Redis + BullMQ when
 * `redis` is true; otherwise the in-process queue driver). The sandbox is mounted in-process unless SANDBOX_URL
 * is given. Stop it with close(): it also drops the database.
 */
export async function startTestApi(
  opts: { redis?: boolean; embedded?: boolean; env?: Record<string, string>; db?: TestDatabase } = {},
): Promise<TestApi> {
  if (opts.embedded) return startEmbedded(opts.env);
  const db = opts.db ?? (await createTestDatabase());
  const key = generateApiKey('live');
  const port = await freePort();
  const env: Record<string, string> = {
    PORT: String(port),
    DATABASE_URL: db.url,
    DATA_DIR: path.join(os.tmpdir(), `kdv-test-${crypto.randomBytes(4).toString('hex')}`),
    BOOTSTRAP_API_KEY: key,
    META_APP_SECRET: crypto.randomBytes(16).toString('hex'),
    META_VERIFY_TOKEN: crypto.randomBytes(8).toString('hex'),
    ENCRYPTION_KEY: crypto.randomBytes(32).toString('hex'),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true',
    SWEEP_INTERVAL_MS: '500',
    ...(opts.redis ? { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: testRedisPrefix(), RUN_PROCESSORS: 'true' } : {}),
    ...opts.env,
  };
  const config = new AppConfig(env);
  const api = await startApi(config, { logger: new PinoLogger(config.logLevel) });
  return withClient(api, key, config, db, async () => {
    await api.close();
    if (!opts.db) await db.drop();
  });
}

/** The embedded default as `npm start` runs it: PGlite under a fresh DATA_DIR, generated secrets, a demo key. */
async function startEmbedded(extra: Record<string, string> = {}): Promise<TestApi> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kdv-embedded-'));
  const config = new AppConfig({ PORT: String(await freePort()), DATA_DIR: dataDir, LOG_LEVEL: 'silent', SWEEP_INTERVAL_MS: '500', ...extra });
  const api = await startApi(config, { logger: new PinoLogger(config.logLevel) });
  return withClient(api, api.bootstrap!.plaintextKey, config, undefined as never, async () => {
    await api.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
}

function withClient(api: StartedApi, key: string, config: AppConfig, db: TestDatabase, close: () => Promise<void>): TestApi {
  const auth = (k = key) => ({ Authorization: `Bearer ${k}` });
  return {
    ...api,
    key,
    config,
    db,
    auth,
    close,
    async request(method, p, body, headers = {}) {
      const res = await fetch(api.url + p, {
        method,
        headers: { ...auth(), ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        /* keep text */
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
  };
}

/** An ephemeral port known before boot (the mounted sandbox needs the api's own URL in its config). */
async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}
