// Scale-out checks on the same two api + two worker processes: an organization's rate limit is one limit across
// api processes, and realtime events reach dashboards on either api process. (Per-number caps across workers are
// checked on the sandbox ledger with the other invariants.)
import { execFile } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { ROOT } from '../../bench/lib.mjs';
import { request } from './http.mjs';

const run = promisify(execFile);

/** The product's own CLI (dist), as an operator runs it. */
export async function cli(env, args) {
  const { stdout } = await run(process.execPath, [path.join(ROOT, 'dist/apps/cli/src/main.js'), ...args, '--json'], { cwd: ROOT, env: { PATH: process.env.PATH, ...env }, timeout: 60_000 });
  const out = JSON.parse(stdout);
  if (out?.error) throw new Error(`cli ${args.join(' ')}: ${out.error}`);
  return out;
}

/**
 * A fresh organization limited to `limit` writes per minute; `burst` concurrent writes (POST /v1/contacts) split
 * over both api processes. Admitted: at least the bucket (`limit`), at most the bucket plus what refilled while the
 * burst was in flight (+1 for the token refilling at the edge). Anything but 201 or a well-formed 429 is a failure.
 */
export async function rateLimitAcrossApis({ apis, env, limit = 40, burst = 150 }) {
  const org = await cli(env, ['orgs', 'create', '--name', 'chaos rate limit']);
  await cli(env, ['orgs', 'set-limits', '--org', org.organization_id, '--writes', String(limit)]);
  const startedAt = Date.now();
  const answers = await Promise.all(
    Array.from({ length: burst }, (_, i) =>
      request(apis[i % apis.length].url, org.key, 'POST', '/v1/contacts', { phone: `+6285${String(startedAt % 1e6).padStart(6, '0')}${String(i).padStart(3, '0')}` }).catch((err) => ({
        status: 0,
        body: String(err),
      })),
    ),
  );
  const endedAt = Date.now();
  const admitted = answers.filter((a) => a.status === 201).length;
  const malformed = answers.filter((a) => !(a.status === 201 || (a.status === 429 && a.body?.error?.code === 'rate_limited' && Number(a.headers?.get('retry-after')) >= 1)));
  const ceiling = limit + Math.floor(((endedAt - startedAt) / 1000) * (limit / 60)) + 1;
  const byApi = apis.map((a, k) => answers.filter((_, i) => i % apis.length === k && _.status === 201).length);
  return {
    limit_per_minute: limit,
    requests: burst,
    admitted,
    admitted_per_api: byApi,
    allowed_range: [limit, ceiling],
    burst_ms: endedAt - startedAt,
    other_answers: malformed.slice(0, 5).map((a) => ({ status: a.status, body: a.body })),
    pass: admitted >= limit && admitted <= ceiling && malformed.length === 0,
  };
}

/**
 * In calm weather, messages sent through each api process: both dashboards (one on each api) must see
 * message.created for every one of them and message.status_updated up to `read` — whichever process (api or
 * worker) published the event.
 */
export async function realtimeAcrossApis({ dashboards, ids, waitMs = 20_000 }) {
  const deadline = Date.now() + waitMs;
  const missing = () =>
    dashboards.map((d) => ({
      dashboard: d.seen.name,
      created_missing: ids.filter((id) => !d.seen.created.has(id)),
      read_missing: ids.filter((id) => !d.seen.statuses.get(id)?.has('read')),
    }));
  let m = missing();
  while (Date.now() < deadline && m.some((x) => x.created_missing.length + x.read_missing.length > 0)) {
    await sleep(250);
    m = missing();
  }
  return {
    messages: ids.length,
    dashboards: m.map((x) => ({ dashboard: x.dashboard, created_missing: x.created_missing.length, read_missing: x.read_missing.length, examples: [...x.created_missing, ...x.read_missing].slice(0, 5) })),
    pass: m.every((x) => x.created_missing.length === 0 && x.read_missing.length === 0),
  };
}

/** During the chaos itself realtime is best effort (events published while Redis is down are gone): reported only. */
export function realtimeCoverage(dashboards, ids) {
  return dashboards.map((d) => ({
    dashboard: d.seen.name,
    created_seen: ids.filter((id) => d.seen.created.has(id)).length,
    read_seen: ids.filter((id) => d.seen.statuses.get(id)?.has('read')).length,
    of: ids.length,
    disconnects: d.seen.disconnects,
  }));
}
