// Drops the template database global-setup created (never the DATABASE_URL it was handed).
import pg from 'pg';

export default async function globalTeardown() {
  const url = process.env.KDV_TEST_TEMPLATE_URL;
  if (!url || process.env.DATABASE_URL) return;
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!name.startsWith('kdv_test_tpl_')) return;
  const admin = new pg.Client({ host: '127.0.0.1', user: 'postgres', database: 'postgres' });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
  delete process.env.KDV_TEST_TEMPLATE_URL;
}
