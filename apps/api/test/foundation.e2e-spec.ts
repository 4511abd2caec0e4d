import { IdempotencyService, OrganizationsService } from '#domain';
import { startTestApi, type TestApi } from './harness.js';

/** Issue 2's contract over real HTTP, PostgreSQL and (for limits across processes) Redis. */
describe('platform foundation (e2e)', () => {
  let api: TestApi;

  let planDefaults: unknown;

  beforeAll(async () => {
    api = await startTestApi();
    const me = (await api.request('GET', '/v1/me')).body;
    planDefaults = me.limits;
    // This suite makes more than the free plan's 60 writes a minute; limits have their own suite below.
    await api.app.get(OrganizationsService).setLimits(me.id, { writesPerMinute: 10_000, readsPerMinute: 10_000 });
  });
  afterAll(async () => {
    await api?.close();
  });

  const errorOf = (body: any) => body?.error;

  describe('authentication', () => {
    it('serves /v1/me with a Bearer key and with X-API-Key', async () => {
      const bearer = await api.request('GET', '/v1/me');
      expect(bearer.status).toBe(200);
      expect(planDefaults).toMatchObject({ writes_per_minute: 60, reads_per_minute: 600 });
      expect(bearer.body).toMatchObject({ object: 'organization', plan: 'free', limits: { writes_per_minute: 10_000, reads_per_minute: 10_000 } });
      expect(bearer.body.id).toMatch(/^org_[0-9a-z]{26}$/);
      const header = await api.request('GET', '/v1/me', undefined, { Authorization: '', 'X-API-Key': api.key });
      expect(header.status).toBe(200);
      expect(header.body.id).toBe(bearer.body.id);
    });

    it.each([
      ['no key', {}, 'missing_api_key'],
      ['a malformed key', { Authorization: 'Bearer kdv_live_nope' }, 'invalid_api_key'],
      ['a well-formed unknown key', { Authorization: 'Bearer __GEN__' }, 'invalid_api_key'],
    ])('answers 401 with the envelope for %s', async (_name, headers, code) => {
      const { generateApiKey } = await import('#domain');
      const h: Record<string, string> = { Authorization: '' };
      for (const [k, v] of Object.entries(headers as Record<string, string>)) h[k] = v.replace('__GEN__', generateApiKey());
      const res = await api.request('GET', '/v1/me', undefined, h);
      expect(res.status).toBe(401);
      expect(errorOf(res.body)).toMatchObject({ type: 'authentication_error', code });
      expect(errorOf(res.body).request_id).toBe(res.headers.get('x-request-id'));
    });

    it('revocation takes effect at once and the plaintext is shown only at creation', async () => {
      const created = await api.request('POST', '/v1/api_keys', { name: 'short-lived' });
      expect(created.status).toBe(201);
      expect(created.body.key).toMatch(/^kdv_live_/);
      const list = await api.request('GET', '/v1/api_keys');
      expect(JSON.stringify(list.body)).not.toContain(created.body.key);
      expect((await api.request('GET', '/v1/me', undefined, api.auth(created.body.key))).status).toBe(200);
      const revoked = await api.request('DELETE', `/v1/api_keys/${created.body.id}`);
      expect(revoked.status).toBe(200);
      expect(revoked.body.revoked_at).not.toBeNull();
      const after = await api.request('GET', '/v1/me', undefined, api.auth(created.body.key));
      expect(after.status).toBe(401);
      expect(errorOf(after.body).code).toBe('invalid_api_key');
    });

    it('a read_only key reads but cannot write (403)', async () => {
      const ro = await api.request('POST', '/v1/api_keys', { name: 'reader', scope: 'read_only' });
      expect((await api.request('GET', '/v1/me', undefined, api.auth(ro.body.key))).status).toBe(200);
      const write = await api.request('POST', '/v1/api_keys', { name: 'x' }, api.auth(ro.body.key));
      expect(write.status).toBe(403);
      expect(errorOf(write.body)).toMatchObject({ type: 'permission_error', code: 'insufficient_scope' });
      // Minting a realtime token changes nothing the organization owns: a read-only dashboard key may do it.
      const token = await api.request('POST', '/v1/realtime/tokens', {}, api.auth(ro.body.key));
      expect(token.status).toBe(201);
      expect(token.body.token).toMatch(/^rt_/);
    });

    it('leaves public routes open', async () => {
      const res = await fetch(`${api.url}/healthz`);
      expect(res.status).toBe(200);
      const ready = await fetch(`${api.url}/readyz`);
      expect(await ready.json()).toMatchObject({ status: 'ok', checks: { database: 'ok' } });
      const metrics = await (await fetch(`${api.url}/metrics`)).text();
      expect(metrics).toContain('kdv_http_requests_total');
      const openapi = (await (await fetch(`${api.url}/v1/openapi.json`)).json()) as { openapi: string; paths: object };
      expect(openapi.openapi).toMatch(/^3\./);
      expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/v1/me', '/v1/api_keys']));
    });
  });

  describe('tenant isolation', () => {
    it("another organization's key can neither read nor detect objects (404, same as a made-up id)", async () => {
      const other = await api.app.get(OrganizationsService).create({ name: 'Other', firstKey: { name: 'k' } });
      const theirs = await api.request('POST', '/v1/api_keys', { name: 'theirs' }, api.auth(other.plaintextKey));
      expect(theirs.status).toBe(201);
      const cross = await api.request('DELETE', `/v1/api_keys/${theirs.body.id}`);
      const madeUp = await api.request('DELETE', '/v1/api_keys/key_01jzzzzzzzzzzzzzzzzzzzzzzz');
      expect(cross.status).toBe(404);
      expect(madeUp.status).toBe(404);
      expect(errorOf(cross.body).code).toBe(errorOf(madeUp.body).code);
      expect(errorOf(cross.body).message).not.toContain('Other');
      const mine = await api.request('GET', '/v1/api_keys');
      expect(mine.body.data.map((k: { id: string }) => k.id)).not.toContain(theirs.body.id);
      expect((await api.request('GET', '/v1/me', undefined, api.auth(theirs.body.key))).status).toBe(200);
    });
  });

  describe('bad input', () => {
    it('malformed JSON → 400 invalid_json', async () => {
      const res = await api.request('POST', '/v1/api_keys', '{"name":', { 'Content-Type': 'application/json' });
      expect(res.status).toBe(400);
      expect(errorOf(res.body)).toMatchObject({ type: 'invalid_request_error', code: 'invalid_json' });
    });
    it('a body that is not JSON → 415 unsupported_media_type, nothing created; JSON variants and bodiless POSTs pass', async () => {
      const before = (await api.request('GET', '/v1/api_keys')).body.data.length;
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
        const res = await api.request('POST', '/v1/api_keys', '{"name":"x"}', { 'Content-Type': type });
        expect(res.status).toBe(415);
        expect(errorOf(res.body)).toMatchObject({ type: 'invalid_request_error', code: 'unsupported_media_type', param: 'Content-Type' });
        expect(errorOf(res.body).message).toContain(type);
      }
      expect((await api.request('GET', '/v1/api_keys')).body.data.length).toBe(before);
      const charset = await api.request('POST', '/v1/api_keys', '{"name":"charset"}', { 'Content-Type': 'application/json; charset=utf-8' });
      expect(charset.status).toBe(201);
      const bodiless = await api.request('POST', '/v1/api_keys', undefined, {});
      expect(bodiless.status).toBe(400); // validation, not 415: there is no body whose type could be wrong
      expect(errorOf(bodiless.body).code).toBe('validation_failed');
    });
    it('unknown field → 400 naming it, nothing created', async () => {
      const before = (await api.request('GET', '/v1/api_keys')).body.data.length;
      const res = await api.request('POST', '/v1/api_keys', { name: 'x', admin: true });
      expect(res.status).toBe(400);
      expect(errorOf(res.body)).toMatchObject({ code: 'unknown_parameter', param: 'admin' });
      expect((await api.request('GET', '/v1/api_keys')).body.data.length).toBe(before);
    });
    it('invalid value → 400 naming the field', async () => {
      const res = await api.request('POST', '/v1/api_keys', { name: 'x', scope: 'root' });
      expect(res.status).toBe(400);
      expect(errorOf(res.body)).toMatchObject({ code: 'validation_failed', param: 'scope' });
    });
    it('oversized body → 413', async () => {
      const res = await api.request('POST', '/v1/api_keys', { name: 'x'.repeat(5 * 1024 * 1024) });
      expect(res.status).toBe(413);
      expect(errorOf(res.body).code).toBe('payload_too_large');
    });
    it('unknown route → 404 envelope, and X-Request-Id echoed', async () => {
      const res = await api.request('GET', '/v1/nope', undefined, { 'X-Request-Id': 'abc-123' });
      expect(res.status).toBe(404);
      expect(errorOf(res.body)).toMatchObject({ code: 'route_not_found', request_id: 'abc-123' });
      expect(res.headers.get('x-request-id')).toBe('abc-123');
    });
  });

  describe('idempotency', () => {
    it('replays the first answer for the same key and body, 422 for another body', async () => {
      const headers = { 'Idempotency-Key': 'idem-1' };
      const first = await api.request('POST', '/v1/api_keys', { name: 'once' }, headers);
      const second = await api.request('POST', '/v1/api_keys', { name: 'once' }, headers);
      expect(first.status).toBe(201);
      expect(second.status).toBe(201);
      expect(second.headers.get('idempotent-replayed')).toBe('true');
      expect(second.body).toEqual(first.body);
      const other = await api.request('POST', '/v1/api_keys', { name: 'another' }, headers);
      expect(other.status).toBe(422);
      expect(errorOf(other.body).code).toBe('idempotency_key_reuse');
      const keys = (await api.request('GET', '/v1/api_keys')).body.data.filter((k: { name: string }) => k.name === 'once');
      expect(keys).toHaveLength(1);
    });

    it('409 while the first request is still in flight', async () => {
      const me = (await api.request('GET', '/v1/me')).body;
      const body = { name: 'inflight' };
      const hash = IdempotencyService.requestHash('POST', '/v1/api_keys', body);
      await api.app.get(IdempotencyService).begin(me.id, 'idem-inflight', hash);
      const res = await api.request('POST', '/v1/api_keys', body, { 'Idempotency-Key': 'idem-inflight' });
      expect(res.status).toBe(409);
      expect(errorOf(res.body).code).toBe('idempotency_in_progress');
    });

    it('50 concurrent duplicates have one effect', async () => {
      const results = await Promise.all(
        Array.from({ length: 50 }, () => api.request('POST', '/v1/api_keys', { name: 'burst' }, { 'Idempotency-Key': 'idem-burst' })),
      );
      const statuses = results.map((r) => r.status);
      expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
      const created = new Set(results.filter((r) => r.status === 201).map((r) => r.body.id));
      expect(created.size).toBe(1);
      const keys = (await api.request('GET', '/v1/api_keys')).body.data.filter((k: { name: string }) => k.name === 'burst');
      expect(keys).toHaveLength(1);
    });

    it('is scoped per organization: another org may use the same key', async () => {
      const other = await api.app.get(OrganizationsService).create({ name: 'Other2', firstKey: { name: 'k' } });
      const a = await api.request('POST', '/v1/api_keys', { name: 'shared' }, { 'Idempotency-Key': 'idem-shared' });
      const b = await api.request('POST', '/v1/api_keys', { name: 'shared' }, { 'Idempotency-Key': 'idem-shared', ...api.auth(other.plaintextKey) });
      expect(a.status).toBe(201);
      expect(b.status).toBe(201);
      expect(b.headers.get('idempotent-replayed')).toBeNull();
      expect(b.body.id).not.toBe(a.body.id);
    });
  });
});

describe('rate limits (e2e, two api processes sharing Redis)', () => {
  let a: TestApi;
  let b: TestApi;

  beforeAll(async () => {
    const prefix = `kdvtest:rl${Date.now().toString(36)}`;
    a = await startTestApi({ redis: true, env: { REDIS_PREFIX: prefix } });
    b = await startTestApi({ redis: true, db: a.db, env: { REDIS_PREFIX: prefix, BOOTSTRAP_API_KEY: a.key } });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('headers count down exactly, then 429 with Retry-After', async () => {
    const org = await a.app.get(OrganizationsService).create({ name: 'Limited', firstKey: { name: 'k' } });
    await a.app.get(OrganizationsService).setLimits(org.organization.id, { readsPerMinute: 5 });
    const key = org.plaintextKey!;
    const remaining: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await a.request('GET', '/v1/me', undefined, a.auth(key));
      expect(r.status).toBe(200);
      expect(r.headers.get('x-ratelimit-limit')).toBe('5');
      remaining.push(r.headers.get('x-ratelimit-remaining')!);
      const reset = Number(r.headers.get('x-ratelimit-reset'));
      expect(reset).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000));
      expect(reset).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 61);
    }
    expect(remaining).toEqual(['4', '3', '2', '1', '0']);
    const limited = await a.request('GET', '/v1/me', undefined, a.auth(key));
    expect(limited.status).toBe(429);
    expect(limited.body.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limited' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
  });

  it('reads and writes have separate buckets', async () => {
    const org = await a.app.get(OrganizationsService).create({ name: 'Split', firstKey: { name: 'k' } });
    await a.app.get(OrganizationsService).setLimits(org.organization.id, { readsPerMinute: 1, writesPerMinute: 2 });
    const key = org.plaintextKey!;
    expect((await a.request('GET', '/v1/me', undefined, a.auth(key))).status).toBe(200);
    expect((await a.request('GET', '/v1/me', undefined, a.auth(key))).status).toBe(429);
    const w = await a.request('POST', '/v1/api_keys', { name: 'w' }, a.auth(key));
    expect(w.status).toBe(201);
    expect(w.headers.get('x-ratelimit-limit')).toBe('2');
  });

  it('is exact across two api processes under concurrency: no over-admission', async () => {
    const org = await a.app.get(OrganizationsService).create({ name: 'Shared', firstKey: { name: 'k' } });
    await a.app.get(OrganizationsService).setLimits(org.organization.id, { readsPerMinute: 40 });
    const key = org.plaintextKey!;
    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: 120 }, (_, i) => (i % 2 ? a : b).request('GET', '/v1/me', undefined, a.auth(key))),
    );
    const elapsedS = (Date.now() - started) / 1000;
    const ok = results.filter((r) => r.status === 200).length;
    // The 40-token burst, plus what refilled while the burst was in flight (40/min = one per 1.5 s) — never more.
    expect(ok).toBeGreaterThanOrEqual(40);
    expect(ok).toBeLessThanOrEqual(40 + Math.floor(elapsedS / 1.5) + 1);
    expect(results.filter((r) => r.status === 429).length).toBe(120 - ok);
  });
});
