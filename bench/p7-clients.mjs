// Child process of P7 (bench/p7-socketio.mjs): holds a share of the Socket.IO clients so that one client process is
// not the bottleneck. Driven over IPC:
//   { cmd: 'connect', url, clients: [{ token, org }], concurrency }  → { type: 'connected', ok, failed, errors, seconds }
//   { cmd: 'start' }   start counting (events before it are warm-up)
//   { cmd: 'stop' }    → { type: 'result', histogram, received, events, cpu_s } and exit
// Latency of an event = receive time − the envelope's created_at (stamped by DomainEvents.emit when the event is
// published; same machine, same clock). Histogram in 1 ms buckets up to 60 s.
import { io } from 'socket.io-client';

const MAX_MS = 60_000;
const histogram = new Uint32Array(MAX_MS + 1);
const sockets = [];
/** Distinct event ids per organization, counted on one socket of each organization (its probe). */
const eventsByOrg = new Map();
let measuring = false;
let received = 0;
let firstCreated = Infinity;
let lastCreated = 0;

function record(envelope, probeOrg) {
  if (!measuring) return;
  const created = Date.parse(envelope?.created_at);
  if (!Number.isFinite(created)) return;
  received++;
  histogram[Math.min(MAX_MS, Math.max(0, Date.now() - created))]++;
  if (probeOrg) {
    eventsByOrg.get(probeOrg).add(envelope.id);
    firstCreated = Math.min(firstCreated, created);
    lastCreated = Math.max(lastCreated, created);
  }
}

function connectOne(url, { token, org }, isProbe) {
  return new Promise((resolve) => {
    const socket = io(`${url}/v1`, {
      auth: { token, org },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      timeout: 60_000,
    });
    sockets.push(socket);
    if (isProbe) eventsByOrg.set(org, new Set());
    socket.onAny((_name, envelope) => record(envelope, isProbe ? org : null));
    socket.once('connect', () => resolve(null));
    socket.once('connect_error', (err) => resolve(String(err?.message ?? err)));
  });
}

async function connectAll({ url, clients, concurrency }) {
  const started = Date.now();
  const seen = new Set();
  let next = 0;
  let ok = 0;
  const errors = [];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < clients.length) {
        const c = clients[next++];
        const isProbe = !seen.has(c.org);
        seen.add(c.org);
        const err = await connectOne(url, c, isProbe);
        if (err) errors.push(err);
        else ok++;
      }
    }),
  );
  return {
    type: 'connected',
    ok,
    failed: errors.length,
    errors: [...new Set(errors)].slice(0, 5),
    seconds: (Date.now() - started) / 1000,
  };
}

process.on('message', async (msg) => {
  if (msg.cmd === 'connect') process.send(await connectAll(msg));
  else if (msg.cmd === 'start') {
    measuring = true;
    process.send({ type: 'started' });
  } else if (msg.cmd === 'stop') {
    measuring = false;
    const sparse = [];
    histogram.forEach((n, ms) => n && sparse.push([ms, n]));
    const cpu = process.cpuUsage();
    const events = Object.fromEntries([...eventsByOrg].map(([org, ids]) => [org, ids.size]));
    const connectedAtEnd = sockets.filter((s) => s.connected).length;
    for (const s of sockets) s.disconnect();
    process.send(
      {
        type: 'result',
        histogram: sparse,
        received,
        events,
        connected_at_end: connectedAtEnd,
        // IPC is JSON: Infinity would arrive as null.
        first_created: Number.isFinite(firstCreated) ? firstCreated : null,
        last_created: lastCreated || null,
        cpu_s: (cpu.user + cpu.system) / 1e6,
      },
      () => process.exit(0),
    );
  }
});
