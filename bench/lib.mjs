// Shared pieces of the benchmarks: child processes of the real product, a fresh database, autocannon runs.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
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
