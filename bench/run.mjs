#!/usr/bin/env node
// `npm run bench`: every benchmark in one run, each product figure beside a baseline measured in the same run.
// Results: bench/results/<timestamp>.json and the table in BENCHMARKS.md. Needs `npm run build`, PostgreSQL and Redis.
//   BENCH_SECONDS=5 (per autocannon run)  BENCH_MESSAGES=1000000 (P6 table size)  BENCH_ONLY=baselines,p1,p6
import crypto from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { nodeHttpHello, pgInsertRate, redisSetRate } from './baselines.mjs';
import { cannon, freePort, freshDatabase, ROOT, REDIS_URL, secrets, startProcess, summarize, PG } from './lib.mjs';

const only = process.env.BENCH_ONLY?.split(',');
const want = (name) => !only || only.includes(name);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 1_000_000);
const results = { machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memory_gb: Math.round(os.totalmem() / 2 ** 30), node: process.version }, started_at: new Date().toISOString(), figures: {} };

function generateKey() {
  // Same format the product accepts (libs/domain api-key-format): checked there, so a typo fails loudly at boot.
  const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  const b62 = (buf, n) => {
    let x = BigInt(`0x${buf.toString('hex')}`);
    let s = '';
    for (let i = 0; i < n; i++) {
      s = B62[Number(x % 62n)] + s;
      x /= 62n;
    }
    return s;
  };
  const body = `kdv_live_${b62(crypto.randomBytes(20), 24)}`;
  return body + b62(crypto.createHash('sha256').update(body).digest(), 6);
}

async function main() {
  const db = await freshDatabase();
  const procs = [];
  let admin;
  try {
    if (want('baselines')) {
      console.log('baselines…');
      results.figures.baseline_http = await nodeHttpHello();
      results.figures.baseline_pg_insert = await pgInsertRate(db.url);
      results.figures.baseline_redis_set = await redisSetRate();
    }

    const port = await freePort();
    const key = generateKey();
    // Production topology: the api (sandbox mounted in it) and a separate worker process, sharing PostgreSQL + Redis.
    const env = { DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: `kdvbench${crypto.randomBytes(3).toString('hex')}`, LOG_LEVEL: 'warn', ...secrets() };
    const api = await startProcess('api', 'dist/apps/api/src/main.js', { ...env, PORT: String(port), BOOTSTRAP_API_KEY: key });
    procs.push(api);
    // The worker reaches the sandbox mounted in the api, as it would reach a standalone one.
    procs.push(await startProcess('worker', 'dist/apps/worker/src/main.js', { ...env, SANDBOX_URL: `http://127.0.0.1:${port}/sandbox` }, /worker running/i));
    const base = `http://127.0.0.1:${port}`;
    const headers = { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' };
    const call = async (method, p, body) => {
      const r = await fetch(base + p, { method, headers, body: body && JSON.stringify(body) });
      const json = await r.json();
      if (!r.ok) throw new Error(`${method} ${p} → ${r.status} ${JSON.stringify(json)}`);
      return json;
    };
    // Rate limits raised for the bench organization (the only one): we measure the product, not the limiter's
    // refusals. Before the first request, because the api caches a resolved key with its limits for up to 30 s and
    // this write bypasses the product, so nothing tells that cache.
    admin = new pg.Client({ ...PG, database: db.name });
    admin.on('error', () => {}); // dropping the database at the end terminates this session
    await admin.connect();
    await admin.query('UPDATE organization SET rate_limit_writes_per_minute = 100000000, rate_limit_reads_per_minute = 100000000');
    const me = await call('GET', '/v1/me');
    const number = await call('POST', '/v1/phone_numbers', { sandbox: true });
    await call('POST', '/v1/templates/sync', { phone_number_id: number.id });

    if (want('p1')) {
      console.log('P1 accepted POST /v1/messages…');
      const r = await cannon({
        url: `${base}/v1/messages`,
        method: 'POST',
        headers,
        // Templates need no open window; one recipient per request keeps the per-recipient order check honest.
        requests: [
          {
            setupRequest: (req) => ({
              ...req,
              body: JSON.stringify({ phone_number_id: number.id, to: `+62812${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } }),
            }),
          },
        ],
      });
      results.figures.p1_accept = summarize(r);
      if (results.figures.baseline_http) results.figures.p1_accept.ratio_to_http_baseline = +(r.requests.average / results.figures.baseline_http.rps).toFixed(3);
    }

    if (want('p4')) {
      console.log('P4 MCP tools/call vs REST…');
      try {
        const { stdout } = await promisify(execFile)(process.execPath, [path.join(ROOT, 'bench/mcp-vs-rest.mjs')], {
          env: { ...process.env, KDV_API_URL: base, KDV_API_KEY: key },
          maxBuffer: 10 * 1024 * 1024,
        });
        results.figures.p4_mcp_vs_rest = JSON.parse(stdout);
      } catch (err) {
        console.error(`P4 failed: ${err.stderr || err.message}`);
      }
    }

    if (want('p6')) {
      console.log(`P6 reads on ${MESSAGES} messages…`);
      const cnv = await seedMessages(admin, me.id, number.id, MESSAGES);
      const msgId = (await admin.query('SELECT id FROM message WHERE conversation_id = $1 ORDER BY id DESC LIMIT 1', [cnv])).rows[0].id;
      results.figures.p6_get_message = summarize(await cannon({ url: `${base}/v1/messages/${msgId}`, headers }));
      results.figures.p6_conversation_page = summarize(await cannon({ url: `${base}/v1/conversations/${cnv}/messages?limit=50`, headers }));
      results.figures.p6_table_rows = MESSAGES;
    }
  } finally {
    await admin?.end().catch(() => {});
    for (const p of procs.reverse()) await p.stop();
    await db.drop();
  }
  write();
}

/** A large message table in one statement per 100k rows (generate_series), spread over 1,000 conversations. */
async function seedMessages(admin, orgId, phoneNumberId, n) {
  const contacts = 1000;
  await admin.query(
    `INSERT INTO contact (id, organization_id, wa_id, phone, metadata, created_at, updated_at)
     SELECT 'ctc_bench' || lpad(g::text, 17, '0'), $1, '62899' || lpad(g::text, 7, '0'), '+62899' || lpad(g::text, 7, '0'), '{}', now(), now()
     FROM generate_series(1, $2) g`,
    [orgId, contacts],
  );
  await admin.query(
    `INSERT INTO conversation (id, organization_id, phone_number_id, contact_id, status, unread_count, last_message_at, created_at, updated_at)
     SELECT 'cnv_bench' || lpad(g::text, 17, '0'), $1, $2, 'ctc_bench' || lpad(g::text, 17, '0'), 'open', 0, now(), now(), now()
     FROM generate_series(1, $3) g`,
    [orgId, phoneNumberId, contacts],
  );
  for (let start = 1; start <= n; start += 100_000) {
    const end = Math.min(n, start + 99_999);
    await admin.query(
      `INSERT INTO message (id, organization_id, phone_number_id, conversation_id, contact_id, direction, type, content, body, status, created_at, updated_at)
       SELECT 'msg_bench' || lpad(g::text, 17, '0'), $1, $2, 'cnv_bench' || lpad((g % $3 + 1)::text, 17, '0'), 'ctc_bench' || lpad((g % $3 + 1)::text, 17, '0'),
              'outbound', 'text', jsonb_build_object('body', 'bench message ' || g), 'bench message ' || g, 'read', now(), now()
       FROM generate_series($4::int, $5::int) g`,
      [orgId, phoneNumberId, contacts, start, end],
    );
  }
  await admin.query('ANALYZE message');
  return 'cnv_bench' + '1'.padStart(17, '0');
}

function write() {
  const dir = path.join(ROOT, 'bench/results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${results.started_at.replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify(results, null, 2));
  const f = results.figures;
  const rows = [
    ['baseline: node:http hello', f.baseline_http && `${f.baseline_http.rps} req/s, p99 ${f.baseline_http.p99_ms} ms`, '—'],
    ['baseline: PostgreSQL one-row INSERT', f.baseline_pg_insert && `${f.baseline_pg_insert.inserts_per_s}/s`, '—'],
    ['baseline: Redis SET', f.baseline_redis_set && `${f.baseline_redis_set.sets_per_s}/s`, '—'],
    ['P1 accepted POST /v1/messages (goal ≥ 2,000/s, p99 ≤ 100 ms)', f.p1_accept && `${f.p1_accept.rps}/s, p50 ${f.p1_accept.p50_ms} ms, p99 ${f.p1_accept.p99_ms} ms, non-2xx ${f.p1_accept.non2xx}`, f.p1_accept?.ratio_to_http_baseline ?? '—'],
    ...['send_message', 'get_conversation'].filter((t) => f.p4_mcp_vs_rest?.[t]).map((t) => {
      const r = f.p4_mcp_vs_rest[t];
      return [`P4 MCP ${t} vs its REST twin (goal ratio ≥ 0.75)`, `MCP ${r.mcp_rps}/s vs REST ${r.rest_rps}/s`, `MCP/REST ${r.ratio}`];
    }),
    [`P6 GET /v1/messages/{id} on ${f.p6_table_rows ?? '—'} rows (goal p99 ≤ 10 ms)`, f.p6_get_message && `${f.p6_get_message.rps}/s, p99 ${f.p6_get_message.p99_ms} ms`, f.p6_get_message && f.baseline_http ? +(f.p6_get_message.rps / f.baseline_http.rps).toFixed(3) : '—'],
    ['P6 50-message conversation page (goal p99 ≤ 50 ms)', f.p6_conversation_page && `${f.p6_conversation_page.rps}/s, p99 ${f.p6_conversation_page.p99_ms} ms`, f.p6_conversation_page && f.baseline_http ? +(f.p6_conversation_page.rps / f.baseline_http.rps).toFixed(3) : '—'],
  ];
  const table = ['| figure | result | ratio to http baseline |', '|---|---|---|', ...rows.map((r) => `| ${r[0]} | ${r[1] ?? 'not run'} | ${r[2]} |`)].join('\n');
  console.log(`\n${table}\n\n${file}`);
  const md = path.join(ROOT, 'BENCHMARKS.md');
  const head = `# Benchmarks\n\n\`npm run bench\` (after \`npm run build\`; PostgreSQL and Redis running). Every product figure is reported beside baselines measured in the same run on the same machine, because absolute numbers drift between runs.\n\n`;
  const run = `## Run of ${results.started_at}\n\nMachine: ${results.machine.cpus} × ${results.machine.cpu}, ${results.machine.memory_gb} GiB, Node ${results.machine.node}. Autocannon: 50 connections, ${process.env.BENCH_SECONDS ?? 5} s per figure.\n\n${table}\n`;
  const previous = fs.existsSync(md) ? fs.readFileSync(md, 'utf8').replace(head, '') : '';
  fs.writeFileSync(md, head + run + (previous ? `\n${previous}` : ''));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
