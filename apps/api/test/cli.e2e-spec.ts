import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '#db';
import { parseApiKey } from '#domain';
import { createTestDatabase, type TestDatabase } from '#testing';
import { startTestApi, type TestApi } from './harness.js';

const run = promisify(execFile);
const cli = path.join(repoRoot(), 'dist/apps/cli/src/main.js');

/** `npm run cli -- …` (the compiled CLI, as npm runs it) against a real database, then the keys used over HTTP. */
describe('cli (e2e)', () => {
  let db: TestDatabase;
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase();
    env = { PATH: process.env.PATH ?? '', DATABASE_URL: db.url, META_APP_SECRET: 's', META_VERIFY_TOKEN: 't', ENCRYPTION_KEY: 'ab'.repeat(32), LOG_LEVEL: 'silent' };
  });
  afterAll(() => db.drop());

  const cliJson = async (...args: string[]) => JSON.parse((await run(process.execPath, [cli, ...args, '--json'], { env })).stdout);

  it('keys generate prints a well-formed key without a database', async () => {
    const { stdout } = await run(process.execPath, [cli, 'keys', 'generate', '--json'], { env: { PATH: env.PATH, DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none' } });
    const { key } = JSON.parse(stdout);
    expect(parseApiKey(key)).toEqual({ mode: 'live' });
  });

  it('creates an organization, lists, creates and revokes keys; the keys work over HTTP until revoked', async () => {
    const org = await cliJson('orgs', 'create', '--name', 'Acme');
    expect(org.organization_id).toMatch(/^org_/);
    expect(parseApiKey(org.key)).not.toBeNull();
    const ro = await cliJson('keys', 'create', '--org', org.organization_id, '--name', 'reader', '--scope', 'read_only');
    expect(ro).toMatchObject({ object: 'api_key', scope: 'read_only' });
    const list = await cliJson('keys', 'list', '--org', org.organization_id);
    expect(list.map((k: { name: string }) => k.name).sort()).toEqual(['default', 'reader']);
    expect(JSON.stringify(list)).not.toContain(org.key);

    const api: TestApi = await startTestApi({ db });
    try {
      expect((await api.request('GET', '/v1/me', undefined, api.auth(org.key))).body.name).toBe('Acme');
      expect((await api.request('GET', '/v1/me', undefined, api.auth(ro.key))).status).toBe(200);
      await cliJson('keys', 'revoke', '--org', org.organization_id, '--id', ro.id);
      expect((await api.request('GET', '/v1/me', undefined, api.auth(ro.key))).status).toBe(401);
    } finally {
      await api.close();
    }
  });

  it('fails with a message and exit code 1 on bad input', async () => {
    await expect(run(process.execPath, [cli, 'keys', 'list'], { env })).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('--org is required') });
    await expect(run(process.execPath, [cli, 'orgs', 'create', '--name', 'x', '--plan', 'gold'], { env })).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('plan') });
  });
});
