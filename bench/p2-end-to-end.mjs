// P2 end to end: accepted (POST /v1/messages) → sent to the sandbox by the worker → sent / delivered / read status
// webhooks (emitted by the sandbox mounted in the api to the api's /webhooks/meta) applied by the worker.
// Several sandbox numbers with high caps share the load; the sandbox's ledger (its accept time of every send) is
// the truth for the send rate and for "never above a number's cap in any one-second window" (sliding windows).
//   BENCH_P2_NUMBERS=4  BENCH_P2_CAP=400 (per number, ≤ 1000)  BENCH_P2_SECONDS=20 (load)  BENCH_P2_CONNECTIONS=50
//   BENCH_P2_DRAIN_SECONDS=180 (how long to wait for every accepted message to be read)
import { cannon, cpuSeconds, latencySummary, maxInWindow, pollUntil, sampleRss, settle } from './lib.mjs';

const NUMBERS = Number(process.env.BENCH_P2_NUMBERS ?? 4);
const CAP = Number(process.env.BENCH_P2_CAP ?? 400);
const SECONDS = Number(process.env.BENCH_P2_SECONDS ?? 20);
const CONNECTIONS = Number(process.env.BENCH_P2_CONNECTIONS ?? 50);
const DRAIN_S = Number(process.env.BENCH_P2_DRAIN_SECONDS ?? 180);
const GOAL_PER_S = 1000;

/** Sandbox numbers connected through the product, each with `cap` messages/s (sandbox and product agree). */
export async function provisionNumbers(stack, count, cap) {
  const numbers = [];
  for (let i = 0; i < count; i++) {
    const n = await stack.call('POST', '/v1/phone_numbers', { sandbox: true, throughput_per_second: cap });
    await stack.call('POST', '/v1/templates/sync', { phone_number_id: n.id });
    numbers.push(n);
  }
  return numbers;
}

/** A template send (no 24-hour window needed) to a random recipient: one message per conversation, no pair limit. */
export function templateSend(number) {
  return JSON.stringify({
    phone_number_id: number.id,
    to: `+62813${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`,
    type: 'template',
    template: { name: 'hello_world', language: { code: 'en_US' } },
  });
}

/** Every accept the sandbox recorded for these numbers, as { message id (our biz_opaque_callback_data) → ms }. */
export async function ledgerOf(stack, numbers) {
  const byNumber = {};
  let duplicates = 0;
  for (const n of numbers) {
    const r = await fetch(`${stack.base}/sandbox/_sandbox/ledger?phone_number_id=${n.phone_number_id}`).then((res) =>
      res.json(),
    );
    byNumber[n.id] = r.data.map((e) => ({ id: e.biz_opaque_callback_data, at: Date.parse(e.accepted_at) }));
    duplicates += r.counts.duplicates.length;
  }
  return { byNumber, duplicates };
}

/** Highest count of sandbox accepts in any sliding one-second window, per number, beside its cap. */
export function capCheck(numbers, byNumber) {
  return numbers.map((n) => {
    const peak = maxInWindow(
      byNumber[n.id].map((e) => e.at),
      1000,
    );
    return {
      phone_number_id: n.id,
      cap: n.throughput_per_second,
      sends: byNumber[n.id].length,
      max_in_1s: peak,
      max_over_cap: +(peak / n.throughput_per_second).toFixed(3),
    };
  });
}

/** Outbound rows of these numbers with their timestamps in epoch ms. */
async function messagesOf(stack, numberIds) {
  const { rows } = await stack.admin.query(
    `SELECT id, status, (extract(epoch FROM created_at) * 1000)::float8 AS created, (extract(epoch FROM updated_at) * 1000)::float8 AS updated
       FROM message WHERE phone_number_id = ANY($1) AND direction = 'outbound'`,
    [numberIds],
  );
  return rows;
}

async function statusCounts(stack, numberIds) {
  const { rows } = await stack.admin.query(
    `SELECT status, count(*)::int AS n FROM message WHERE phone_number_id = ANY($1) GROUP BY status`,
    [numberIds],
  );
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

/** The sandbox emitter's counters: POSTs made and updates delivered (several per POST when batched). */
export async function sandboxWebhookCounters(stack) {
  return (await fetch(`${stack.base}/sandbox/_sandbox/webhooks`).then((r) => r.json())).counters;
}

const FINAL = new Set(['read', 'failed', 'canceled']);

export async function runP2(stack) {
  const before = await settle(stack);
  const numbers = await provisionNumbers(stack, NUMBERS, CAP);
  const ids = numbers.map((n) => n.id);
  const procs = [stack.api, stack.worker];
  const cpu0 = Object.fromEntries(procs.map((p) => [p.name, cpuSeconds(p.child.pid)]));
  const rss = sampleRss(procs);
  let turn = 0;

  const hooks0 = await sandboxWebhookCounters(stack);
  const loadStart = Date.now();
  const r = await cannon({
    url: `${stack.base}/v1/messages`,
    method: 'POST',
    headers: stack.headers,
    connections: CONNECTIONS,
    duration: SECONDS,
    requests: [{ setupRequest: (req) => ({ ...req, body: templateSend(numbers[turn++ % numbers.length]) }) }],
  });
  const loadEnd = Date.now();

  // Every accepted message must reach a final status (read, unless something failed) before we read the figures.
  let counts = await pollUntil(
    async () => {
      const c = await statusCounts(stack, ids);
      return Object.entries(c).every(([s]) => FINAL.has(s)) ? c : null;
    },
    DRAIN_S * 1000,
    1000,
  );
  const drained = !!counts;
  counts ??= await statusCounts(stack, ids);
  const drainEnd = Date.now();
  const memory = rss.stop();
  const cpu = Object.fromEntries(procs.map((p) => [p.name, +(cpuSeconds(p.child.pid) - cpu0[p.name]).toFixed(1)]));

  const hooks1 = await sandboxWebhookCounters(stack);
  // Where status latency builds up: the sandbox's POSTs to /webhooks/meta (updates per POST), then the stored event's
  // wait for the worker (received_at → processed_at of inbound_event rows of this window).
  const { rows: events } = await stack.admin.query(
    `SELECT (extract(epoch FROM processed_at - received_at) * 1000)::float8 AS wait FROM inbound_event WHERE received_at >= $1 AND processed_at IS NOT NULL`,
    [new Date(loadStart)],
  );
  const rows = await messagesOf(stack, ids);
  const created = new Map(rows.map((m) => [m.id, m.created]));
  const { byNumber, duplicates } = await ledgerOf(stack, numbers);
  const sends = Object.values(byNumber).flat();
  const sendTimes = sends.map((e) => e.at).sort((a, b) => a - b);
  const read = rows.filter((m) => m.status === 'read');
  const firstAccepted = Math.min(...rows.map((m) => m.created));
  const lastRead = Math.max(...read.map((m) => m.updated));
  const accepted = rows.length;
  const e2eRate = read.length > 1 ? read.length / ((lastRead - firstAccepted) / 1000) : 0;
  const duringLoad = sendTimes.filter((t) => t >= loadStart && t <= loadEnd).length;

  return {
    goal: `≥ ${GOAL_PER_S}/s end to end, never above a number's cap`,
    numbers: NUMBERS,
    cap_per_number: CAP,
    load_seconds: SECONDS,
    connections: CONNECTIONS,
    settled_before: before,
    accepted,
    accept_rate: Math.round(r['2xx'] / SECONDS),
    accept_non2xx: r.non2xx,
    accept_p99_ms: r.latency.p99,
    // Sends the sandbox accepted while the load ran, and over the whole run (first to last send).
    send_rate_during_load: Math.round(duringLoad / SECONDS),
    send_rate_overall:
      sendTimes.length > 1 ? Math.round(sendTimes.length / ((sendTimes.at(-1) - sendTimes[0]) / 1000)) : 0,
    // Accepted → read webhook applied, for the whole batch: the sustained pipeline rate.
    end_to_end_rate: Math.round(e2eRate),
    statuses: counts,
    drained_within_s: drained ? Math.round((drainEnd - loadEnd) / 1000) : null,
    accept_to_sent: latencySummary(sends.filter((e) => created.has(e.id)).map((e) => e.at - created.get(e.id))),
    accept_to_read_applied: latencySummary(read.map((m) => m.updated - m.created)),
    status_webhook_posts: hooks1.posts - hooks0.posts,
    status_updates_per_post: +(
      (hooks1.delivered - hooks0.delivered) /
      Math.max(1, hooks1.posts - hooks0.posts)
    ).toFixed(1),
    inbound_event_wait_for_worker: latencySummary(events.map((e) => e.wait)),
    sandbox_sends: sends.length,
    ledger_duplicates: duplicates,
    per_number: capCheck(numbers, byNumber),
    rss_mb: memory,
    cpu_seconds: cpu,
    cpu_ms_per_message: Object.fromEntries(
      Object.entries(cpu).map(([k, s]) => [k, accepted ? +((s * 1000) / accepted).toFixed(2) : null]),
    ),
    ratio_to_goal: +(e2eRate / GOAL_PER_S).toFixed(3),
    ...(stack.baselines.baseline_pg_insert
      ? { ratio_to_pg_insert_baseline: +(e2eRate / stack.baselines.baseline_pg_insert.inserts_per_s).toFixed(4) }
      : {}),
  };
}
