#!/usr/bin/env node
// `npm run bench`: every benchmark in one run, each product figure beside a baseline measured in the same run.
// Results: bench/results/<timestamp>.json and the table in BENCHMARKS.md. Needs `npm run build`, PostgreSQL and Redis.
//   BENCH_SECONDS=5 (per autocannon run)  BENCH_MESSAGES=1000000 (P6 table size)  BENCH_ONLY=baselines,p1,p6
//   Figures: baselines p1 p2 p3 memory p7 p5 p4 p6 (run in this order; each module under bench/ documents its own
//   BENCH_* settings). BENCH_SOAK_SECONDS=600 is the memory soak; a short value (e.g. 60) is a smoke run.
import crypto from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { nodeHttpHello, pgInsertRate, redisSetRate } from './baselines.mjs';
import { generateKey } from './keys.mjs';
import { apiCaller, cannon, freePort, freshDatabase, ROOT, REDIS_URL, secrets, settle, startProcess, summarize, PG } from './lib.mjs';
import { runMemorySoak } from './memory-soak.mjs';
import { runP2 } from './p2-end-to-end.mjs';
import { runP3 } from './p3-pacing.mjs';
import { runP5 } from './p5-webhook-ingest.mjs';
import { runP7 } from './p7-socketio.mjs';

const only = process.env.BENCH_ONLY?.split(',');
const want = (name) => !only || only.includes(name);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 1_000_000);
const results = { machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memory_gb: Math.round(os.totalmem() / 2 ** 30), node: process.version }, started_at: new Date().toISOString(), figures: {} };

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
    // BENCH_API_NODE_OPTIONS / BENCH_WORKER_NODE_OPTIONS: e.g. "--import ./bench/cpu-profile.mjs" profiles a run.
    const nodeOptions = (v) => (v ? { NODE_OPTIONS: v, CPU_PROFILE_DIR: process.env.CPU_PROFILE_DIR ?? '/tmp' } : {});
    const api = await startProcess('api', 'dist/apps/api/src/main.js', { ...env, PORT: String(port), BOOTSTRAP_API_KEY: key, ...nodeOptions(process.env.BENCH_API_NODE_OPTIONS) });
    procs.push(api);
    // The worker reaches the sandbox mounted in the api, as it would reach a standalone one.
    // The worker's own /metrics (heap, sends by outcome) is read by the memory soak and P3.
    const workerMetricsPort = await freePort();
    const worker = await startProcess('worker', 'dist/apps/worker/src/main.js', { ...env, SANDBOX_URL: `http://127.0.0.1:${port}/sandbox`, WORKER_METRICS_PORT: String(workerMetricsPort), ...nodeOptions(process.env.BENCH_WORKER_NODE_OPTIONS) }, /worker running/i);
    procs.push(worker);
    const base = `http://127.0.0.1:${port}`;
    const { headers, call } = apiCaller(base, key);
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
    // What the figures in their own modules (P2, P3, P5, P7, memory) need: the running stack and this run's baselines.
    const metricsUrl = { api: `${base}/metrics`, worker: `http://127.0.0.1:${workerMetricsPort}/metrics` };
    const stack = { base, key, headers, call, admin, dbName: db.name, env, api, worker, metricsUrl, organizationId: me.id, number, baselines: results.figures };

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

    // The delivery figures first, each on an idle pipeline (settle): P1 leaves queued sends behind, and P4's sends to
    // one customer wait on Meta's per-recipient pair limit for a long time, so P4 runs after them.
    const figure = async (name, label, run) => {
      if (!want(name)) return;
      console.log(`${label}…`);
      try {
        results.figures[name] = await run(stack);
      } catch (err) {
        console.error(`${label} failed: ${err.stack ?? err}`);
        results.figures[name] = { error: String(err.message ?? err) };
      }
    };
    await figure('p2', 'P2 end to end (accepted → sent → read applied)', runP2);
    await figure('p3', 'P3 pacing of one number with a backlog', runP3);
    await figure('memory', 'memory: api and worker RSS over a soak', runMemorySoak);
    await figure('p7', 'P7 Socket.IO event latency', runP7);
    await figure('p5', 'P5 Meta webhook ingest at a constant arrival rate', runP5);
    if (want('p4') || want('p6')) await settle(stack, 60_000);

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
    ...newFigureRows(f),
  ];
  const table = ['| figure | result | ratio to same-run baseline (http unless named) |', '|---|---|---|', ...rows.map((r) => `| ${r[0]} | ${r[1] ?? 'not run'} | ${r[2]} |`)].join('\n');
  console.log(`\n${table}\n\n${file}`);
  const md = path.join(ROOT, 'BENCHMARKS.md');
  const head = `# Benchmarks\n\n\`npm run bench\` (after \`npm run build\`; PostgreSQL and Redis running). Every product figure is reported beside baselines measured in the same run on the same machine, because absolute numbers drift between runs.\n\n`;
  const run = `## Run of ${results.started_at}\n\nMachine: ${results.machine.cpus} × ${results.machine.cpu}, ${results.machine.memory_gb} GiB, Node ${results.machine.node}. Autocannon: 50 connections, ${process.env.BENCH_SECONDS ?? 5} s per figure (P2–P7 and memory: their own durations, in bench/results).\n\n${table}\n`;
  const previous = fs.existsSync(md) ? fs.readFileSync(md, 'utf8').replace(head, '') : '';
  fs.writeFileSync(md, head + run + (previous ? `\n${previous}` : ''));
}

/** Rows of P2, P3, memory, P7 and P5 (each figure's JSON in bench/results has the details). */
function newFigureRows(f) {
  const failed = (x) => x?.error && `failed: ${x.error}`;
  const p2 = f.p2, p3 = f.p3, mem = f.memory, p7 = f.p7, p5 = f.p5;
  const worstCap = p2?.per_number ? Math.max(...p2.per_number.map((n) => n.max_over_cap)) : null;
  const rss = (r) => r && Object.entries(r).map(([name, m]) => `${name} ${m.start_mb}→${m.end_mb} MB (peak ${m.peak_mb})`).join(', ');
  return [
    [
      `P2 end to end accepted → sent → read applied, ${p2?.numbers ?? '—'} numbers (goal ≥ 1,000/s, never above a number's cap)`,
      failed(p2) || (p2 && `${p2.end_to_end_rate}/s end to end (sends ${p2.send_rate_during_load}/s during load, accepts ${p2.accept_rate}/s); accept→sent p50 ${p2.accept_to_sent.p50_ms} ms p99 ${p2.accept_to_sent.p99_ms} ms; accept→read applied p99 ${p2.accept_to_read_applied.p99_ms} ms; busiest 1 s window ${worstCap} × cap; ${p2.drained_within_s === null ? 'NOT drained' : `drained ${p2.drained_within_s} s after load`}`),
      p2?.ratio_to_pg_insert_baseline !== undefined ? `${p2.ratio_to_pg_insert_baseline} of PG INSERT/s; ${p2.ratio_to_goal} of goal` : (p2?.ratio_to_goal ?? '—'),
    ],
    ['P2 RSS during load (start→end, peak)', p2 && !p2.error ? rss(p2.rss_mb) : undefined, '—'],
    [
      `P3 pacing, one number cap ${p3?.cap ?? '—'}/s, backlog ${p3?.messages ?? '—'} (goal peak ≤ 1.00 × cap, utilisation ≥ 98 %)`,
      failed(p3) || (p3 && `peak ${p3.peak_in_1s} in 1 s = ${p3.peak_over_cap} × cap; utilisation ${(p3.utilisation * 100).toFixed(1)} % (${p3.achieved_per_s}/s over ${p3.backlog_span_s} s, ${p3.sends} sends)`),
      p3?.utilisation ?? '—',
    ],
    [
      `memory soak ${mem?.seconds ?? '—'} s at ${mem?.rate ?? '—'} sends/s (goal growth < 5 %)`,
      failed(mem) || (mem && Object.entries(mem.rss).map(([name, m]) => `${name} RSS ${m.start_mb}→${m.end_mb} MB (${m.growth_pct >= 0 ? '+' : ''}${m.growth_pct} %, peak ${m.peak_mb}${mem.heap_used?.[name] ? `; heap used ${mem.heap_used[name].start_mb}→${mem.heap_used[name].end_mb} MB` : ''})`).join('; ')),
      '—',
    ],
    ...['webhooks', 'emitter'].filter((src) => p7?.[src] || (src === 'webhooks' && !p7?.emitter)).map((src) => {
      const m = p7?.[src];
      const base = p7?.baseline_bare_socketio;
      return [
        `P7 Socket.IO ${p7?.clients ?? '—'} clients in ${p7?.organizations ?? '—'} orgs, target ${p7?.events_target_per_s ?? '—'} events/s from ${src} (goal p99 ≤ 200 ms)`,
        failed(p7) || (m && `${m.events_per_s} events/s produced, ${m.deliveries_received} deliveries (ratio ${m.delivery_ratio}); p50 ${m.p50_ms} ms, p99 ${m.p99_ms} ms, max ${m.max_ms} ms; ${m.connect.ok} connected in ${m.connect.seconds} s`),
        base && m ? `p99 ${m.ratio_p99_to_baseline} × bare Socket.IO at ${base.events_per_s} events/s (p99 ${base.p99_ms} ms)` : '—',
      ];
    }),
    [
      `P5 Meta webhook ingest, ${p5?.rate ?? '—'}/s open loop (goal p50 ≤ 10 ms, p99 ≤ 25 ms, none over 1 s)`,
      failed(p5) || (p5 && `${p5.achieved_per_s}/s, p50 ${p5.p50_ms} ms, p99 ${p5.p99_ms} ms, max ${p5.max_ms} ms, over 1 s ${p5.over_1s}, non-2xx ${p5.non2xx}; ${p5.inbound_event_rows_stored} rows stored, ${p5.inbound_messages_ingested}/${p5.inbound_sent} inbound messages ingested (worker ${p5.worker_ingest_per_s ?? 'did not drain'}/s)`),
      p5?.baseline_node_http ? `p99 ${p5.ratio_p99_to_baseline} × node:http at the same rate (p99 ${p5.baseline_node_http.p99_ms} ms)` : '—',
    ],
  ];
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
