// Shared pieces of the benchmarks: child processes of the real product, a fresh database, autocannon runs.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import crypto from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearInterval, setInterval } from 'node:timers';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import autocannon from 'autocannon';
import pg from 'pg';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const PG = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' };
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

export async function freshDatabase() {
  const name = `kdv_bench_${crypto.randomBytes(4).toString('hex')}`;
  const admin = new pg.Client(PG);
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = `postgresql://postgres@127.0.0.1:5432/${name}`;
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/migrate.mjs'), 'deploy'], { env: { ...process.env, DATABASE_URL: url }, stdio: 'pipe' });
  return {
    url,
    name,
    async drop() {
      const c = new pg.Client(PG);
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Starts one of the product's processes from dist and resolves once `ready` matches its output. */
export function startProcess(name, script, env, ready = /listening on|processors|listening/i, execArgv = []) {
  const child = spawn(process.execPath, [...execArgv, path.join(ROOT, script)], { cwd: ROOT, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (d) => {
      out += d.toString();
      if (ready.test(out)) resolve({ child, name, output: () => out, stop: () => stop(child) });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}:\n${out.slice(-4000)}`)));
  });
}

function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  });
}

export function freePort() {
  return new Promise((resolve) => {
    const s = http.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export function cannon(opts) {
  return new Promise((resolve, reject) => {
    autocannon({ connections: 50, duration: Number(process.env.BENCH_SECONDS ?? 5), ...opts }, (err, r) => (err ? reject(err) : resolve(r)));
  });
}

/** The figures we report from an autocannon result. */
export function summarize(r) {
  return {
    rps: Math.round(r.requests.average),
    p50_ms: r.latency.p50,
    p99_ms: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
  };
}

export const secrets = () => ({
  META_APP_SECRET: crypto.randomBytes(16).toString('hex'),
  META_VERIFY_TOKEN: crypto.randomBytes(8).toString('hex'),
  ENCRYPTION_KEY: crypto.randomBytes(32).toString('hex'),
});

// ——— Shared by the end-to-end figures (P2, P3, P5, P7, memory) ———

/** Resident set size of a process in MiB, from /proc/<pid>/status (VmRSS); null once the process is gone. */
export function rssMb(pid) {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Math.round(Number(kb) / 102.4) / 10 : null;
  } catch {
    return null;
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat (clock ticks of 1/100 s). */
export function cpuSeconds(pid) {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return null;
  }
}

/** Samples the RSS of named processes every `intervalMs`; `stop()` returns start / end / peak per process. */
export function sampleRss(procs, intervalMs = 1000) {
  const series = Object.fromEntries(procs.map((p) => [p.name, []]));
  const take = () => {
    for (const p of procs) {
      const mb = rssMb(p.child.pid);
      if (mb !== null) series[p.name].push(mb);
    }
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    series,
    stop() {
      clearInterval(timer);
      take();
      return Object.fromEntries(
        Object.entries(series).map(([name, s]) => [name, { start_mb: s[0] ?? null, end_mb: s.at(-1) ?? null, peak_mb: s.length ? Math.max(...s) : null, samples: s.length }]),
      );
    },
  };
}

/** Prometheus text of a process' /metrics as { 'name{labels}': value }; {} when it cannot be read. */
export async function readMetrics(url) {
  try {
    const text = await fetch(url).then((r) => r.text());
    const out = {};
    for (const line of text.split('\n')) {
      const m = /^([a-zA-Z_:][\w:]*(?:\{[^}]*\})?) (\S+)$/.exec(line);
      if (m) out[m[1]] = Number(m[2]);
    }
    return out;
  } catch {
    return {};
  }
}

/** p50 / p99 / max (and the count) of a list of latencies in ms. */
export function latencySummary(values) {
  const sorted = Float64Array.from(values).sort();
  const at = (q) => (sorted.length ? +sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)].toFixed(1) : null);
  return { count: sorted.length, p50_ms: at(0.5), p99_ms: at(0.99), max_ms: sorted.length ? +sorted[sorted.length - 1].toFixed(1) : null };
}

/** The most timestamps (ms) that fall in any window [t, t + windowMs): a sliding window, stricter than aligned seconds. */
export function maxInWindow(timesMs, windowMs = 1000) {
  const t = Float64Array.from(timesMs).sort();
  let best = 0;
  for (let lo = 0, hi = 0; hi < t.length; hi++) {
    while (t[hi] - t[lo] >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns a truthy value or `timeoutMs` passes; returns the last value either way. */
export async function pollUntil(probe, timeoutMs, intervalMs = 500) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v || Date.now() >= deadline) return v;
    await sleep(intervalMs);
  }
}

/**
 * Open-loop load: `fire(i)` is started at start + i / rate whatever earlier calls are doing (no coordinated
 * omission: a slow answer does not delay the next arrival). Latency is counted from the scheduled time, so a
 * generator that falls behind shows up in the figures instead of hiding. Returns the latencies and the generator's
 * own worst lateness.
 */
export async function openLoop({ rate, seconds, fire }) {
  const total = Math.round(rate * seconds);
  const latencies = new Float64Array(total).fill(NaN);
  const failures = [];
  const inflight = new Set();
  const t0 = performance.now() + 20;
  let next = 0;
  let maxLateMs = 0;
  await new Promise((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (next < total && t0 + (next * 1000) / rate <= now) {
        const i = next++;
        const due = t0 + (i * 1000) / rate;
        maxLateMs = Math.max(maxLateMs, now - due);
        const p = Promise.resolve()
          .then(() => fire(i))
          .then(
            () => (latencies[i] = performance.now() - due),
            (err) => failures.push({ i, ms: performance.now() - due, error: String(err?.message ?? err) }),
          )
          .finally(() => inflight.delete(p));
        inflight.add(p);
      }
      if (next >= total) return resolve();
      setTimeout(tick, Math.max(0, t0 + (next * 1000) / rate - performance.now()));
    };
    tick();
  });
  await Promise.all([...inflight]);
  return { sent: total, latencies: [...latencies].filter((v) => !Number.isNaN(v)), failures, generator_max_late_ms: +maxLateMs.toFixed(1), elapsed_s: +((performance.now() - t0) / 1000).toFixed(2) };
}

/** A keep-alive HTTP client for open-loop load: resolves with { status, body } and rejects on a network error. */
export function httpClient(base, maxSockets = 256) {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const { hostname, port } = new URL(base);
  return {
    request(method, pathname, { headers = {}, body } = {}) {
      return new Promise((resolve, reject) => {
        const req = http.request({ agent, hostname, port, method, path: pathname, headers: body ? { ...headers, 'Content-Length': Buffer.byteLength(body) } : headers, timeout: 30_000 }, (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        });
        req.on('timeout', () => req.destroy(new Error('timeout after 30 s')));
        req.on('error', reject);
        req.end(body);
      });
    },
    close: () => agent.destroy(),
  };
}

/** A Meta webhook delivery as Meta sends it: Meta's JSON escaping, signed with X-Hub-Signature-256 over those bytes. */
export async function signedWebhook(secret, payload) {
  const { metaJson } = await import(path.join(ROOT, 'dist/libs/sandbox/src/meta-json.js'));
  const raw = metaJson(payload);
  return { raw, signature: `sha256=${crypto.createHmac('sha256', secret).update(raw).digest('hex')}` };
}

/** The `messages` change Meta posts for a connected number (the same envelope the sandbox emits). */
export function messagesWebhook(number, value) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: number.waba_id,
        changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: number.display_digits, phone_number_id: number.meta_id }, ...value } }],
      },
    ],
  };
}

/** An inbound text from `from`, shaped by the sandbox's own builder (libs/sandbox inbound-message.builder). */
export async function inboundTextValue(number, from, text, profileName = 'Bench Customer') {
  const { buildInboundMessage } = await import(path.join(ROOT, 'dist/libs/sandbox/src/inbound-message.builder.js'));
  const { message, contact } = buildInboundMessage(
    { phone_number_id: number.meta_id, display_phone_number: number.display_digits },
    { phone_number_id: number.meta_id, from, type: 'text', text: { body: text }, profile_name: profileName },
    () => {
      throw new Error('no media in bench inbound messages');
    },
  );
  return { contacts: [contact], messages: [message] };
}

/**
 * Waits until the pipeline is idle: no outbound message queued or sending, no inbound event pending, the sandbox's
 * webhook queue empty. Figures measured on top of an earlier figure's backlog would measure that backlog.
 */
export async function settle(stack, timeoutMs = 60_000) {
  const started = Date.now();
  const state = async () => {
    const { rows } = await stack.admin.query(
      `SELECT (SELECT count(*) FROM message WHERE status IN ('queued', 'sending'))::int AS outbound, (SELECT count(*) FROM inbound_event WHERE status = 'pending')::int AS inbound`,
    );
    const hooks = await fetch(`${stack.base}/sandbox/_sandbox/webhooks`).then((r) => r.json());
    return { ...rows[0], sandbox_webhooks: hooks.pending + hooks.in_flight };
  };
  let last;
  await pollUntil(async () => {
    last = await state();
    return last.outbound === 0 && last.inbound === 0 && last.sandbox_webhooks === 0;
  }, timeoutMs);
  return { idle: last.outbound === 0 && last.inbound === 0 && last.sandbox_webhooks === 0, waited_s: Math.round((Date.now() - started) / 1000), left: last };
}

/** JSON calls to the api with one key; a non-2xx answer throws with its body. */
export function apiCaller(base, key) {
  const headers = { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' };
  const call = async (method, p, body) => {
    const r = await fetch(base + p, { method, headers, body: body && JSON.stringify(body) });
    const json = await r.json();
    if (!r.ok) throw new Error(`${method} ${p} → ${r.status} ${JSON.stringify(json)}`);
    return json;
  };
  return { headers, call };
}
