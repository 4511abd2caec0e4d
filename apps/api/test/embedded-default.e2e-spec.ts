import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '#db';

/**
 * `npm start` with NO environment: the compiled product on PGlite + the in-process queue + the mounted sandbox.
 * (npm test builds dist first; this spawns exactly what `npm start` runs.)
 */
const root = repoRoot();
const main = path.join(root, 'dist/apps/api/src/main.js');

interface Running {
  child: ChildProcess;
  out: () => string;
}

function start(dataDir: string, port: number): Running {
  let out = '';
  // Only what any shell has: no DATABASE_URL, REDIS_URL or secrets.
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  const child = spawn(process.execPath, [main], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return { child, out: () => out };
}

async function until<T>(fn: () => T | undefined | Promise<T | undefined>, what: string, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** SIGTERM; resolves how it ended. Nest's shutdown hooks close everything, then re-raise the signal. */
function stop(r: Running): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (r.child.exitCode !== null || r.child.signalCode !== null) return resolve({ code: r.child.exitCode, signal: r.child.signalCode });
    r.child.once('exit', (code, signal) => resolve({ code, signal }));
    r.child.kill('SIGTERM');
  });
}

describe('embedded default (npm start with no environment)', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kdv-embedded-'));
  const port = 20000 + Math.floor(Math.random() * 20000);
  let running: Running | undefined;

  afterAll(async () => {
    if (running) await stop(running);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('boots, prints a key once on stdout, serves /v1/me with it, and keeps it across a restart', async () => {
    expect(fs.existsSync(main)).toBe(true);
    running = start(dataDir, port);
    const key = await until(() => /(kdv_live_[0-9A-Za-z]{30})/.exec(running!.out())?.[1], 'the printed API key');
    const me = await fetch(`http://127.0.0.1:${port}/v1/me`, { headers: { Authorization: `Bearer ${key}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ object: 'organization', name: 'Demo organization' });
    // Logs are JSON lines; the key must appear only in the plain notice, never inside a log record.
    const jsonLines = running.out().split('\n').filter((l) => l.startsWith('{'));
    expect(jsonLines.some((l) => l.includes(key))).toBe(false);

    // Graceful: it ends by its own hand (exit 0 or the re-raised SIGTERM), and PGlite released its lock file.
    const ended = await stop(running);
    expect(ended.code === 0 || ended.signal === 'SIGTERM').toBe(true);
    expect(fs.existsSync(path.join(dataDir, 'pglite.pid'))).toBe(false);
    running = start(dataDir, port);
    await until(() => (running!.out().includes('listening on') ? true : undefined), 'the restart');
    expect(running.out()).not.toContain('kdv_live_');
    const again = await fetch(`http://127.0.0.1:${port}/v1/me`, { headers: { Authorization: `Bearer ${key}` } });
    expect(again.status).toBe(200);
  }, 180_000); // two cold boots of PGlite with migrations on a loaded 2-core machine
});
