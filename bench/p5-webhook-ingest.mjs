// P5 Meta webhook ingest: signed deliveries to POST /webhooks/meta at a constant arrival rate (open loop: each
// request leaves at its scheduled time whatever the earlier ones are doing, and latency counts from that time).
// Payloads are what Meta posts for a connected number: inbound text messages (shaped by the sandbox's builder) from
// new and returning customers, and sent / delivered / read statuses of messages this number sent (synthetic wamids
// when none exist yet), signed with META_APP_SECRET over Meta's JSON escaping.
// Baseline in the same run: the same generator against a node:http hello server in a child process.
//   BENCH_P5_RATE=1200  BENCH_P5_SECONDS=10  BENCH_P5_DRAIN_SECONDS=180 (for the worker to process what was stored)
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import {
  httpClient,
  inboundTextValue,
  latencySummary,
  messagesWebhook,
  openLoop,
  pollUntil,
  settle,
  signedWebhook,
} from './lib.mjs';

const RATE = Number(process.env.BENCH_P5_RATE ?? 1200);
const SECONDS = Number(process.env.BENCH_P5_SECONDS ?? 10);
const DRAIN_S = Number(process.env.BENCH_P5_DRAIN_SECONDS ?? 180);
const CUSTOMERS = 500;

/** The fields of a connected number that Meta's webhooks name. */
export function webhookNumber(n) {
  return { meta_id: n.phone_number_id, waba_id: n.waba_id, display_digits: n.display_phone_number.replace(/^\+/, '') };
}

/** Precomputed deliveries (built and signed before the clock starts, so the generator only writes bytes). */
async function deliveries(stack, count, tag) {
  const number = webhookNumber(stack.number);
  const { rows: sent } = await stack.admin.query(
    `SELECT id, wamid, contact_id FROM message WHERE phone_number_id = $1 AND direction = 'outbound' AND wamid IS NOT NULL LIMIT 2000`,
    [stack.number.id],
  );
  const out = [];
  let inbound = 0;
  for (let i = 0; i < count; i++) {
    let value;
    if (i % 2 === 0) {
      inbound++;
      const from = `62815${String(i % CUSTOMERS).padStart(7, '0')}`;
      value = await inboundTextValue(
        number,
        from,
        `p5 ${tag} #${i}: is my order on its way?`,
        `Customer ${i % CUSTOMERS}`,
      );
    } else {
      const m = sent.length ? sent[i % sent.length] : null;
      const status = ['sent', 'delivered', 'read'][i % 3];
      value = {
        statuses: [
          {
            id: m?.wamid ?? `wamid.${crypto.randomBytes(24).toString('base64')}`,
            status,
            timestamp: String(Math.floor(Date.now() / 1000)),
            recipient_id: `62816${String(i % CUSTOMERS).padStart(7, '0')}`,
            ...(m ? { biz_opaque_callback_data: m.id } : {}),
            ...(status === 'read'
              ? {}
              : { pricing: { billable: true, pricing_model: 'PMP', type: 'regular', category: 'utility' } }),
          },
        ],
      };
    }
    out.push(await signedWebhook(stack.env.META_APP_SECRET, messagesWebhook(number, value)));
  }
  return { list: out, inbound, statusesOfRealMessages: sent.length > 0 };
}

/** Latency figures of an open-loop run, with the count over one second (the goal says none). */
function figures(run, okStatus) {
  const lat = latencySummary(run.latencies);
  return {
    rate: RATE,
    seconds: SECONDS,
    sent: run.sent,
    ok: okStatus.ok,
    non2xx: okStatus.bad,
    errors: run.failures.length,
    error_samples: [...new Set(run.failures.map((f) => f.error))].slice(0, 3),
    ...lat,
    over_1s: run.latencies.filter((v) => v > 1000).length + run.failures.length,
    generator_max_late_ms: run.generator_max_late_ms,
    achieved_per_s: Math.round(run.sent / run.elapsed_s),
  };
}

/** The same open-loop generator against a bare node:http server (own process): the floor of this machine. */
async function baseline() {
  const code = `require('node:http').createServer((q, s) => { q.resume(); q.on('end', () => { s.setHeader('Content-Type', 'application/json'); s.end('{"received":true}'); }); }).listen(0, '127.0.0.1', function () { process.stdout.write(String(this.address().port) + '\\n'); });`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise((resolve, reject) => {
      child.stdout.once('data', (d) => resolve(Number(String(d).trim())));
      child.once('exit', (c) => reject(new Error(`baseline server exited ${c}`)));
    });
    const client = httpClient(`http://127.0.0.1:${port}`);
    const body = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [{ id: '1', changes: [] }],
      pad: 'x'.repeat(600),
    });
    const status = { ok: 0, bad: 0 };
    const run = await openLoop({
      rate: RATE,
      seconds: Math.min(SECONDS, 5),
      fire: async () => {
        const r = await client.request('POST', '/', { headers: { 'Content-Type': 'application/json' }, body });
        if (r.status === 200) status.ok++;
        else status.bad++;
      },
    });
    client.close();
    return figures(run, status);
  } finally {
    child.kill('SIGTERM');
  }
}

export async function runP5(stack) {
  const before = await settle(stack);
  const base = await baseline();
  const tag = crypto.randomBytes(4).toString('hex');
  const total = Math.round(RATE * SECONDS);
  const { list, inbound, statusesOfRealMessages } = await deliveries(stack, total, tag);
  const client = httpClient(stack.base);
  const count = async () => (await stack.admin.query('SELECT count(*)::int AS n FROM inbound_event')).rows[0].n;
  const sandboxPosts = async () =>
    (await fetch(`${stack.base}/sandbox/_sandbox/webhooks`).then((r) => r.json())).counters.posts;
  const [rows0, posts0] = [await count(), await sandboxPosts()];
  const status = { ok: 0, bad: 0, codes: {} };

  const run = await openLoop({
    rate: RATE,
    seconds: SECONDS,
    fire: async (i) => {
      const d = list[i];
      const r = await client.request('POST', '/webhooks/meta', {
        headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': d.signature },
        body: d.raw,
      });
      if (r.status === 200) status.ok++;
      else {
        status.bad++;
        status.codes[r.status] = (status.codes[r.status] ?? 0) + 1;
      }
    },
  });
  client.close();
  // Stored rows: every 200 promises one. The sandbox's own webhooks (if any arrived meanwhile) are not ours.
  const stored = (await count()) - rows0 - ((await sandboxPosts()) - posts0);

  // Then the worker applies them; the stored inbound messages are the ingested rows.
  const drainStart = Date.now();
  const drained = await pollUntil(
    async () =>
      (await stack.admin.query(`SELECT count(*)::int AS n FROM inbound_event WHERE status = 'pending'`)).rows[0].n ===
      0,
    DRAIN_S * 1000,
    1000,
  );
  const drainS = (Date.now() - drainStart) / 1000;
  const { rows } = await stack.admin.query(
    `SELECT (SELECT count(*) FROM message WHERE direction = 'inbound' AND body LIKE $1)::int AS inbound_messages,
            (SELECT count(*) FROM inbound_event WHERE status = 'pending')::int AS pending,
            (SELECT count(*) FROM inbound_event WHERE status = 'failed')::int AS failed`,
    [`p5 ${tag} #%`],
  );
  const product = figures(run, status);
  return {
    goal: 'p50 ≤ 10 ms, p99 ≤ 25 ms, none over 1 s',
    settled_before: before,
    ...product,
    non2xx_codes: status.codes,
    inbound_sent: inbound,
    statuses_sent: total - inbound,
    statuses_of_real_messages: statusesOfRealMessages,
    inbound_event_rows_stored: stored,
    worker_drained: drained,
    worker_drain_s: Math.round(drainS),
    // The worker consumed from the first delivery on: its rate is over the load and the drain after it.
    worker_ingest_per_s: drained ? Math.round(stored / (run.elapsed_s + drainS)) : null,
    inbound_messages_ingested: rows[0].inbound_messages,
    inbound_events_pending_after_drain: rows[0].pending,
    inbound_events_failed: rows[0].failed,
    baseline_node_http: base,
    ratio_p99_to_baseline: base.p99_ms ? +(product.p99_ms / base.p99_ms).toFixed(2) : null,
  };
}
