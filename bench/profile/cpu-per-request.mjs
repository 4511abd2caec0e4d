#!/usr/bin/env node
// Profiling aid (not a benchmark): the api's CPU time and PostgreSQL statements per request for the hot operations,
// one request at a time after a warm-up. CPU time per request is what bounds throughput on a 2-core box, and it moves
// far less than req/s when the machine is busy, so it is the figure to compare before/after a hot-path change.
//   node bench/profile/cpu-per-request.mjs            (needs `npm run build`, PostgreSQL, Redis)
//   PROFILE_N=300 SQL_TAP_TEXT=1 node bench/profile/cpu-per-request.mjs   (SQL_TAP_TEXT: print one request's statements)
//   PROFILE_CPU_DIR=/tmp/prof PROFILE_ONLY=POST …  (V8 CPU profile of each measured interval: interval-2.cpuprofile for the first operation, summarized by top-self-time.mjs)
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { generateKey } from '../keys.mjs';
import { apiCaller, freePort, freshDatabase, inboundTextValue, messagesWebhook, PG, REDIS_URL, ROOT, secrets, signedWebhook, startProcess } from '../lib.mjs';
import { webhookNumber } from '../p5-webhook-ingest.mjs';

const N = Number(process.env.PROFILE_N ?? 200);

function cpuMs(pid) {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime in clock ticks (100/s)
}

/** CPU by thread name over the process's life: shows work that leaves the main thread (GC, thread pool, workers). */
function threadCpu(pid) {
  const byName = {};
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    const comm = fs.readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
    const name = tid === String(pid) ? 'main' : comm; // every thread is called "node" unless it names itself
    const f = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ');
    byName[name] = (byName[name] ?? 0) + ((Number(f[11]) + Number(f[12])) * 1000) / 100;
  }
  return Object.entries(byName).map(([thread, cpu_ms]) => ({ thread, cpu_ms }));
}

async function tapped(api) {
  const before = api.output().length;
  process.kill(api.child.pid, 'SIGWINCH');
  for (let i = 0; i < 50; i++) {
    const m = /SQL_TAP (\{.*\})\n/.exec(api.output().slice(before));
    if (m) return JSON.parse(m[1]);
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('no SQL_TAP answer');
}

async function main() {
  const db = await freshDatabase();
  const port = await freePort();
  const key = generateKey();
  const sec = secrets();
  const env = { DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: `kdvprof${crypto.randomBytes(3).toString('hex')}`, LOG_LEVEL: 'warn', ...sec };
  const api = await startProcess('api', 'dist/apps/api/src/main.js', { ...env, PORT: String(port), BOOTSTRAP_API_KEY: key, SQL_TAP_TEXT: process.env.SQL_TAP_TEXT ?? '', PROFILE_CPU_DIR: process.env.PROFILE_CPU_DIR ?? '' }, undefined, [
    `--import=${path.join(ROOT, 'bench/profile/sql-tap.mjs')}`,
  ]);
  const base = `http://127.0.0.1:${port}`;
  const { call } = apiCaller(base, key);
  const admin = new pg.Client({ ...PG, database: db.name });
  admin.on('error', () => {});
  await admin.connect();
  try {
    // Limits raised before the first request: the api caches a resolved key (with its limits) for up to 30 s, and
    // this write bypasses the product, so nothing would tell the cache. The bootstrap organization is the only one.
    await admin.query('UPDATE organization SET rate_limit_writes_per_minute = 100000000, rate_limit_reads_per_minute = 100000000');
    const number = await call('POST', '/v1/phone_numbers', { sandbox: true });
    await call('POST', '/v1/templates/sync', { phone_number_id: number.id });
    const send = () => call('POST', '/v1/messages', { phone_number_id: number.id, to: `+62812${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } });
    const sent = await send();
    // A signed inbound text as Meta posts it (stored, answered 200, ingested later by a worker this profile does not run).
    const numberFields = webhookNumber(await call('GET', `/v1/phone_numbers/${number.id}`));
    let hookSeq = 0;
    const metaWebhook = async () => {
      const from = `62817${String(hookSeq++ % 1000).padStart(7, '0')}`;
      const { raw, signature } = await signedWebhook(sec.META_APP_SECRET, messagesWebhook(numberFields, await inboundTextValue(numberFields, from, 'where is my order?')));
      const r = await fetch(`${base}/webhooks/meta`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature }, body: raw });
      if (r.status !== 200) throw new Error(`webhook answered ${r.status}: ${await r.text()}`);
    };
    const ops = {
      // Floors: the framework alone (public route), then authentication + rate limit + one small read.
      'GET /healthz': () => fetch(`${base}/healthz`).then((r) => r.text()),
      'GET /v1/me': () => call('GET', '/v1/me'),
      'POST /v1/messages (template)': send,
      'GET /v1/messages/{id}': () => call('GET', `/v1/messages/${sent.id}`),
      'GET /v1/conversations/{id}/messages?limit=50': () => call('GET', `/v1/conversations/${sent.conversation_id}/messages?limit=50`),
      'POST /webhooks/meta (inbound text)': metaWebhook,
    };
    const rows = [];
    for (const [name, op] of Object.entries(ops).filter(([n]) => !process.env.PROFILE_ONLY || n.startsWith(process.env.PROFILE_ONLY))) {
      for (let i = 0; i < 30; i++) await op(); // warm-up: JIT, caches, pools
      await tapped(api);
      const c0 = cpuMs(api.child.pid);
      const t0 = performance.now();
      for (let i = 0; i < N; i++) await op();
      const wall = (performance.now() - t0) / N;
      const cpu = (cpuMs(api.child.pid) - c0) / N;
      const tap = await tapped(api);
      rows.push({ operation: name, api_cpu_ms: +cpu.toFixed(2), wall_ms: +wall.toFixed(2), statements: +(tap.count / N).toFixed(1) });
      // One request's statements, shortened to what identifies them.
      const perRequest = tap.statements.slice(0, Math.round(tap.count / N));
      if (perRequest.length) console.log(`${name}:\n  ${perRequest.map((q) => q.replace(/"public"\./g, '').replace(/SELECT .*? FROM/, 'SELECT … FROM').slice(0, 140)).join('\n  ')}`);
    }
    console.table(rows);
    console.table(threadCpu(api.child.pid));
  } catch (err) {
    console.error(api.output().slice(-3000));
    throw err;
  } finally {
    await admin.end().catch(() => {});
    await api.stop();
    await db.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
