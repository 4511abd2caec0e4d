import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Thrown when the environment is invalid; the message names the offending key. */
export class ConfigError extends Error {
  constructor(
    readonly key: string,
    problem: string,
  ) {
    super(`Invalid configuration: ${key} ${problem}`);
  }
}

/**
 * The one validated configuration object. Nothing else in the code base reads process.env.
 * Built once at boot with `AppConfig.fromEnv()`; tests build it from an explicit record.
 */
export class AppConfig {
  readonly port: number;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly redisUrl: string | undefined;
  /** Prefix of every BullMQ queue and Redis key, so environments (and test files) sharing a Redis never collide. */
  readonly redisPrefix: string;
  readonly bootstrapApiKey: string | undefined;
  readonly logLevel: LogLevel;
  readonly metaGraphUrl: string;
  readonly metaGraphVersion: string;
  readonly metaAppSecret: string;
  readonly metaVerifyToken: string;
  /** 32-byte key for AES-256-GCM encryption of secrets at rest. */
  readonly encryptionKey: Buffer;
  /** Base URL of a standalone sandbox; unset means the sandbox is mounted in this process at /sandbox. */
  readonly sandboxUrl: string | undefined;
  /** Where this process' own HTTP server is reachable (the mounted sandbox posts webhooks here). */
  readonly selfUrl: string;
  /** Standalone sandbox only: where it posts Meta-style webhooks. */
  readonly sandboxWebhookUrl: string | undefined;
  /** Standalone sandbox only: its HTTP port. */
  readonly sandboxPort: number;
  /** Where the sandbox keeps its numbers, templates and media metadata; default `${dataDir}/sandbox-state.json` when embedded. */
  readonly sandboxStateFile: string | undefined;
  /** True when META_APP_SECRET came from the environment (not generated for the embedded default). */
  readonly metaAppSecretFromEnv: boolean;
  readonly mcpAllowedOrigins: string[];
  readonly webhooksAllowPrivateTargets: boolean;
  /** Delays between customer webhook attempts (WEBHOOK_RETRY_SCHEDULE_MS, comma-separated); attempts = length + 1. */
  readonly webhookRetryScheduleMs: readonly number[];
  readonly bodyLimit: string;
  /** Run queue processors inside this process (always true for the in-process queue driver). */
  readonly runProcessors: boolean;
  /** Periodic sweeps (recovery, reconciliation, scheduled sends). */
  readonly sweepIntervalMs: number;
  /** A `sending` message with no answer recorded for this long is reconciled (resent if Meta never echoed it). */
  readonly reconcileAfterMs: number;
  /** How often a message queued on a paused number checks whether its number was resumed, and how long it waits. */
  readonly pausedNumberRecheckMs: number;
  readonly pausedNumberHoldMs: number;
  /** How often the retention job (maintenance task `retention`) is enqueued where processors run. */
  readonly retentionIntervalMs: number;
  readonly shutdownTimeoutMs: number;
  /** Worker processes serve Prometheus metrics on this port when set (they have no HTTP server otherwise). */
  readonly workerMetricsPort: number | undefined;

  constructor(env: Record<string, string | undefined>) {
    const read = (key: string) => {
      const v = env[key];
      return v === undefined || v.trim() === '' ? undefined : v.trim();
    };
    this.port = int(read('PORT'), 'PORT', 3000, 0, 65535);
    this.dataDir = path.resolve(read('DATA_DIR') ?? './.data');
    this.databaseUrl = url(read('DATABASE_URL'), 'DATABASE_URL', ['postgres:', 'postgresql:']);
    this.redisUrl = url(read('REDIS_URL'), 'REDIS_URL', ['redis:', 'rediss:']);
    this.redisPrefix = read('REDIS_PREFIX') ?? 'kdv';
    if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(this.redisPrefix)) throw new ConfigError('REDIS_PREFIX', 'must be 1-64 of [A-Za-z0-9_.:-]');
    this.bootstrapApiKey = read('BOOTSTRAP_API_KEY');
    const level = (read('LOG_LEVEL') ?? 'info') as LogLevel;
    if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(level))
      throw new ConfigError('LOG_LEVEL', 'must be one of fatal, error, warn, info, debug, trace, silent');
    this.logLevel = level;
    this.metaGraphUrl = (url(read('META_GRAPH_URL'), 'META_GRAPH_URL', ['http:', 'https:']) ?? 'https://graph.facebook.com').replace(/\/+$/, '');
    this.metaGraphVersion = read('META_GRAPH_VERSION') ?? 'v24.0';
    if (!/^v\d+\.\d+$/.test(this.metaGraphVersion)) throw new ConfigError('META_GRAPH_VERSION', 'must look like v24.0');
    this.sandboxUrl = url(read('SANDBOX_URL'), 'SANDBOX_URL', ['http:', 'https:'])?.replace(/\/+$/, '');
    this.sandboxWebhookUrl = url(read('SANDBOX_WEBHOOK_URL'), 'SANDBOX_WEBHOOK_URL', ['http:', 'https:']);
    this.sandboxPort = int(read('SANDBOX_PORT'), 'SANDBOX_PORT', 4010, 0, 65535);
    const stateFile = read('SANDBOX_STATE_FILE');
    this.sandboxStateFile = stateFile === undefined ? undefined : path.resolve(stateFile);
    this.selfUrl = (read('SELF_URL') ?? `http://127.0.0.1:${this.port}`).replace(/\/+$/, '');
    this.mcpAllowedOrigins = (read('MCP_ALLOWED_ORIGINS') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    this.webhooksAllowPrivateTargets = bool(read('WEBHOOKS_ALLOW_PRIVATE_TARGETS'), 'WEBHOOKS_ALLOW_PRIVATE_TARGETS', false);
    this.webhookRetryScheduleMs = msList(read('WEBHOOK_RETRY_SCHEDULE_MS'), 'WEBHOOK_RETRY_SCHEDULE_MS', DEFAULT_WEBHOOK_RETRY_SCHEDULE_MS);
    this.bodyLimit = read('BODY_LIMIT') ?? '4mb';
    this.runProcessors = bool(read('RUN_PROCESSORS'), 'RUN_PROCESSORS', !this.redisUrl);
    this.sweepIntervalMs = int(read('SWEEP_INTERVAL_MS'), 'SWEEP_INTERVAL_MS', 5_000, 100, 3_600_000);
    this.reconcileAfterMs = int(read('RECONCILE_AFTER_MS'), 'RECONCILE_AFTER_MS', 120_000, 1_000, 86_400_000);
    this.pausedNumberRecheckMs = int(read('PAUSED_NUMBER_RECHECK_MS'), 'PAUSED_NUMBER_RECHECK_MS', 30_000, 500, 3_600_000);
    this.pausedNumberHoldMs = int(read('PAUSED_NUMBER_HOLD_MS'), 'PAUSED_NUMBER_HOLD_MS', 86_400_000, 0, 30 * 86_400_000);
    this.retentionIntervalMs = int(read('RETENTION_INTERVAL_MS'), 'RETENTION_INTERVAL_MS', 15 * 60_000, 1_000, 86_400_000);
    this.shutdownTimeoutMs = int(read('SHUTDOWN_TIMEOUT_MS'), 'SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000);
    this.workerMetricsPort = read('WORKER_METRICS_PORT') === undefined ? undefined : int(read('WORKER_METRICS_PORT'), 'WORKER_METRICS_PORT', 0, 0, 65535);

    // Secrets: explicit values win; the embedded default generates them once and keeps them in the data dir.
    const secrets = this.embedded ? loadOrCreateSecrets(this.dataDir) : undefined;
    this.metaAppSecretFromEnv = read('META_APP_SECRET') !== undefined;
    this.metaAppSecret = read('META_APP_SECRET') ?? secrets?.metaAppSecret ?? required('META_APP_SECRET');
    this.metaVerifyToken = read('META_VERIFY_TOKEN') ?? secrets?.metaVerifyToken ?? required('META_VERIFY_TOKEN');
    const key = read('ENCRYPTION_KEY') ?? secrets?.encryptionKey ?? required('ENCRYPTION_KEY');
    this.encryptionKey = parseKey(key);
  }

  static fromEnv(env: Record<string, string | undefined> = process.env): AppConfig {
    return new AppConfig(env);
  }

  /** No DATABASE_URL: PGlite under DATA_DIR, secrets generated and kept there. */
  get embedded(): boolean {
    return !this.databaseUrl;
  }

  get queueDriver(): 'bullmq' | 'in-process' {
    return this.redisUrl ? 'bullmq' : 'in-process';
  }

  /** Where sandbox numbers' Graph API lives. */
  get sandboxGraphUrl(): string {
    return this.sandboxUrl ?? `${this.selfUrl}/sandbox`;
  }

  get sandboxMounted(): boolean {
    return !this.sandboxUrl;
  }
}

function required(key: string): never {
  throw new ConfigError(key, 'is required when DATABASE_URL is set (production mode)');
}

function int(v: string | undefined, key: string, dflt: number, min: number, max: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(key, `must be an integer from ${min} to ${max}`);
  return n;
}

/** ≈ 3 days in 11 attempts: quick retries for blips, then hours apart for outages (Stripe/Svix-like). */
export const DEFAULT_WEBHOOK_RETRY_SCHEDULE_MS: readonly number[] = [
  5_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 5 * 3_600_000, 10 * 3_600_000, 10 * 3_600_000, 10 * 3_600_000, 14 * 3_600_000, 20 * 3_600_000,
];

function msList(v: string | undefined, key: string, dflt: readonly number[]): readonly number[] {
  if (v === undefined) return dflt;
  const parts = v.split(',').map((s) => s.trim());
  const max = 7 * 86_400_000;
  if (parts.length > 30 || parts.some((p) => !/^\d+$/.test(p) || Number(p) > max))
    throw new ConfigError(key, `must be 1-30 comma-separated integers from 0 to ${max}`);
  return parts.map(Number);
}

function bool(v: string | undefined, key: string, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (['true', '1', 'yes'].includes(v.toLowerCase())) return true;
  if (['false', '0', 'no'].includes(v.toLowerCase())) return false;
  throw new ConfigError(key, 'must be true or false');
}

function url(v: string | undefined, key: string, protocols: string[]): string | undefined {
  if (v === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(v);
  } catch {
    throw new ConfigError(key, 'is not a valid URL');
  }
  if (!protocols.includes(parsed.protocol)) throw new ConfigError(key, `must use ${protocols.join(' or ')}`);
  return v;
}

function parseKey(v: string): Buffer {
  const buf = /^[0-9a-fA-F]{64}$/.test(v) ? Buffer.from(v, 'hex') : Buffer.from(v, 'base64');
  if (buf.length !== 32) throw new ConfigError('ENCRYPTION_KEY', 'must be 32 bytes, as 64 hex characters or base64');
  return buf;
}

interface EmbeddedSecrets {
  metaAppSecret: string;
  metaVerifyToken: string;
  encryptionKey: string;
}

/** First boot of the embedded default: generate the secrets once and keep them beside the database. */
function loadOrCreateSecrets(dataDir: string): EmbeddedSecrets {
  const file = path.join(dataDir, 'secrets.json');
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as EmbeddedSecrets;
  fs.mkdirSync(dataDir, { recursive: true });
  const secrets: EmbeddedSecrets = {
    metaAppSecret: crypto.randomBytes(32).toString('hex'),
    metaVerifyToken: crypto.randomBytes(16).toString('hex'),
    encryptionKey: crypto.randomBytes(32).toString('hex'),
  };
  fs.writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
