import fs from 'node:fs';
import path from 'node:path';
import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import type { ClientBase } from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { AppConfig } from '#config';
import { PrismaClient } from './generated/prisma/client.js';
import { migrateEmbedded } from './migrator.js';
import { pgConfigFromUrl } from './pg-config.js';

/** What repositories use: the base client or the transaction in progress. */
export type Db = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;

/**
 * PrismaClient as a Nest provider. The driver adapter is chosen from config: PostgreSQL through adapter-pg when
 * DATABASE_URL is set, otherwise PGlite under DATA_DIR (migrated in-process at boot; one process per data dir).
 *
 * Transactions are ambient: `prisma.transaction(fn)` stores the transaction client in AsyncLocalStorage and
 * `prisma.db` returns it, so repositories join a service's transaction without threading a parameter through.
 */
@Injectable()
export class PrismaService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Database');
  private readonly als = new AsyncLocalStorage<{ db: Db; afterCommit: Array<() => void>; written: Set<string> }>();
  readonly client: PrismaClient;
  readonly kind: 'postgres' | 'pglite';
  private readonly pglite?: PGlite;
  private readonly lockFile?: string;

  constructor(private readonly config: AppConfig) {
    if (config.databaseUrl) {
      this.kind = 'postgres';
      // Every pooled connection always has an 'error' listener. pg-pool drops its own listener when it hands a client
      // out, and adapter-pg adds one only after `await pool.connect()`: a FATAL message (a terminated backend, a
      // server restart) parsed in that gap is an unhandled 'error' event, which ends the process. The broken client
      // is still discarded (its next query fails, and the pool removes it on release).
      const onConnect = (client: ClientBase) => void client.on('error', (err: Error) => this.logger.warn(`database connection lost: ${err.message}`));
      this.client = new PrismaClient({ adapter: new PrismaPg({ ...pgConfigFromUrl(config.databaseUrl), max: 10, onConnect }) });
    } else {
      this.kind = 'pglite';
      const dir = path.join(config.dataDir, 'pglite');
      fs.mkdirSync(dir, { recursive: true }); // PGlite creates only the last path segment
      this.lockFile = claimDataDir(config.dataDir);
      this.pglite = new PGlite(dir);
      this.client = new PrismaClient({ adapter: new PrismaPGlite(this.pglite) });
    }
  }

  async onModuleInit(): Promise<void> {
    if (this.pglite) {
      const applied = await migrateEmbedded(new PrismaPGlite(this.pglite));
      if (applied.length) this.logger.log(`applied migrations: ${applied.join(', ')}`);
    }
    await this.client.$connect();
  }

  async onModuleDestroy(): Promise<void> {
    await this.client.$disconnect();
    await this.pglite?.close(); // $disconnect() leaves PGlite's timers and lock file behind
    if (this.lockFile) fs.rmSync(this.lockFile, { force: true });
  }

  /** The current transaction when inside `transaction()`, else the base client. */
  get db(): Db {
    return this.als.getStore()?.db ?? this.client;
  }

  /** True inside `transaction()`: reads there must see the transaction's own writes, so they bypass caches. */
  get inTransaction(): boolean {
    return this.als.getStore() !== undefined;
  }

  /**
   * Notes that the current transaction changed what `tag` names (no-op outside one). A cached read of something the
   * transaction did not change is as good inside it as outside, so a repository may keep using its cache there
   * unless `wroteInTransaction(tag)`.
   */
  markWritten(tag: string): void {
    this.als.getStore()?.written.add(tag);
  }

  /** True inside a transaction that marked `tag` written: a read of it must then go to the database. */
  wroteInTransaction(tag: string): boolean {
    return this.als.getStore()?.written.has(tag) ?? false;
  }

  /** Runs fn in one transaction; nested calls join the outer one. */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.als.getStore()) return fn();
    const afterCommit: Array<() => void> = [];
    const result = await this.client.$transaction((tx) => this.als.run({ db: tx as Db, afterCommit, written: new Set() }, fn), { timeout: 15_000, maxWait: 10_000 });
    for (const callback of afterCommit) {
      try {
        callback();
      } catch (err) {
        // The change is committed: a failing side effect must not make the caller believe it was not.
        this.logger.error(`after-commit callback failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return result;
  }

  /**
   * Runs `callback` once the current transaction has committed (never if it rolls back), or now outside one. For
   * side effects other processes act on, such as cache invalidations: sent before the commit, they could make
   * another process reload the old row.
   */
  afterCommit(callback: () => void): void {
    const store = this.als.getStore();
    if (store) store.afterCommit.push(callback);
    else callback();
  }

  async ping(): Promise<void> {
    await this.client.$queryRaw`SELECT 1`;
  }
}

/**
 * PGlite does not lock its directory and two writers corrupt it: refuse to open a data dir another live process
 * holds (e.g. the CLI while `npm start` runs).
 */
function claimDataDir(dataDir: string): string {
  const file = path.join(dataDir, 'pglite.pid');
  const holder = fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8')) : NaN;
  if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
    throw new Error(
      `The embedded database in ${dataDir} is in use by process ${holder}. Stop it first, or point DATA_DIR elsewhere, ` +
        'or use PostgreSQL (DATABASE_URL).',
    );
  }
  fs.writeFileSync(file, String(process.pid));
  return file;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
