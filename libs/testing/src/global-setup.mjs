// Jest global setup for integration and e2e projects: one migrated template database per run.
// Each test file then clones it (CREATE DATABASE … TEMPLATE …, ~100 ms) so files never share rows.
// DATABASE_URL (CI hands a fresh database) becomes the template; without it a temporary one is created.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export default async function globalSetup() {
  if (process.env.KDV_TEST_TEMPLATE_URL) return; // another project of this run already prepared it
  let url = process.env.DATABASE_URL;
  if (!url) {
    const admin = new pg.Client({ host: '127.0.0.1', user: 'postgres', database: 'postgres' });
    await admin.connect();
    const name = `kdv_test_tpl_${process.pid}`;
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    url = `postgresql://postgres@127.0.0.1:5432/${name}`;
  }
  execFileSync(process.execPath, [path.join(root, 'scripts/migrate.mjs'), 'deploy'], {
    env: { ...process.env, DATABASE_URL: url },
    stdio: 'pipe',
  });
  process.env.KDV_TEST_TEMPLATE_URL = url;
}
