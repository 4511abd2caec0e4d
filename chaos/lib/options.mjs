// What a chaos run does, from the command line and the environment. Reduced size by default (CI), `--full` for the
// large run; every figure can be overridden on its own (CHAOS_* variables, see chaos/README.md).
import crypto from 'node:crypto';

const REDUCED = {
  messages: 300,
  numbers: 3,
  capPerSecond: 5,
  workerKills: 3,
  redisRestarts: 1,
  pgTerminations: 2,
  sandboxFaultWindows: 1,
  killBothWorkers: false,
  realtimeCalmMessages: 10,
  drainMs: 90_000,
};

const FULL = {
  messages: 2_000,
  numbers: 3,
  capPerSecond: 10,
  workerKills: 6,
  redisRestarts: 2,
  pgTerminations: 3,
  sandboxFaultWindows: 2,
  killBothWorkers: true,
  realtimeCalmMessages: 25,
  drainMs: 180_000,
};

/** Sandbox fault rates during a fault window (CHAOS_RATES="5xx=0.15,timeout=0.03,130429=0.1,131056=0.1"). */
const DEFAULT_RATES = { '5xx': 0.15, timeout: 0.03, 130429: 0.1, 131056: 0.1 };

export function parseOptions(argv = process.argv.slice(2), env = process.env) {
  const full = argv.includes('--full') || env.CHAOS_FULL === '1';
  const base = full ? FULL : REDUCED;
  const flag = (name) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const num = (name, envKey, dflt) => {
    const raw = flag(name) ?? env[envKey];
    if (raw === undefined || raw === '') return dflt;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${envKey} (--${name}) must be a non-negative number, got "${raw}"`);
    return n;
  };
  const messages = Math.round(num('messages', 'CHAOS_MESSAGES', base.messages));
  if (messages < 20) throw new Error('CHAOS_MESSAGES must be at least 20');
  const opts = {
    size: full ? 'full' : 'reduced',
    messages,
    numbers: Math.max(1, Math.round(num('numbers', 'CHAOS_NUMBERS', base.numbers))),
    capPerSecond: Math.max(1, Math.round(num('cap', 'CHAOS_CAP', base.capPerSecond))),
    workerKills: Math.round(num('worker-kills', 'CHAOS_WORKER_KILLS', base.workerKills)),
    redisRestarts: Math.round(num('redis-restarts', 'CHAOS_REDIS_RESTARTS', base.redisRestarts)),
    pgTerminations: Math.round(num('pg-terminations', 'CHAOS_PG_TERMINATIONS', base.pgTerminations)),
    sandboxFaultWindows: Math.round(num('sandbox-faults', 'CHAOS_SANDBOX_FAULT_WINDOWS', base.sandboxFaultWindows)),
    killBothWorkers: base.killBothWorkers,
    realtimeCalmMessages: Math.round(num('realtime-messages', 'CHAOS_REALTIME_MESSAGES', base.realtimeCalmMessages)),
    drainMs: num('drain-ms', 'CHAOS_DRAIN_MS', base.drainMs),
    // Short so that sends lost around a crash are reconciled within the run (production default: 120 s).
    reconcileAfterMs: num('reconcile-ms', 'CHAOS_RECONCILE_MS', 10_000),
    // Longer than the product's 15 s Graph timeout, so a timeout fault really times the send out.
    timeoutFaultMs: num('timeout-fault-ms', 'CHAOS_TIMEOUT_FAULT_MS', 16_000),
    rates: parseRates(env.CHAOS_RATES),
    seed: (flag('seed') ?? env.CHAOS_SEED ?? crypto.randomBytes(4).toString('hex')).toString(),
    keepDatabase: env.CHAOS_KEEP_DB === '1',
  };
  // Recipients: about a dozen messages each, well inside the sandbox pair-rate burst (45), so pair-rate refusals
  // come from the injected faults, not from the load's shape.
  opts.recipients = Math.max(opts.numbers * 2, Math.ceil(messages / 12));
  return opts;
}

function parseRates(raw) {
  if (!raw) return { ...DEFAULT_RATES };
  const out = { ...DEFAULT_RATES };
  for (const part of raw.split(',')) {
    const [k, v] = part.split('=').map((s) => s.trim());
    if (!(k in DEFAULT_RATES)) throw new Error(`CHAOS_RATES: unknown fault "${k}" (known: ${Object.keys(DEFAULT_RATES).join(', ')})`);
    const n = Number(v);
    if (!(n >= 0 && n <= 1)) throw new Error(`CHAOS_RATES: ${k} must be from 0 to 1`);
    out[k] = n;
  }
  return out;
}

/** A small seeded PRNG (mulberry32), so a run's fault schedule can be replayed with CHAOS_SEED. */
export function seededRandom(seed) {
  let a = Number.parseInt(crypto.createHash('sha256').update(String(seed)).digest('hex').slice(0, 8), 16) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
