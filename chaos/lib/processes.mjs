// The chaos topology's processes: a Redis server of the suite's own (never the shared 6379), and the product's
// api / worker / sandbox processes started from dist as real children, with their output kept in log files.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { ROOT } from '../../bench/lib.mjs';

const run = promisify(execFile);
const TAIL_CHARS = 8_000;

/**
 * A redis-server on a free port, started like .ci/run starts the shared one (daemonized, no persistence,
 * noeviction), so `shutdown nosave` loses every key exactly as a crash of that server would.
 */
export class RedisServer {
  constructor(port, dir) {
    this.port = port;
    this.dir = dir;
    this.url = `redis://127.0.0.1:${port}/0`;
  }

  async start() {
    fs.mkdirSync(this.dir, { recursive: true });
    await run('redis-server', [
      '--daemonize', 'yes',
      '--bind', '127.0.0.1',
      '--port', String(this.port),
      '--save', '',
      '--appendonly', 'no',
      '--maxmemory-policy', 'noeviction',
      '--dir', this.dir,
      '--pidfile', path.join(this.dir, 'redis.pid'),
      '--logfile', path.join(this.dir, 'redis.log'),
    ]);
    await this.waitFor(true);
  }

  /** `redis-cli shutdown nosave`: the server exits and its data is gone. */
  async shutdown() {
    await run('redis-cli', ['-h', '127.0.0.1', '-p', String(this.port), 'shutdown', 'nosave']).catch(() => undefined);
    await this.waitFor(false);
  }

  async ping() {
    try {
      const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(this.port), 'ping'], { timeout: 2_000 });
      return stdout.trim() === 'PONG';
    } catch {
      return false;
    }
  }

  /** BullMQ's lists for the message-delivery queue (a diagnostic for the progress line). */
  async deliveryJobs(prefix) {
    const q = `${prefix}:message-delivery`;
    const cmds = [`LLEN ${q}:wait`, `ZCARD ${q}:prioritized`, `ZCARD ${q}:delayed`, `LLEN ${q}:active`];
    const { stdout } = await run('bash', ['-c', `printf '%s\\n' ${cmds.map((c) => `'${c}'`).join(' ')} | redis-cli -h 127.0.0.1 -p ${this.port}`], { timeout: 2_000 });
    const [wait, prioritized, delayed, active] = stdout.trim().split('\n').map(Number);
    return { wait: wait + prioritized, delayed, active };
  }

  async waitFor(up) {
    for (let i = 0; i < 100; i++) {
      if ((await this.ping()) === up) return;
      await sleep(100);
    }
    throw new Error(`redis-server on ${this.port} did not come ${up ? 'up' : 'down'}`);
  }
}

/**
 * One product process (api, worker or sandbox) from dist. `start()` resolves once the process printed its ready
 * line. An exit the suite did not cause is recorded (a crash under a fault is a finding, not noise) and, like a
 * supervisor in production would, the process is started again a second later so the run can go on.
 */
export class ProductProcess {
  constructor({ name, script, env, ready, logDir }) {
    Object.assign(this, { name, script, env, ready });
    this.logFile = path.join(logDir, `${name}.log`);
    this.child = undefined;
    this.expectedExit = false;
    this.stopped = false;
    this.unexpectedExits = [];
    this.tail = '';
    this.starts = 0;
  }

  get alive() {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  start() {
    this.starts++;
    this.expectedExit = false;
    this.tail = '';
    const log = fs.createWriteStream(this.logFile, { flags: 'a' });
    log.write(`\n===== ${new Date().toISOString()} start #${this.starts}\n`);
    const child = spawn(process.execPath, [path.join(ROOT, this.script)], {
      cwd: ROOT,
      // CHAOS_NODE_OPTIONS reaches the product's processes (e.g. a diagnostic --import), nothing else of ours does.
      env: { PATH: process.env.PATH, ...(process.env.CHAOS_NODE_OPTIONS ? { NODE_OPTIONS: process.env.CHAOS_NODE_OPTIONS } : {}), ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    return new Promise((resolve, reject) => {
      let ready = false;
      const onData = (d) => {
        log.write(d);
        this.tail = (this.tail + d.toString()).slice(-TAIL_CHARS);
        if (!ready && this.ready.test(this.tail)) {
          ready = true;
          resolve(this);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code, signal) => {
        log.end(`\n===== ${new Date().toISOString()} exit code=${code} signal=${signal}\n`);
        if (!ready) return reject(new Error(`${this.name} exited (${code ?? signal}) before it was ready:\n${this.tail.slice(-3_000)}`));
        if (this.expectedExit) return;
        this.unexpectedExits.push({ at: new Date().toISOString(), code, signal, tail: this.tail.slice(-3_000) });
        if (!this.stopped) setTimeout(() => void this.restartAfterCrash(), 1_000);
      });
    });
  }

  async restartAfterCrash() {
    if (this.stopped || this.alive) return;
    try {
      await this.start();
    } catch (err) {
      this.unexpectedExits.push({ at: new Date().toISOString(), code: null, signal: null, tail: `restart failed: ${err.message}` });
    }
  }

  /** SIGKILL: no shutdown hook runs, jobs in flight are abandoned mid-way. */
  kill() {
    if (!this.alive) return Promise.resolve();
    this.expectedExit = true;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGKILL');
    return exited;
  }

  /** SIGTERM with a SIGKILL fallback (the end of the run). */
  stop(graceMs = 10_000) {
    this.stopped = true;
    if (!this.alive) return Promise.resolve();
    this.expectedExit = true;
    const child = this.child;
    return new Promise((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }
}
