import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { NestFactory } from '@nestjs/core';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { AppConfig, ConfigModule } from '#config';
import { DbModule } from '#db';
import {
  ApiKeysService,
  OrganizationsService,
  PinoLogger,
  PlatformModule,
  generateApiKey,
  presentApiKey,
  systemContext,
  AppError,
  type TenantContext,
} from '#domain';
import { QueueModule } from '#queue';
import { RealtimeModule } from '#realtime';

const USAGE = `usage: npm run cli -- <command> [options] [--json]

  keys generate [--mode live|test]                          print a new well-formed key (no database)
  orgs create --name NAME [--plan free|pro|enterprise]      create an organization with a first key
  orgs list
  orgs set-limits --org ID [--plan P] [--writes N] [--reads N]  (N = per minute; "default" clears an override)
  keys create --org ID --name NAME [--scope full|read_only] [--mode live|test]
  keys list --org ID
  keys revoke --org ID --id KEY_ID
`;

type Out = Record<string, unknown> | Record<string, unknown>[];

async function withContext<T>(fn: (app: INestApplicationContext) => Promise<T>): Promise<T> {
  const config = AppConfig.fromEnv();
  // Events of CLI writes reach dashboards through Redis when there is one; otherwise nobody can be listening.
  @Module({ imports: [ConfigModule.forRoot(config), DbModule, QueueModule, PlatformModule, RealtimeModule.forRoot({ role: config.redisUrl ? 'worker' : 'api' })] })
  class CliModule {}
  // abortOnError off: boot failures reach our handler (a message and exit 1) instead of Nest's process.exit.
  const app = await NestFactory.createApplicationContext(CliModule, { logger: new PinoLogger(config.logLevel === 'info' ? 'error' : config.logLevel), abortOnError: false });
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}

const cliCtx = (organizationId: string): TenantContext => ({ ...systemContext(organizationId), actorType: 'cli' });

function limitArg(v: string | undefined): number | null | undefined {
  if (v === undefined) return undefined;
  if (v === 'default') return null;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw AppError.validation('limit', `"${v}" is not a positive whole number`);
  return n;
}

async function run(argv: string[]): Promise<Out | string> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      plan: { type: 'string' },
      org: { type: 'string' },
      id: { type: 'string' },
      scope: { type: 'string' },
      mode: { type: 'string' },
      writes: { type: 'string' },
      reads: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const [noun, verb] = positionals;
  const need = (k: keyof typeof values) => {
    const v = values[k];
    if (typeof v !== 'string' || !v) throw new Error(`--${k} is required\n\n${USAGE}`);
    return v;
  };
  const mode = (values.mode ?? 'live') as 'live' | 'test';
  if (!['live', 'test'].includes(mode)) throw new Error('--mode must be live or test');
  const scope = (values.scope ?? 'full') as 'full' | 'read_only';
  if (!['full', 'read_only'].includes(scope)) throw new Error('--scope must be full or read_only');

  switch (`${noun} ${verb}`) {
    case 'keys generate':
      return { key: generateApiKey(mode) };
    case 'orgs create': {
      const name = need('name');
      return withContext(async (app) => {
        const r = await app.get(OrganizationsService).create({ name, plan: values.plan, firstKey: { name: 'default', scope, mode }, actor: 'cli' });
        return { organization_id: r.organization.id, name: r.organization.name, plan: r.organization.plan, api_key_id: r.apiKeyId, key: r.plaintextKey };
      });
    }
    case 'orgs list':
      return withContext(async (app) =>
        (await app.get(OrganizationsService).list()).map((o) => ({ id: o.id, name: o.name, plan: o.plan, created_at: o.createdAt.toISOString() })),
      );
    case 'orgs set-limits': {
      const org = need('org');
      const limits = { writes: limitArg(values.writes), reads: limitArg(values.reads) };
      return withContext(async (app) => {
        const o = await app.get(OrganizationsService).setLimits(org, {
          plan: values.plan as never,
          writesPerMinute: limits.writes,
          readsPerMinute: limits.reads,
        });
        return { id: o.id, plan: o.plan, rate_limit_writes_per_minute: o.rateLimitWritesPerMinute, rate_limit_reads_per_minute: o.rateLimitReadsPerMinute };
      });
    }
    case 'keys create': {
      const [ctx, name] = [cliCtx(need('org')), need('name')];
      return withContext(async (app) => {
        const { apiKey, plaintext } = await app.get(ApiKeysService).create(ctx, { name, scope, mode });
        return presentApiKey(apiKey, plaintext);
      });
    }
    case 'keys list': {
      const ctx = cliCtx(need('org'));
      return withContext(async (app) => (await app.get(ApiKeysService).list(ctx)).map((k) => presentApiKey(k)));
    }
    case 'keys revoke': {
      const [ctx, id] = [cliCtx(need('org')), need('id')];
      return withContext(async (app) => presentApiKey(await app.get(ApiKeysService).revoke(ctx, id)));
    }
    default:
      throw new Error(USAGE);
  }
}

const json = process.argv.includes('--json');
run(process.argv.slice(2)).then(
  (out) => {
    if (json) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    else if (Array.isArray(out)) console.table(out);
    else for (const [k, v] of Object.entries(out)) process.stdout.write(`${k}: ${String(v)}\n`);
  },
  (err: unknown) => {
    const message = err instanceof AppError ? `${err.code}: ${err.message}` : err instanceof Error ? err.message : String(err);
    if (json) process.stdout.write(`${JSON.stringify({ error: message })}\n`);
    else process.stderr.write(`${message}\n`);
    process.exit(1);
  },
);
