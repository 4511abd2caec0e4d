// Preload for profiling a product process during a bench run (`--cpu-prof` is refused in NODE_OPTIONS, and Nest's
// shutdown hook re-raises SIGTERM, so V8 would never write its profile): samples from start-up and writes a
// .cpuprofile (Chrome DevTools / speedscope) when the process gets SIGTERM.
//   BENCH_WORKER_NODE_OPTIONS="--import /work/main/bench/cpu-profile.mjs" CPU_PROFILE_DIR=/tmp/prof node bench/run.mjs
import fs from 'node:fs';
import inspector from 'node:inspector';
import path from 'node:path';

const dir = process.env.CPU_PROFILE_DIR ?? '/tmp';
const session = new inspector.Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.setSamplingInterval', { interval: 1000 });
session.post('Profiler.start');
// First in line, before Nest's own SIGTERM handler; a same-thread inspector session answers synchronously.
process.prependListener('SIGTERM', () => {
  session.post('Profiler.stop', (err, result) => {
    if (err) return;
    const name = path.basename(process.argv[1] ?? 'node', '.js');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${name}-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
  });
  // Alone (no shutdown hook of the app), a SIGTERM listener would keep the process alive: die as without it.
  if (process.listenerCount('SIGTERM') === 1) process.kill(process.pid, 'SIGKILL');
});
