// P7 Socket.IO: many connected clients, events produced at a steady rate, event latency = receive time − the
// envelope's created_at (stamped when DomainEvents publishes it, after the change committed).
// Clients are socket.io-client sockets (websocket transport, one connection each) held by BENCH_P7_CLIENT_PROCS
// child processes (bench/p7-clients.mjs) so that one client process is not the bottleneck; each holds whole
// organizations. Clients are spread over BENCH_P7_ORGS organizations: every socket joins its organization's room, so
// an event reaches the clients of one organization (a fan-out of CLIENTS / ORGS), as in a multi-tenant dashboard.
// Sources of the events (BENCH_P7_SOURCES, comma-separated; each is its own measurement with fresh connections):
//   webhooks (default): signed inbound-message webhooks to /webhooks/meta, each from a new customer, which the worker
//     ingests and publishes as contact.created + conversation.created + message.received (3 events) through Redis to
//     the api's Socket.IO server: the product's whole realtime path. Webhooks are sent at RATE / 3 per second.
//   emitter: envelopes published straight to the product's Socket.IO Redis channel (what the worker's publisher
//     does), at RATE per second: the api's fan-out at the target rate even when ingest cannot produce it.
// Baseline in the same run (BENCH_P7_BASELINE=0 skips it): a bare Socket.IO server with the same Redis adapter
// (bench/p7-bare-server.mjs), the same clients and the emitter source.
// The fan-out decides the cost: deliveries/s = events/s × clients per organization. 1,000 organizations of 5 clients
// (a small team's dashboards each) make 2,000 deliveries/s at 400 events/s; 100 of 50 make 20,000/s, which the bare
// baseline alone cannot deliver within 200 ms on 2 shared cores with the clients on the same machine.
//   BENCH_P7_CLIENTS=5000  BENCH_P7_ORGS=1000  BENCH_P7_RATE=400 (events/s)  BENCH_P7_SECONDS=20  BENCH_P7_CLIENT_PROCS=2
//   BENCH_P7_SOURCES=webhooks,emitter
import { fork, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Emitter } from '@socket.io/redis-emitter';
import { Redis } from 'ioredis';
import {
  cpuSeconds,
  httpClient,
  inboundTextValue,
  latencySummary,
  messagesWebhook,
  openLoop,
  pollUntil,
  REDIS_URL,
  ROOT,
  rssMb,
  settle,
  signedWebhook,
  sleep,
} from './lib.mjs';

const CLIENTS = Number(process.env.BENCH_P7_CLIENTS ?? 5000);
const ORGS = Number(process.env.BENCH_P7_ORGS ?? 1000);
const RATE = Number(process.env.BENCH_P7_RATE ?? 400);
const SECONDS = Number(process.env.BENCH_P7_SECONDS ?? 20);
const PROCS = Number(process.env.BENCH_P7_CLIENT_PROCS ?? 2);
const SOURCES = (process.env.BENCH_P7_SOURCES ?? 'webhooks,emitter').split(',');
const BASELINE = process.env.BENCH_P7_BASELINE !== '0';
const EVENTS_PER_WEBHOOK = 3;

const dist = (p) => import(path.join(ROOT, 'dist', p));

/** Soft limit of open files of a process: every socket is a descriptor, on both ends. */
function openFilesLimit(pid) {
  const line = fs
    .readFileSync(`/proc/${pid}/limits`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  return Number(line?.split(/\s{2,}/)[1]);
}

/** Organizations with an API key and a connected number each, written as the product writes them (ids, key hash). */
async function seedOrganizations(stack, count) {
  const { newId } = await dist('libs/domain/src/common/ids.js');
  const { generateApiKey, hashApiKey, displayPrefix } = await dist('libs/domain/src/api-keys/api-key-format.js');
  const orgs = [];
  for (let i = 0; i < count; i++) {
    const org = { id: newId('organization'), key: generateApiKey('live') };
    org.number = {
      id: newId('phoneNumber'),
      meta_id: `1${crypto.randomInt(1e14).toString().padStart(14, '0')}`,
      waba_id: `2${crypto.randomInt(1e14).toString().padStart(14, '0')}`,
      display_digits: `1555${String(crypto.randomInt(1e7)).padStart(7, '0')}`,
    };
    await stack.admin.query(`INSERT INTO organization (id, name, updated_at) VALUES ($1, $2, now())`, [
      org.id,
      `P7 bench org ${i}`,
    ]);
    await stack.admin.query(
      `INSERT INTO api_key (id, organization_id, name, hash, display_prefix) VALUES ($1, $2, 'p7', $3, $4)`,
      [newId('apiKey'), org.id, hashApiKey(org.key), displayPrefix(org.key)],
    );
    await stack.admin.query(
      `INSERT INTO phone_number (id, organization_id, meta_phone_number_id, connected_meta_id, waba_id, display_phone_number, access_token_enc, updated_at)
       VALUES ($1, $2, $3, $3, $4, $5, 'not-used-by-inbound-ingest', now())`,
      [org.number.id, org.id, org.number.meta_id, org.number.waba_id, `+${org.number.display_digits}`],
    );
    orgs.push(org);
  }
  return orgs;
}

/** Forks the client processes, each with whole organizations, and connects every client. */
async function connectClients(url, orgs, tokenOf) {
  const children = Array.from({ length: PROCS }, () =>
    fork(path.join(ROOT, 'bench/p7-clients.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
  );
  const shares = children.map(() => []);
  const perOrg = new Map(orgs.map((o) => [o.id, 0]));
  for (let c = 0; c < CLIENTS; c++) {
    const org = orgs[c % orgs.length];
    perOrg.set(org.id, perOrg.get(org.id) + 1);
    shares[(c % orgs.length) % PROCS].push({ token: tokenOf(org), org: org.id });
  }
  const started = Date.now();
  const answers = await Promise.all(
    children.map((child, i) => ask(child, { cmd: 'connect', url, clients: shares[i], concurrency: 100 }, 'connected')),
  );
  return {
    children,
    perOrg,
    connect: {
      ok: answers.reduce((s, a) => s + a.ok, 0),
      failed: answers.reduce((s, a) => s + a.failed, 0),
      errors: [...new Set(answers.flatMap((a) => a.errors))],
      seconds: (Date.now() - started) / 1000,
    },
  };
}

function ask(child, msg, type) {
  return new Promise((resolve, reject) => {
    const onMessage = (m) => {
      if (m.type !== type) return;
      child.off('message', onMessage);
      resolve(m);
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`p7 client process exited ${code} before answering ${msg.cmd}`)));
    child.send(msg);
  });
}

/** Stops the clients and merges what they measured. */
async function collect(children, perOrg) {
  const results = await Promise.all(children.map((c) => ask(c, { cmd: 'stop' }, 'result')));
  const histogram = new Map();
  for (const r of results) for (const [ms, n] of r.histogram) histogram.set(ms, (histogram.get(ms) ?? 0) + n);
  const received = results.reduce((s, r) => s + r.received, 0);
  const events = Object.assign({}, ...results.map((r) => r.events));
  const produced = Object.values(events).reduce((s, n) => s + n, 0);
  const expected = Object.entries(events).reduce((s, [org, n]) => s + n * perOrg.get(org), 0);
  const first = Math.min(...results.map((r) => r.first_created ?? Infinity));
  const last = Math.max(...results.map((r) => r.last_created ?? 0));
  return {
    events_produced: produced,
    events_per_s: last > first ? Math.round(produced / ((last - first) / 1000)) : 0,
    deliveries_expected: expected,
    deliveries_received: received,
    delivery_ratio: expected ? +(received / expected).toFixed(4) : null,
    ...fromHistogram(histogram, received),
    connected_at_end: results.reduce((s, r) => s + r.connected_at_end, 0),
    client_cpu_s: results.map((r) => +r.cpu_s.toFixed(1)),
  };
}

function fromHistogram(histogram, count) {
  const keys = [...histogram.keys()].sort((a, b) => a - b);
  const at = (q) => {
    let seen = 0;
    for (const k of keys) if ((seen += histogram.get(k)) >= Math.ceil(q * count)) return k;
    return null;
  };
  return { p50_ms: at(0.5), p99_ms: at(0.99), max_ms: keys.at(-1) ?? null };
}

/** A message.received envelope of the product's shape and size, for the emitter source and the baseline. */
function envelope(org, i) {
  const at = new Date().toISOString();
  const message = {
    object: 'message',
    id: `msg_bench${String(i).padStart(17, '0')}`,
    conversation_id: `cnv_bench${String(i).padStart(17, '0')}`,
    contact_id: `ctc_bench${String(i).padStart(17, '0')}`,
    phone_number_id: org.number.id,
    direction: 'inbound',
    type: 'text',
    content: { body: `p7 #${i}: is my order on its way?` },
    body: `p7 #${i}: is my order on its way?`,
    status: 'received',
    wamid: `wamid.${crypto.randomBytes(30).toString('base64')}`,
    source: 'webhook',
    context: null,
    error: null,
    pricing: null,
    created_at: at,
    updated_at: at,
    received_at: at,
    contact: {
      object: 'contact',
      id: `ctc_bench${String(i).padStart(17, '0')}`,
      wa_id: '6281700000000',
      phone: '+6281700000000',
      name: null,
      profile_name: 'Bench Customer',
      metadata: {},
    },
  };
  return {
    id: `evt_${crypto.randomBytes(13).toString('hex')}`,
    type: 'message.received',
    created_at: at,
    organization_id: org.id,
    data: { message },
  };
}

/** Publishes RATE envelopes per second to the organizations' rooms through the Socket.IO Redis channel `key`. */
async function emitterSource(key, orgs) {
  const redis = new Redis(REDIS_URL);
  const emitter = new Emitter(redis, { key }, '/v1');
  const run = await openLoop({
    rate: RATE,
    seconds: SECONDS,
    fire: (i) => {
      const org = orgs[i % orgs.length];
      emitter.to(`org:${org.id}`).emit('message.received', envelope(org, i));
    },
  });
  await redis.quit();
  return { generator_max_late_ms: run.generator_max_late_ms };
}

/** Signed inbound webhooks, one new customer each, at RATE / 3 per second: the worker turns each into 3 events. */
async function webhookSource(stack, orgs) {
  const client = httpClient(stack.base);
  let bad = 0;
  const [cpu0, t0] = [cpuSeconds(stack.api.child.pid), Date.now()];
  const run = await openLoop({
    rate: RATE / EVENTS_PER_WEBHOOK,
    seconds: SECONDS,
    fire: async (i) => {
      const org = orgs[i % orgs.length];
      const value = await inboundTextValue(
        org.number,
        `62817${String(i).padStart(7, '0')}`,
        `p7 #${i}: is my order on its way?`,
      );
      const d = await signedWebhook(stack.env.META_APP_SECRET, messagesWebhook(org.number, value));
      const r = await client.request('POST', '/webhooks/meta', {
        headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': d.signature },
        body: d.raw,
      });
      if (r.status !== 200) bad++;
    },
  });
  client.close();
  const apiBusy = +((cpuSeconds(stack.api.child.pid) - cpu0) / ((Date.now() - t0) / 1000)).toFixed(2);
  // The worker may still be publishing what was stored; wait for it, bounded, so late events are counted.
  await pollUntil(
    async () =>
      (await stack.admin.query(`SELECT count(*)::int AS n FROM inbound_event WHERE status = 'pending'`)).rows[0].n ===
      0,
    60_000,
    500,
  );
  return {
    webhooks: run.sent,
    webhook_non200: bad + run.failures.length,
    webhook_post: latencySummary(run.latencies),
    api_cpu_cores_busy_while_posting: apiBusy,
    generator_max_late_ms: run.generator_max_late_ms,
  };
}

/** One measurement: connect every client, produce for SECONDS, stop, merge. */
async function measure({ url, orgs, tokenOf, produce, serverPid }) {
  const rssBefore = rssMb(serverPid);
  const { children, perOrg, connect } = await connectClients(url, orgs, tokenOf);
  try {
    const rssConnected = rssMb(serverPid);
    await Promise.all(children.map((c) => ask(c, { cmd: 'start' }, 'started')));
    const [cpu0, t0] = [cpuSeconds(serverPid), Date.now()];
    const source = await produce();
    await sleep(2000);
    // Near 1.0: the Socket.IO server's process was CPU-bound (one event loop).
    const busy = +((cpuSeconds(serverPid) - cpu0) / ((Date.now() - t0) / 1000)).toFixed(2);
    return {
      connect,
      server_rss_mb: { before_connect: rssBefore, connected: rssConnected, end: rssMb(serverPid) },
      server_cpu_cores_busy: busy,
      producer: source,
      ...(await collect(children, perOrg)),
    };
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  }
}

async function baseline(orgs) {
  const key = `kdvbench-bare-${crypto.randomBytes(3).toString('hex')}:socket.io`;
  const server = spawn(process.execPath, [path.join(ROOT, 'bench/p7-bare-server.mjs')], {
    env: { ...process.env, BARE_REDIS_URL: REDIS_URL, BARE_KEY: key },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const port = await new Promise((resolve, reject) => {
      server.stdout.once('data', (d) => resolve(Number(String(d).trim())));
      server.once('exit', (c) => reject(new Error(`bare Socket.IO server exited ${c}`)));
    });
    return await measure({
      url: `http://127.0.0.1:${port}`,
      orgs,
      tokenOf: () => 'none',
      produce: () => emitterSource(key, orgs),
      serverPid: server.pid,
    });
  } finally {
    server.kill('SIGTERM');
  }
}

export async function runP7(stack) {
  const need = CLIENTS + 1000;
  const limit = openFilesLimit(stack.api.child.pid);
  if (limit < need)
    throw new Error(
      `the api may open ${limit} files, P7 needs about ${need} (one per socket): raise ulimit -n before npm run bench`,
    );
  const before = await settle(stack);
  const orgs = await seedOrganizations(stack, ORGS);
  const base = BASELINE ? await baseline(orgs) : null;
  const bySource = {};
  for (const source of SOURCES) {
    const m = await measure({
      url: stack.base,
      orgs,
      tokenOf: (org) => org.key,
      produce: () =>
        source === 'emitter' ? emitterSource(`${stack.env.REDIS_PREFIX}:socket.io`, orgs) : webhookSource(stack, orgs),
      serverPid: stack.api.child.pid,
    });
    bySource[source] = {
      ...m,
      ratio_p99_to_baseline: base?.p99_ms && m.p99_ms !== null ? +(m.p99_ms / base.p99_ms).toFixed(2) : null,
    };
  }
  return {
    goal: 'p99 ≤ 200 ms',
    clients: CLIENTS,
    organizations: ORGS,
    clients_per_org: Math.round(CLIENTS / ORGS),
    client_processes: PROCS,
    events_target_per_s: RATE,
    seconds: SECONDS,
    open_files_limit: limit,
    settled_before: before,
    ...bySource,
    baseline_bare_socketio: base,
  };
}
