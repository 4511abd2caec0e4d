// P3 pacing: one number with a backlog. All messages are accepted as scheduled sends due at the same moment, so at
// that moment the worker faces the whole backlog at once (like a campaign) and only the per-number pacing of
// message-delivery decides the send rate. Measured from the sandbox ledger's accept times:
//   peak = the most sends in any sliding one-second window ÷ cap (must be ≤ 1.00)
//   utilisation = sends ÷ (last − first send) ÷ cap (goal ≥ 98 %)
//   BENCH_P3_CAP=80  BENCH_P3_MESSAGES=1500  BENCH_P3_LEAD_SECONDS=60 (send_at = start + lead; accepting must finish
//   before it)  BENCH_P3_ACCEPT_CONCURRENCY=20  BENCH_P3_DRAIN_SECONDS=120 (after send_at, for the backlog to empty)
import { ledgerOf, provisionNumbers, capCheck } from './p2-end-to-end.mjs';
import { cpuSeconds, latencySummary, pollUntil, readMetrics, settle, sleep } from './lib.mjs';

const CAP = Number(process.env.BENCH_P3_CAP ?? 80);
const MESSAGES = Number(process.env.BENCH_P3_MESSAGES ?? 1500);
const LEAD_S = Number(process.env.BENCH_P3_LEAD_SECONDS ?? 60);
const CONCURRENCY = Number(process.env.BENCH_P3_ACCEPT_CONCURRENCY ?? 20);
const DRAIN_S = Number(process.env.BENCH_P3_DRAIN_SECONDS ?? 120);

/** Accepts `count` scheduled template sends with `concurrency` in flight; returns how many were accepted and why not. */
async function acceptScheduled(stack, number, count, sendAt) {
  let next = 0;
  let accepted = 0;
  const refused = {};
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const i = next++;
        const r = await fetch(`${stack.base}/v1/messages`, {
          method: 'POST',
          headers: stack.headers,
          body: JSON.stringify({
            phone_number_id: number.id,
            to: `+62814${String(i).padStart(8, '0')}`,
            type: 'template',
            template: { name: 'hello_world', language: { code: 'en_US' } },
            send_at: sendAt.toISOString(),
          }),
        });
        const body = await r.json().catch(() => ({}));
        if (r.ok) accepted++;
        else refused[body?.error?.code ?? r.status] = (refused[body?.error?.code ?? r.status] ?? 0) + 1;
      }
    }),
  );
  return { accepted, refused };
}

/** kdv_message_sends_total of the worker by outcome (sent, throttled, retried, failed). */
async function sendOutcomes(stack) {
  const m = await readMetrics(stack.metricsUrl.worker);
  return Object.fromEntries(
    Object.entries(m)
      .filter(([k]) => k.startsWith('kdv_message_sends_total{'))
      .map(([k, v]) => [/outcome="([^"]+)"/.exec(k)?.[1] ?? k, v]),
  );
}

export async function runP3(stack) {
  const before = await settle(stack);
  const [number] = await provisionNumbers(stack, 1, CAP);
  const sendAt = new Date(Date.now() + LEAD_S * 1000);
  const acceptStart = Date.now();
  const { accepted, refused } = await acceptScheduled(stack, number, MESSAGES, sendAt);
  const acceptSeconds = (Date.now() - acceptStart) / 1000;
  const backlogAtSendAt = Date.now() < sendAt.getTime();
  await sleep(Math.max(0, sendAt.getTime() - Date.now()));
  const procs = [stack.api, stack.worker];
  const cpu0 = procs.map((p) => cpuSeconds(p.child.pid));
  const sends0 = await sendOutcomes(stack);
  const drainStart = Date.now();

  const done = await pollUntil(
    async () => {
      const { rows } = await stack.admin.query(
        `SELECT count(*)::int AS n FROM message WHERE phone_number_id = $1 AND status IN ('scheduled', 'queued', 'sending')`,
        [number.id],
      );
      return rows[0].n === 0;
    },
    DRAIN_S * 1000,
    500,
  );

  // CPU the api and worker used per second while the backlog drained: near 1.0 means that process was the limit.
  const busy = Object.fromEntries(
    procs.map((p, i) => [
      p.name,
      +((cpuSeconds(p.child.pid) - cpu0[i]) / ((Date.now() - drainStart) / 1000)).toFixed(2),
    ]),
  );
  const sends1 = await sendOutcomes(stack);
  const outcomes = Object.fromEntries(Object.keys(sends1).map((k) => [k, sends1[k] - (sends0[k] ?? 0)]));
  const { byNumber, duplicates } = await ledgerOf(stack, [number]);
  const times = byNumber[number.id].map((e) => e.at).sort((a, b) => a - b);
  const [check] = capCheck([number], byNumber);
  const spanS = times.length > 1 ? (times.at(-1) - times[0]) / 1000 : 0;
  // n sends span n − 1 intervals: the achieved rate is intervals per second.
  const achieved = spanS > 0 ? (times.length - 1) / spanS : 0;
  const perSecond = [];
  for (const t of times)
    perSecond[Math.floor((t - times[0]) / 1000)] = (perSecond[Math.floor((t - times[0]) / 1000)] ?? 0) + 1;
  return {
    goal: 'peak ≤ 1.00 × cap, utilisation ≥ 98 %',
    cap: CAP,
    messages: MESSAGES,
    settled_before: before,
    accepted,
    refused,
    accept_seconds: +acceptSeconds.toFixed(1),
    whole_backlog_accepted_before_send_at: backlogAtSendAt,
    drained: done,
    sends: times.length,
    ledger_duplicates: duplicates,
    first_send_after_send_at_ms: times.length ? times[0] - sendAt.getTime() : null,
    backlog_span_s: +spanS.toFixed(2),
    achieved_per_s: +achieved.toFixed(2),
    peak_in_1s: check.max_in_1s,
    peak_over_cap: check.max_over_cap,
    utilisation: +(achieved / CAP).toFixed(4),
    // Sends per aligned second from the first send: shows a slow start or a tail at a glance.
    sends_per_second: perSecond.map((n) => n ?? 0),
    cpu_cores_busy_while_draining: busy,
    // The worker's kdv_message_sends_total while draining: `throttled` counts delivery attempts the pacing bucket
    // turned away (each one re-read the message and re-queued the job).
    worker_send_outcomes: outcomes,
    send_gap: latencySummary(times.slice(1).map((t, i) => t - times[i])),
  };
}
