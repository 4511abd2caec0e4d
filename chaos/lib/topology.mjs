// The production topology the chaos run attacks: a fresh PostgreSQL database, the suite's own Redis, a standalone
// sandbox (the fake Meta), two api processes and two workers, all from dist, sharing one database and one Redis.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort, freshDatabase, PG, secrets } from '../../bench/lib.mjs';
import { ProductProcess, RedisServer } from './processes.mjs';

/** The suite's own database sessions carry this name, so terminating "the product's backends" spares them. */
export const OBSERVER_APP_NAME = 'kdv-chaos-observer';

export async function startTopology({ logDir, reconcileAfterMs, bootstrapKey }) {
  const cleanups = [];
  const topo = { cleanups, apis: [], workers: [] };
  try {
    const redisDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kdv-chaos-redis-'));
    topo.redis = new RedisServer(await freePort(), redisDir);
    await topo.redis.start();
    cleanups.push(async () => {
      await topo.redis.shutdown().catch(() => undefined);
      fs.rmSync(redisDir, { recursive: true, force: true });
    });

    topo.db = await freshDatabase();
    cleanups.push(() => topo.db.drop());
    topo.observer = new pg.Pool({ ...PG, database: topo.db.name, max: 2, application_name: OBSERVER_APP_NAME });
    topo.observer.on('error', () => {}); // dropping the database at the end terminates these sessions
    cleanups.push(() => topo.observer.end().catch(() => undefined));

    const [sandboxPort, apiPortA, apiPortB] = [await freePort(), await freePort(), await freePort()];
    const sandboxDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kdv-chaos-sandbox-'));
    cleanups.push(() => fs.rmSync(sandboxDataDir, { recursive: true, force: true }));
    const s = secrets();
    topo.sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
    const common = {
      DATABASE_URL: topo.db.url,
      REDIS_URL: topo.redis.url,
      REDIS_PREFIX: `kdvchaos${crypto.randomBytes(3).toString('hex')}`,
      LOG_LEVEL: 'warn',
      ...s,
      SANDBOX_URL: topo.sandboxUrl,
      SWEEP_INTERVAL_MS: '1000',
      RECONCILE_AFTER_MS: String(reconcileAfterMs),
      WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true',
      // Customer webhooks retried within the run (production: minutes to hours apart).
      WEBHOOK_RETRY_SCHEDULE_MS: '1000,2000,4000,8000,16000',
    };
    topo.env = common;

    // The sandbox posts Meta's webhooks to api A, as Meta posts to the one URL configured in the app.
    topo.sandbox = new ProductProcess({
      name: 'sandbox',
      script: 'dist/apps/meta-sandbox/src/main.js',
      env: { LOG_LEVEL: 'warn', DATA_DIR: sandboxDataDir, META_APP_SECRET: s.META_APP_SECRET, SANDBOX_PORT: String(sandboxPort), SANDBOX_WEBHOOK_URL: `http://127.0.0.1:${apiPortA}/webhooks/meta` },
      ready: /sandbox listening/i,
      logDir,
    });
    await topo.sandbox.start();
    cleanups.push(() => topo.sandbox.stop());

    for (const [name, port] of [['api-a', apiPortA], ['api-b', apiPortB]]) {
      const api = new ProductProcess({ name, script: 'dist/apps/api/src/main.js', env: { ...common, PORT: String(port), BOOTSTRAP_API_KEY: bootstrapKey }, ready: /api listening/i, logDir });
      api.url = `http://127.0.0.1:${port}`;
      topo.apis.push(api);
      cleanups.push(() => api.stop());
    }
    // A first (it bootstraps the organization), then B.
    await topo.apis[0].start();
    await topo.apis[1].start();

    for (const name of ['worker-1', 'worker-2']) {
      const worker = new ProductProcess({ name, script: 'dist/apps/worker/src/main.js', env: common, ready: /worker running/i, logDir });
      topo.workers.push(worker);
      cleanups.push(() => worker.stop());
    }
    await Promise.all(topo.workers.map((w) => w.start()));
    return topo;
  } catch (err) {
    await stopTopology(topo);
    throw err;
  }
}

/** Stops what was started, newest first; never throws (the run's verdict matters more than a cleanup hiccup). */
export async function stopTopology(topo) {
  for (const fn of topo.cleanups.splice(0).reverse()) {
    try {
      await fn();
    } catch (err) {
      console.error(`cleanup: ${err?.message ?? err}`);
    }
  }
}

/** Every product process, for crash accounting. */
export function productProcesses(topo) {
  return [topo.sandbox, ...topo.apis, ...topo.workers].filter(Boolean);
}
