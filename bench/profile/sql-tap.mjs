// Loaded with `node --import` into a product process by cpu-per-request.mjs. Counts every statement the process sends
// to PostgreSQL through `pg`; on SIGWINCH prints the count since the last signal (and, with SQL_TAP_TEXT=1, each
// statement), and with PROFILE_CPU_DIR writes the V8 CPU profile of exactly that interval. SIGWINCH because Nest's
// shutdown hooks own SIGUSR2, and SIGWINCH is ignored by default, so a stray one harms nothing.
import fs from 'node:fs';
import inspector from 'node:inspector';
import path from 'node:path';
import pg from 'pg';

const seen = [];
let count = 0;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function tappedQuery(config, ...rest) {
  count++;
  if (process.env.SQL_TAP_TEXT === '1') seen.push(typeof config === 'string' ? config : config?.text);
  return query.call(this, config, ...rest);
};

const profileDir = process.env.PROFILE_CPU_DIR;
const session = profileDir ? new inspector.Session() : null;
let interval = 0;
if (session) {
  session.connect();
  session.post('Profiler.enable', () => session.post('Profiler.start'));
}

process.on('SIGWINCH', () => {
  process.stderr.write(`SQL_TAP ${JSON.stringify({ count, statements: seen.splice(0) })}\n`);
  count = 0;
  if (!session) return;
  session.post('Profiler.stop', (err, res) => {
    if (!err) fs.writeFileSync(path.join(profileDir, `interval-${++interval}.cpuprofile`), JSON.stringify(res.profile));
    session.post('Profiler.start');
  });
});
