// The faults a run inflicts, and when. Each one records when it started and when it ended (instantaneous faults —
// a SIGKILL, terminated database sessions — end when inflicted; a Redis outage ends when Redis answers again; a
// sandbox fault window ends when its rules are removed), so recovery can be measured from the end.
import { setTimeout as sleep } from 'node:timers/promises';
import { OBSERVER_APP_NAME } from './topology.mjs';

export class FaultInjector {
  constructor(topo, sandbox, opts, random, log) {
    Object.assign(this, { topo, sandbox, opts, random, log });
    this.events = [];
    this.workerLock = Promise.resolve();
  }

  /** Worker faults one at a time: a kill must never race a restart of the same process. */
  withWorkers(fn) {
    const next = this.workerLock.then(fn);
    this.workerLock = next.catch(() => undefined);
    return next;
  }

  /** SIGKILL one live worker at a random moment, restart it after a short pause (as a supervisor would). */
  async killWorker() {
    const alive = this.topo.workers.filter((w) => w.alive);
    if (alive.length === 0) return;
    const victim = alive[Math.floor(this.random() * alive.length)];
    const at = Date.now();
    await victim.kill();
    this.log(`SIGKILL ${victim.name}`);
    const event = { kind: 'worker_sigkill', target: victim.name, started_at: at, ended_at: at };
    this.events.push(event);
    await sleep(300 + Math.floor(this.random() * 1_700));
    await victim.start();
    event.restarted_at = Date.now();
    this.log(`${victim.name} restarted`);
  }

  /** Both workers at once: nothing processes until they are back; boot-time sweeps must rebuild the queues. */
  async killBothWorkers() {
    const at = Date.now();
    await Promise.all(this.topo.workers.map((w) => w.kill()));
    this.log('SIGKILL both workers');
    const event = { kind: 'all_workers_sigkill', target: 'worker-1,worker-2', started_at: at, ended_at: at };
    this.events.push(event);
    await sleep(2_000);
    await Promise.all(this.topo.workers.map((w) => w.start()));
    event.restarted_at = Date.now();
    this.log('both workers restarted');
  }

  /** `redis-cli shutdown nosave`, down for a moment, started again: every queue, bucket and cache is gone. */
  async restartRedis() {
    const at = Date.now();
    await this.topo.redis.shutdown();
    this.log('Redis shut down (nosave)');
    await sleep(1_500);
    await this.topo.redis.start();
    this.events.push({ kind: 'redis_restart', target: `redis:${this.topo.redis.port}`, started_at: at, ended_at: Date.now() });
    this.log('Redis back');
  }

  /** Every session the product holds on the run's database is terminated (its pools must reconnect). */
  async terminatePgBackends() {
    const at = Date.now();
    const r = await this.topo.observer.query(
      `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
       WHERE datname = $1 AND pid <> pg_backend_pid() AND coalesce(application_name, '') <> $2`,
      [this.topo.db.name, OBSERVER_APP_NAME],
    );
    this.events.push({ kind: 'pg_terminate_backends', target: `${r.rowCount} sessions`, started_at: at, ended_at: at });
    this.log(`terminated ${r.rowCount} PostgreSQL sessions`);
  }

  /** The sandbox answers 5xx, times out, and refuses with 130429 / 131056 at the configured rates for a while. */
  async sandboxFaultWindow(windowMs) {
    const { rates, timeoutFaultMs } = this.opts;
    const rules = [
      { rate: rates['5xx'], effect: { kind: 'http_500' } },
      { rate: rates.timeout, effect: { kind: 'timeout', ms: timeoutFaultMs } },
      { rate: rates[130429], effect: { kind: 'sync_error', code: 130429 } },
      { rate: rates[131056], effect: { kind: 'sync_error', code: 131056 } },
    ].filter((r) => r.rate > 0);
    const at = Date.now();
    await this.sandbox.addFaults(rules);
    this.log(`sandbox faults on for ${windowMs} ms`);
    await sleep(windowMs);
    const applied = Object.fromEntries((await this.sandbox.listFaults()).rules.map((r) => [r.effect.kind === 'sync_error' ? String(r.effect.code) : r.effect.kind, r.applied]));
    await this.sandbox.clearFaults();
    this.events.push({ kind: 'sandbox_faults', target: JSON.stringify(applied), started_at: at, ended_at: Date.now(), applied });
    this.log(`sandbox faults off (applied ${JSON.stringify(applied)})`);
  }

  /**
   * Spreads the faults over the expected delivery time: the heavy ones (Redis, PostgreSQL, sandbox windows,
   * both workers) in separate slots, so each one's recovery can be told apart; worker kills at random moments.
   */
  plan(durationMs) {
    const heavy = [
      ...Array.from({ length: this.opts.redisRestarts }, () => 'redis'),
      ...Array.from({ length: this.opts.pgTerminations }, () => 'pg'),
      ...Array.from({ length: this.opts.sandboxFaultWindows }, () => 'sandbox'),
      ...(this.opts.killBothWorkers ? ['both_workers'] : []),
    ];
    for (let i = heavy.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [heavy[i], heavy[j]] = [heavy[j], heavy[i]];
    }
    const slot = (0.75 * durationMs) / Math.max(1, heavy.length);
    const plan = heavy.map((kind, i) => ({ kind, at: Math.round(0.1 * durationMs + slot * (i + 0.2 + 0.4 * this.random())) }));
    for (let i = 0; i < this.opts.workerKills; i++) plan.push({ kind: 'worker', at: Math.round(durationMs * (0.05 + 0.85 * this.random())) });
    this.windowMs = Math.max(2_000, Math.min(6_000, Math.round(slot * 0.6)));
    return plan.sort((a, b) => a.at - b.at);
  }

  /** Runs a plan from now; resolves when every fault has ended (and restarted what it stopped). */
  async execute(plan) {
    const start = Date.now();
    const runs = plan.map(async (p) => {
      await sleep(Math.max(0, start + p.at - Date.now()));
      const fn = {
        redis: () => this.restartRedis(),
        pg: () => this.terminatePgBackends(),
        sandbox: () => this.sandboxFaultWindow(this.windowMs),
        both_workers: () => this.withWorkers(() => this.killBothWorkers()),
        worker: () => this.withWorkers(() => this.killWorker()),
      }[p.kind];
      try {
        await fn();
      } catch (err) {
        this.events.push({ kind: `${p.kind}_fault_error`, target: String(err?.message ?? err), started_at: Date.now(), ended_at: Date.now() });
        this.log(`fault ${p.kind} could not be inflicted: ${err?.message ?? err}`);
      }
    });
    await Promise.all(runs);
  }
}
