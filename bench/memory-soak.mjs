// Memory: RSS of the api and the worker (VmRSS of the child pids) under a steady P2-style load — template sends
// through POST /v1/messages, delivered by the worker to sandbox numbers whose status webhooks the worker applies —
// for BENCH_SOAK_SECONDS. The load is open loop at BENCH_SOAK_RATE/s, below what the pipeline sustains, so a rising
// RSS means memory kept per message rather than a backlog of requests in flight.
// RSS breathes with garbage collection (tens of MB within seconds), so start and end are medians of windows rather
// than single samples: start = the first tenth of the soak after the warm-up (the first 20 %, at most 60 s: start-up
// allocations and JIT are not a leak), end = its last tenth. Growth = (end − start) ÷ start; the least-squares slope
// after the warm-up says the same in MB per minute. Peak is over the whole soak.
//   BENCH_SOAK_SECONDS=600  BENCH_SOAK_RATE=20  BENCH_SOAK_NUMBERS=2 (cap 400 each)
import { clearInterval, setInterval } from 'node:timers';
import { provisionNumbers, templateSend } from './p2-end-to-end.mjs';
import { httpClient, latencySummary, openLoop, readMetrics, rssMb, settle } from './lib.mjs';

const SECONDS = Number(process.env.BENCH_SOAK_SECONDS ?? 600);
const RATE = Number(process.env.BENCH_SOAK_RATE ?? 20);
const NUMBERS = Number(process.env.BENCH_SOAK_NUMBERS ?? 2);
const SAMPLE_MS = 5000;

const heapMb = (m) =>
  m.nodejs_heap_size_used_bytes ? Math.round(m.nodejs_heap_size_used_bytes / 104857.6) / 10 : null;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2 : null;
};

/** Start / end / peak / growth of one process' samples ({ t ms, mb }). */
function growth(series, warmupMs) {
  const after = series.filter((s) => s.t >= warmupMs);
  const windowMs = Math.max(SAMPLE_MS * 3, (SECONDS * 1000) / 10);
  const start = median(after.filter((s) => s.t < warmupMs + windowMs).map((s) => s.mb));
  const end = median(after.filter((s) => s.t > series.at(-1).t - windowMs).map((s) => s.mb));
  const n = after.length;
  const mt = after.reduce((a, s) => a + s.t, 0) / n;
  const mm = after.reduce((a, s) => a + s.mb, 0) / n;
  const slope =
    after.reduce((a, s) => a + (s.t - mt) * (s.mb - mm), 0) / after.reduce((a, s) => a + (s.t - mt) ** 2, 0);
  return {
    at_soak_start_mb: series[0].mb,
    start_mb: +start.toFixed(1),
    end_mb: +end.toFixed(1),
    peak_mb: Math.max(...series.map((s) => s.mb)),
    growth_pct: +(((end - start) / start) * 100).toFixed(1),
    slope_mb_per_min: +(slope * 60_000).toFixed(2),
  };
}

export async function runMemorySoak(stack) {
  const before = await settle(stack);
  const numbers = await provisionNumbers(stack, NUMBERS, 400);
  const ids = numbers.map((n) => n.id);
  const procs = [stack.api, stack.worker];
  const warmupMs = Math.min(60_000, SECONDS * 200);
  const t0 = Date.now();
  const samples = [];
  // RSS from /proc; V8's used heap from each process' /metrics (prom-client default metrics): a heap that keeps
  // growing is a leak in JS objects, an RSS that grows over a flat heap is the allocator or native memory.
  const heaps = [];
  const pending = new Set();
  const sample = () => {
    const t = Date.now() - t0;
    samples.push({ t, ...Object.fromEntries(procs.map((p) => [p.name, rssMb(p.child.pid)])) });
    const read = Promise.all(procs.map((p) => readMetrics(stack.metricsUrl[p.name]))).then((ms) => {
      heaps.push({ t, ...Object.fromEntries(procs.map((p, i) => [p.name, heapMb(ms[i])])) });
    });
    pending.add(read);
    void read.finally(() => pending.delete(read));
  };
  sample();
  const timer = setInterval(sample, SAMPLE_MS);
  const client = httpClient(stack.base);
  let refused = 0;
  const run = await openLoop({
    rate: RATE,
    seconds: SECONDS,
    fire: async (i) => {
      const r = await client.request('POST', '/v1/messages', {
        headers: stack.headers,
        body: templateSend(numbers[i % numbers.length]),
      });
      if (r.status !== 201 && r.status !== 202) refused++;
    },
  });
  clearInterval(timer);
  sample();
  await Promise.all([...pending]);
  client.close();
  const { rows } = await stack.admin.query(
    `SELECT status, count(*)::int AS n FROM message WHERE phone_number_id = ANY($1) GROUP BY status`,
    [ids],
  );
  const statuses = Object.fromEntries(rows.map((r) => [r.status, r.n]));

  const heapOf = Object.fromEntries(
    procs.map((p) => {
      const series = heaps.filter((h) => h[p.name] !== null).sort((a, b) => a.t - b.t);
      return [
        p.name,
        series.length > 2
          ? growth(
              series.map((h) => ({ t: h.t, mb: h[p.name] })),
              warmupMs,
            )
          : null,
      ];
    }),
  );
  const perProcess = Object.fromEntries(
    procs.map((p) => [
      p.name,
      growth(
        samples.filter((s) => s[p.name] !== null).map((s) => ({ t: s.t, mb: s[p.name] })),
        warmupMs,
      ),
    ]),
  );
  return {
    goal: 'growth < 5 % per process',
    seconds: SECONDS,
    rate: RATE,
    warmup_s: warmupMs / 1000,
    settled_before: before,
    sent: run.sent,
    refused,
    errors: run.failures.length,
    error_samples: [...new Set(run.failures.map((f) => f.error))].slice(0, 3),
    accept: latencySummary(run.latencies),
    // Messages not yet read when the soak ended: a growing backlog would explain growth by queued work.
    statuses_at_end: statuses,
    rss: perProcess,
    heap_used: heapOf,
    samples_every_s: SAMPLE_MS / 1000,
    samples: samples.map((s) => [Math.round(s.t / 1000), ...procs.map((p) => s[p.name])]),
    meets_goal: Object.values(perProcess).every((p) => p.growth_pct < 5),
  };
}
