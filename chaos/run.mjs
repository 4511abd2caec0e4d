#!/usr/bin/env node
// `npm run test:chaos`: the chaos and fault suite. Starts the production topology from dist (2 api, 2 workers, a
// standalone sandbox, PostgreSQL, the suite's own Redis), sends N messages while it kills workers, restarts Redis,
// terminates the database sessions and makes the sandbox fail; then checks the invariants on the sandbox's send
// ledger and the database, runs the scale-out checks, prints a summary, writes chaos/results/<time>.json and exits
// non-zero when an invariant broke. Reduced size by default; `-- --full` or CHAOS_MESSAGES=N for more (README).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { clearInterval, setInterval } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT } from '../bench/lib.mjs';
import { FaultInjector } from './lib/faults.mjs';
import { must, SandboxAdmin } from './lib/http.mjs';
import { evaluate, sendLatency, sendStalls } from './lib/invariants.mjs';
import { sendMessages } from './lib/load.mjs';
import { connectDashboard, startWebhookReceiver } from './lib/observers.mjs';
import { parseOptions, seededRandom } from './lib/options.mjs';
import { summaryText } from './lib/report.mjs';
import { cli, rateLimitAcrossApis, realtimeAcrossApis, realtimeCoverage } from './lib/scale-out.mjs';
import { productProcesses, startTopology, stopTopology } from './lib/topology.mjs';

const opts = parseOptions();
const runId = crypto.randomBytes(3).toString('hex');
const startedAt = new Date();
const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
const resultsDir = path.join(ROOT, 'chaos/results');
const logDir = path.join(resultsDir, `${stamp}-logs`);
fs.mkdirSync(logDir, { recursive: true });
const t0 = Date.now();
const consoleLog = fs.createWriteStream(path.join(resultsDir, `${stamp}.log`));
const say = (text) => {
  console.log(text);
  consoleLog.write(`${text}\n`);
};
const log = (msg) => say(`[chaos ${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${msg}`);

let topo;
let receiver;
const dashboards = [];
let stopping = false;

async function cleanup() {
  for (const d of dashboards) d.close();
  await receiver?.close();
  if (topo) await stopTopology(topo);
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    console.error(`\n${signal}: stopping every process the suite started…`);
    cleanup().finally(() => process.exit(130));
  });
}

async function main() {
  log(`size ${opts.size}: ${opts.messages} messages, ${opts.numbers} numbers × ${opts.capPerSecond}/s, ${opts.recipients} recipients, seed ${opts.seed}`);
  const random = seededRandom(opts.seed);
  const { key } = await cli({}, ['keys', 'generate']);
  topo = await startTopology({ logDir, reconcileAfterMs: opts.reconcileAfterMs, bootstrapKey: key });
  const [apiA] = topo.apis;
  const sandbox = new SandboxAdmin(topo.sandboxUrl);
  log(`topology up: sandbox ${topo.sandboxUrl}, api ${topo.apis.map((a) => a.url).join(' + ')}, 2 workers, redis :${topo.redis.port}, database ${topo.db.name}`);

  const seeded = await seed(apiA, key, sandbox);
  log(`seeded: organization ${seeded.orgId}, numbers ${seeded.numbers.map((n) => n.phone_number_id).join(', ')}, ${seeded.recipients.length} customers wrote in`);

  // The chaos phase: the load and the fault plan run together.
  const capacity = opts.numbers * opts.capPerSecond;
  const deliveryMs = Math.round((opts.messages / (capacity * 0.96)) * 1000);
  const faults = new FaultInjector(topo, sandbox, opts, random, log);
  const plan = faults.plan(deliveryMs);
  log(`chaos: sending at ${Math.round(capacity * 1.3)}/s (capacity ${capacity}/s, delivery ≈ ${Math.round(deliveryMs / 1000)} s); plan: ${plan.map((p) => `${p.kind}@${(p.at / 1000).toFixed(1)}s`).join(', ')}`);
  const progress = setInterval(() => void progressLine(seeded.orgId).then(log).catch(() => undefined), 5_000);
  const lag = sampleSandboxLag(sandbox);
  const [sent] = await Promise.all([
    sendMessages({ apis: topo.apis, key, runId, recipients: seeded.recipients, count: opts.messages, perSecond: capacity * 1.3 }),
    faults.execute(plan),
  ]);
  log(`load done: ${sent.filter((r) => r.outcome === 'accepted').length}/${sent.length} accepted; faults done`);

  const drain = await drainUntilSettled(seeded.orgId, sandbox, opts.drainMs);
  log(`drain: ${drain.settled ? 'settled' : 'TIMED OUT'} after ${(drain.ms / 1000).toFixed(1)} s ${JSON.stringify(drain.counts)}`);
  clearInterval(progress);

  log('scale-out: write rate limit across both api processes…');
  const rateLimit = await rateLimitAcrossApis({ apis: topo.apis, env: { ...topo.env, LOG_LEVEL: 'silent' } });
  log(`scale-out: ${opts.realtimeCalmMessages * 2} messages through both api processes for the realtime check…`);
  const calm = await sendMessages({ apis: topo.apis, key, runId, recipients: seeded.recipients, from: opts.messages, count: opts.realtimeCalmMessages * 2, perSecond: capacity });
  const calmDrain = await drainUntilSettled(seeded.orgId, sandbox, 60_000);
  const realtime = await realtimeAcrossApis({ dashboards, ids: calm.filter((r) => r.id).map((r) => r.id) });

  const report = await collect({ seeded, sandbox, sent, calm, faults, drain, calmDrain, rateLimit, realtime, lag: lag.stop() });
  const file = path.join(resultsDir, `${stamp}.json`);
  fs.writeFileSync(file, JSON.stringify(report, null, 2));
  say(summaryText(report, file));
  return report.passed;
}

/** The organization, its limits, the sandbox numbers, Meta's misbehaviour, the observers and the open windows. */
async function seed(apiA, key, sandbox) {
  const me = await must(apiA.url, key, 'GET', '/v1/me');
  // The load measures delivery under faults, not the API rate limiter (checked separately below).
  await cli({ ...topo.env, LOG_LEVEL: 'silent' }, ['orgs', 'set-limits', '--org', me.id, '--writes', '10000000', '--reads', '10000000']);
  const numbers = [];
  for (let i = 0; i < opts.numbers; i++) numbers.push(await must(apiA.url, key, 'POST', '/v1/phone_numbers', { sandbox: true, throughput_per_second: opts.capPerSecond }));
  // Meta duplicates and reorders webhooks; it retries them for days (here: 12 attempts from 0.5 s, ≈ 17 min).
  await sandbox.setBehavior({ duplicate_rate: 0.25, shuffle: true, delay_ms: [0, 250], webhook_max_attempts: 12, webhook_retry_base_ms: 500 });

  receiver = await startWebhookReceiver();
  await must(apiA.url, key, 'POST', '/v1/webhook_subscriptions', { url: receiver.url, events: ['message.status_updated'] });
  for (const api of topo.apis) dashboards.push(await connectDashboard(api.name, api.url, key));

  // Free-form messages need the customer's 24 h window open: every recipient writes first.
  const recipients = Array.from({ length: opts.recipients }, (_, j) => ({
    phone: `+6281${String(30_000_000 + j * 7_919 + Number.parseInt(runId, 16) % 7_919).padStart(8, '0')}`,
    number: numbers[j % numbers.length],
  })).map((r) => ({ ...r, phoneNumberId: r.number.id }));
  for (let j = 0; j < recipients.length; j += 8)
    await Promise.all(
      recipients.slice(j, j + 8).map((r) => must(apiA.url, key, 'POST', '/v1/sandbox/inbound', { phone_number_id: r.phoneNumberId, from: r.phone, type: 'text', text: { body: 'hello' } })),
    );
  await waitFor(async () => {
    const r = await topo.observer.query('SELECT count(*)::int AS n FROM conversation WHERE organization_id = $1 AND last_inbound_at IS NOT NULL', [me.id]);
    return r.rows[0].n >= recipients.length;
  }, 60_000, 'every customer\'s inbound message to be ingested');
  return { orgId: me.id, numbers, recipients };
}

async function statusCounts(orgId) {
  const r = await topo.observer.query("SELECT status, count(*)::int AS n FROM message WHERE organization_id = $1 AND direction = 'outbound' GROUP BY status ORDER BY status", [orgId]);
  return Object.fromEntries(r.rows.map((x) => [x.status, x.n]));
}

/**
 * How long the sandbox takes to answer a trivial admin call, twice a second: its event loop's lag, which is how far
 * its ledger's timestamps (the per-number cap check's clock) can be off from when sends really arrived.
 */
function sampleSandboxLag(sandbox) {
  const samples = [];
  const timer = setInterval(() => {
    const t = Date.now();
    sandbox.listFaults().then(
      () => samples.push(Date.now() - t),
      () => undefined,
    );
  }, 500);
  return {
    stop() {
      clearInterval(timer);
      const sorted = [...samples].sort((a, b) => a - b);
      const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? null;
      return { samples: sorted.length, p50_ms: q(0.5), p99_ms: q(0.99), max_ms: sorted.at(-1) ?? null };
    },
  };
}

/** Rows by status (queued split into due now / waiting for a retry) and the delivery queue's jobs in Redis. */
async function progressLine(orgId) {
  const counts = await statusCounts(orgId);
  const r = await topo.observer.query(
    "SELECT count(*) FILTER (WHERE next_attempt_at > now())::int AS retry_later FROM message WHERE organization_id = $1 AND status = 'queued'",
    [orgId],
  );
  const jobs = await topo.redis.deliveryJobs(topo.env.REDIS_PREFIX).catch(() => 'redis down');
  return `progress ${JSON.stringify(counts)} queued-with-retry-pending ${r.rows[0].retry_later}; delivery jobs ${JSON.stringify(jobs)}`;
}

/**
 * Waits until every outbound message is terminal and nothing is in flight anywhere (the sandbox's webhooks, the
 * product's inbound events and customer webhook deliveries), or the timeout.
 */
async function drainUntilSettled(orgId, sandbox, timeoutMs) {
  const start = Date.now();
  let counts = {};
  let backlog = {};
  while (Date.now() - start < timeoutMs) {
    try {
      counts = await statusCounts(orgId);
      const open = Object.entries(counts).filter(([s]) => !['read', 'failed', 'canceled'].includes(s)).reduce((n, [, c]) => n + c, 0);
      const hooks = await sandbox.webhooks();
      const rows = await topo.observer.query(
        `SELECT (SELECT count(*) FROM inbound_event WHERE status = 'pending')::int AS inbound_events_pending,
                (SELECT count(*) FROM webhook_delivery WHERE status = 'pending')::int AS customer_webhooks_pending`,
      );
      backlog = { messages_open: open, sandbox_webhooks_pending: hooks.pending + hooks.in_flight, ...rows.rows[0] };
      // Customer webhooks are not waited for: their rows (the status history checked below) exist from the moment
      // the event is published, and an attempt cut short by a fault is retried only after its 2-minute lease.
      const awaited = ['messages_open', 'sandbox_webhooks_pending', 'inbound_events_pending'];
      if (awaited.every((k) => backlog[k] === 0)) return { settled: true, ms: Date.now() - start, counts, backlog };
    } catch {
      // A fault may still be settling; keep waiting until the timeout.
    }
    await sleep(500);
  }
  return { settled: false, ms: Date.now() - start, counts, backlog, stuck: await stuckRows() };
}

/** What kept a drain from settling: the oldest rows still pending, as evidence. */
async function stuckRows() {
  const q = (sql) => topo.observer.query(sql).then((r) => r.rows, (err) => [{ error: err.message }]);
  return {
    inbound_events: await q("SELECT id, status, attempts, error, received_at FROM inbound_event WHERE status = 'pending' ORDER BY received_at LIMIT 5"),
    customer_webhooks: await q("SELECT id, event_type, status, attempts, next_attempt_at, last_status_code, last_error, created_at FROM webhook_delivery WHERE status = 'pending' ORDER BY created_at LIMIT 5"),
  };
}

async function collect({ seeded, sandbox, sent, calm, faults, drain, calmDrain, rateLimit, realtime, lag }) {
  const requests = [...sent, ...calm];
  const { rows: messages } = await topo.observer.query(
    `SELECT m.id, m.status, m.wamid, m.attempts, m.possible_duplicates, m.error_code, m.meta_error_code, m.body,
            m.sent_at, m.delivered_at, m.read_at, m.failed_at, m.created_at, p.meta_phone_number_id
     FROM message m JOIN phone_number p ON p.id = m.phone_number_id
     WHERE m.organization_id = $1 AND m.direction = 'outbound' ORDER BY m.id`,
    [seeded.orgId],
  );
  const { rows: events } = await topo.observer.query(
    `SELECT payload->'data'->'message'->>'id' AS message_id, payload->'data'->>'previous_status' AS previous,
            payload->'data'->'message'->>'status' AS status, created_at
     FROM webhook_delivery WHERE organization_id = $1 AND event_type = 'message.status_updated' ORDER BY created_at, id`,
    [seeded.orgId],
  );
  // The request bodies are left out: the ids and times are what the checks need.
  const ledger = (await sandbox.ledger()).data.map((e) => ({ ...e, body: undefined }));
  const caps = Object.fromEntries(seeded.numbers.map((n) => [n.phone_number_id, opts.capPerSecond]));
  const acceptedIds = new Set(requests.filter((r) => r.outcome === 'accepted').map((r) => r.id));
  const verdict = evaluate({ messages, acceptedIds, ledger, events, caps, faults: faults.events.filter((f) => !f.kind.endsWith('_fault_error')) });

  // One row per request, whatever happened to its answer (Idempotency-Key under faults).
  const rowsPerMarker = new Map();
  for (const m of messages) rowsPerMarker.set(m.body, [...(rowsPerMarker.get(m.body) ?? []), m.id]);
  const doubled = [...rowsPerMarker].filter(([, ids]) => ids.length > 1).map(([marker, ids]) => ({ marker, ids }));
  const unanswered = requests.filter((r) => r.outcome !== 'accepted');
  const orphans = messages.filter((m) => !acceptedIds.has(m.id)).map((m) => ({ id: m.id, marker: m.body, status: m.status }));
  const crashes = productProcesses(topo).flatMap((p) => p.unexpectedExits.map((e) => ({ process: p.name, ...e })));
  const faultErrors = faults.events.filter((f) => f.kind.endsWith('_fault_error'));

  const checks = [
    ...verdict.checks,
    checkOf('one message row per request (idempotent retries)', doubled.length, doubled),
    checkOf('sends refused or never accepted by the API', unanswered.length, unanswered.map((r) => ({ index: r.index, outcome: r.outcome, status: r.status, tries: r.tries, error: r.error }))),
    checkOf('product processes that exited on their own', crashes.length, crashes),
    checkOf('faults that could not be inflicted', faultErrors.length, faultErrors),
    { name: `write rate limit exact across 2 api processes (${rateLimit.admitted} admitted, allowed ${rateLimit.allowed_range.join('–')})`, value: rateLimit.pass ? 0 : 1, limit: 0, pass: rateLimit.pass, evidence: [rateLimit] },
    { name: 'realtime events reach dashboards on either api process', value: realtime.dashboards.reduce((n, d) => n + d.created_missing + d.read_missing, 0), limit: 0, pass: realtime.pass, evidence: realtime.dashboards },
    checkOf('drain finished before its timeout', drain.settled && calmDrain.settled ? 0 : 1, [{ drain, calmDrain }]),
  ];
  return {
    run_id: runId,
    started_at: startedAt.toISOString(),
    wall_s: Math.round((Date.now() - t0) / 1000),
    options: opts,
    passed: checks.every((c) => c.pass),
    checks,
    figures: {
      ...verdict.figures,
      requests: requests.length,
      send_latency: sendLatency(sent, ledger),
      sandbox_lag: lag,
      send_stalls: sendStalls(sent, ledger, faults.events),
      client_tries: countBy(requests, (r) => String(r.tries)),
      rows_without_an_answer: orphans.length,
      rows_without_an_answer_examples: orphans.slice(0, 10),
      drain_ms: drain.ms,
      customer_webhooks_pending_at_end: calmDrain.backlog?.customer_webhooks_pending ?? null,
      sandbox_webhooks: (await sandbox.webhooks()).counters,
      sandbox_rejected_sends: (await sandbox.ledger()).counts.rejected,
      realtime_during_chaos: realtimeCoverage(dashboards, sent.filter((r) => r.id).map((r) => r.id)),
      customer_webhooks_received: { total: receiver.received.total, by_type: receiver.received.byType },
      rate_limit: rateLimit,
      realtime_calm: realtime,
      worker_starts: Object.fromEntries(topo.workers.map((w) => [w.name, w.starts])),
    },
    faults: faults.events.map((f) => ({ ...f, started_at: new Date(f.started_at).toISOString(), ended_at: new Date(f.ended_at).toISOString(), restarted_at: f.restarted_at && new Date(f.restarted_at).toISOString() })),
    logs: path.relative(ROOT, logDir),
  };
}

function checkOf(name, value, evidence) {
  return { name, value, limit: 0, pass: value === 0, evidence: evidence.slice(0, 20) };
}

function countBy(items, key) {
  const out = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}

async function waitFor(probe, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await sleep(250);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

main()
  .then(async (passed) => {
    await cleanup();
    process.exit(passed ? 0 : 1);
  })
  .catch(async (err) => {
    console.error(`\nchaos run failed before its verdict: ${err?.stack ?? err}`);
    await cleanup();
    process.exit(1);
  });
