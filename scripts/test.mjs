#!/usr/bin/env node
// `npm test`: makes sure PostgreSQL and Redis answer (starting the local services when they are installed but
// down), then runs every jest project (unit, integration, e2e) and closes with one summary line.
//   npm test                 all projects
//   npm test -- unit         one project (unit | integration | e2e); further args go to jest
import { execSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const PROJECTS = ['unit', 'integration', 'e2e'];
const args = process.argv.slice(2);
const selected = args.filter((a) => PROJECTS.includes(a));
const passthrough = args.filter((a) => !PROJECTS.includes(a));
const projects = selected.length ? selected : PROJECTS;

const sh = (cmd) => spawnSync('bash', ['-c', cmd], { stdio: 'pipe', encoding: 'utf8' });
const waitFor = (check, what) => {
  for (let i = 0; i < 60; i++) {
    if (sh(check).status === 0) return;
    execSync('sleep 0.5');
  }
  throw new Error(`${what} did not come up`);
};

function ensureServices() {
  if (projects.every((p) => p === 'unit')) return;
  if (sh('pg_isready -h 127.0.0.1 -q').status !== 0) {
    console.log('PostgreSQL is not answering; starting the local cluster…');
    sh('pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql | head -1) main start');
    waitFor('pg_isready -h 127.0.0.1 -q', 'PostgreSQL (127.0.0.1:5432)');
  }
  if (sh('redis-cli -h 127.0.0.1 ping').stdout?.trim() !== 'PONG') {
    console.log('Redis is not answering; starting a local redis-server…');
    sh('mkdir -p /var/lib/redis /var/log/redis; redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --maxmemory-policy noeviction --dir /var/lib/redis --logfile /var/log/redis/ci.log');
    waitFor('[ "$(redis-cli -h 127.0.0.1 ping)" = PONG ]', 'Redis (127.0.0.1:6379)');
  }
}

ensureServices();
// The embedded-default e2e test runs the compiled product exactly as `npm start` does.
if (projects.includes('e2e')) execSync('npm run build --silent', { stdio: 'inherit' });
const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kdv-jest-')), 'report.json');
const jest = spawnSync(
  process.execPath,
  [
    'node_modules/jest/bin/jest.js',
    '--selectProjects', ...projects,
    '--maxWorkers=2',
    '--json', `--outputFile=${report}`,
    ...passthrough,
  ],
  { stdio: 'inherit', env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules`.trim() } },
);
let summary = 'tests: 0 passed, 0 failed';
if (fs.existsSync(report)) {
  const r = JSON.parse(fs.readFileSync(report, 'utf8'));
  const skipped = r.numPendingTests + r.numTodoTests;
  summary = `tests: ${r.numPassedTests} passed, ${r.numFailedTests + r.numRuntimeErrorTestSuites} failed${skipped ? `, ${skipped} skipped` : ''}`;
  if (r.numTotalTests === 0) {
    console.error('No tests ran.');
    process.exitCode = 1;
  }
}
console.log(`\n${summary}`);
process.exitCode ||= jest.status ?? 1;
