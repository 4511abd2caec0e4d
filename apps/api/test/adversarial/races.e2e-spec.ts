import { Redis } from 'ioredis';
import { PrismaService } from '#db';
import { ERROR_CATALOGUE, OrganizationsService } from '#domain';
import { SandboxAdminClient } from '#sandbox';
import { TEST_REDIS_URL, testRedisPrefix } from '#testing';
import { startTestApi, type TestApi } from '../harness.js';
import { postMcp } from '../mcp/mcp-client.js';
import { conversationWith, customerWrites, eventually } from '../messaging-helpers.js';
import { freePort } from './adversarial-env.js';
import { randomPhone } from './org-fixtures.js';

/**
 * Races across four api processes sharing one PostgreSQL database and one Redis prefix (production topology):
 * concurrent duplicates of one Idempotency-Key have one effect, the same key in two organizations has two
 * independent ones, and the per-organization rate limit admits no more than its bucket holds plus what refills
 * while the burst is in flight — also when bursts straddle a refill.
 */
describe('idempotency and rate-limit races (e2e, 4 api processes, one database, one Redis prefix)', () => {
  const apis: TestApi[] = [];
  let redis: Redis;
  let prefix: string;

  beforeAll(async () => {
    prefix = testRedisPrefix();
    const port = await freePort();
    const first = await startTestApi({ redis: true, env: { PORT: String(port), REDIS_PREFIX: prefix, META_GRAPH_URL: `http://127.0.0.1:${port}/sandbox` } });
    apis.push(first);
    // The others share the first one's database, secrets and sandbox (one Meta for everyone, as in production).
    for (let i = 1; i < 4; i++)
      apis.push(
        await startTestApi({
          redis: true,
          db: first.db,
          env: {
            REDIS_PREFIX: prefix,
            BOOTSTRAP_API_KEY: first.key,
            ENCRYPTION_KEY: first.config.encryptionKey.toString('hex'),
            META_APP_SECRET: first.config.metaAppSecret,
            META_VERIFY_TOKEN: first.config.metaVerifyToken,
            META_GRAPH_URL: `${first.url}/sandbox`,
            SANDBOX_URL: `${first.url}/sandbox`,
          },
        }),
      );
    await new SandboxAdminClient(`${first.url}/sandbox`).patchBehavior({ template_review_ms: 0 });
    redis = new Redis(TEST_REDIS_URL);
  }, 120_000);

  afterAll(async () => {
    redis?.disconnect();
    for (const api of apis.slice(1).reverse()) await api.close();
    await apis[0]?.close();
  });

  /** An organization with a sandbox number and a customer who wrote in (its window is open). */
  async function organizationWithCustomer(name: string): Promise<{ id: string; key: string; pn: string; customer: string }> {
    const api = apis[0];
    const created = await api.app.get(OrganizationsService).create({ name, firstKey: { name: 'k' } });
    const key = created.plaintextKey!;
    await api.app.get(OrganizationsService).setLimits(created.organization.id, { writesPerMinute: 100_000, readsPerMinute: 100_000 });
    const number = await api.request('POST', '/v1/phone_numbers', { sandbox: true }, api.auth(key));
    expect(number.status).toBe(201);
    const customer = randomPhone();
    const wamid = await customerWrites(api, number.body.id, customer, 'hello', key);
    await conversationWith(api, customer, wamid, key);
    return { id: created.organization.id, key, pn: number.body.id, customer };
  }

  async function messagesWith(organizationId: string, marker: string): Promise<number> {
    return apis[0].app.get(PrismaService).client.message.count({ where: { organizationId, body: { contains: marker } } });
  }

  /** `n` concurrent POST /v1/messages with one key, spread over the four processes. */
  function burstOfDuplicates(n: number, key: string, idempotencyKey: string, body: unknown) {
    return Promise.all(Array.from({ length: n }, (_, i) => apis[i % apis.length].request('POST', '/v1/messages', body, { ...apis[0].auth(key), 'Idempotency-Key': idempotencyKey })));
  }

  describe('idempotency', () => {
    it('50 concurrent duplicates across 4 processes: one message, one answer (the rest 409 or identical replays)', async () => {
      const org = await organizationWithCustomer('Idem');
      const marker = `idem-race-${Date.now()}`;
      const body = { phone_number_id: org.pn, to: org.customer, type: 'text', text: { body: marker } };
      const results = await burstOfDuplicates(50, org.key, `race-${marker}`, body);

      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s !== 202 && s !== 409)).toEqual([]);
      const accepted = results.filter((r) => r.status === 202);
      expect(accepted.length).toBeGreaterThanOrEqual(1);
      for (const r of accepted) expect(r.body).toEqual(accepted[0].body);
      for (const r of results.filter((x) => x.status === 409)) expect(r.body.error).toMatchObject({ code: 'idempotency_in_progress', type: 'conflict_error', param: 'Idempotency-Key' });
      expect(await messagesWith(org.id, marker)).toBe(1);

      // Once the first has finished, every retry is a replay of it, on any process.
      for (const api of apis) {
        const again = await api.request('POST', '/v1/messages', body, { ...api.auth(org.key), 'Idempotency-Key': `race-${marker}` });
        expect(again.status).toBe(202);
        expect(again.headers.get('idempotent-replayed')).toBe('true');
        expect(again.body).toEqual(accepted[0].body);
      }
      expect(await messagesWith(org.id, marker)).toBe(1);
    });

    it('the same key used concurrently by two organizations has two independent effects', async () => {
      const [a, b] = [await organizationWithCustomer('Idem A'), await organizationWithCustomer('Idem B')];
      const marker = `idem-cross-${Date.now()}`;
      const shared = `shared-${marker}`;
      const [ra, rb] = await Promise.all([
        burstOfDuplicates(25, a.key, shared, { phone_number_id: a.pn, to: a.customer, type: 'text', text: { body: `${marker} A` } }),
        burstOfDuplicates(25, b.key, shared, { phone_number_id: b.pn, to: b.customer, type: 'text', text: { body: `${marker} B` } }),
      ]);
      const acceptedA = ra.filter((r) => r.status === 202);
      const acceptedB = rb.filter((r) => r.status === 202);
      expect([...ra, ...rb].filter((r) => r.status !== 202 && r.status !== 409)).toEqual([]);
      expect(acceptedA.length).toBeGreaterThanOrEqual(1);
      expect(acceptedB.length).toBeGreaterThanOrEqual(1);
      for (const r of acceptedA) expect(r.body).toEqual(acceptedA[0].body);
      for (const r of acceptedB) expect(r.body).toEqual(acceptedB[0].body);
      expect(acceptedA[0].body.id).not.toBe(acceptedB[0].body.id);
      expect(JSON.stringify(rb)).not.toContain(acceptedA[0].body.id);
      expect(JSON.stringify(ra)).not.toContain(acceptedB[0].body.id);
      expect(await messagesWith(a.id, marker)).toBe(1);
      expect(await messagesWith(b.id, marker)).toBe(1);
    });
  });

  describe('rate limits', () => {
    const N = 100;
    const perSecond = N / 60;

    async function limitedOrg(name: string): Promise<{ id: string; key: string }> {
      const created = await apis[0].app.get(OrganizationsService).create({ name, firstKey: { name: 'k' } });
      await apis[0].app.get(OrganizationsService).setLimits(created.organization.id, { readsPerMinute: N, writesPerMinute: 100_000 });
      return { id: created.organization.id, key: created.plaintextKey! };
    }

    /**
     * `n` concurrent reads over the four processes, alternating REST and MCP (one read bucket for both). Returns how
     * many were admitted and checks every refusal is a well-formed 429.
     */
    async function burst(key: string, n: number): Promise<{ admitted: number; startedAt: number; endedAt: number }> {
      const startedAt = Date.now();
      const results = await Promise.all(
        Array.from({ length: n }, async (_, i) => {
          const api = apis[i % apis.length];
          if (i % 3 === 2) {
            const r = await postMcp(api.url, key, { jsonrpc: '2.0', id: i, method: 'tools/call', params: { name: 'get_project_info', arguments: {} } });
            if (r.status === 429) {
              expect(r.body?.error?.data?.code).toBe('rate_limited');
              expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
            } else expect(r.status).toBe(200);
            return r.status === 200;
          }
          const r = await api.request('GET', '/v1/me', undefined, api.auth(key));
          if (r.status === 429) {
            expect(r.body.error).toMatchObject({ type: ERROR_CATALOGUE.rate_limited.type, code: 'rate_limited', request_id: r.headers.get('x-request-id') });
            expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
          } else expect(r.status).toBe(200);
          return r.status === 200;
        }),
      );
      return { admitted: results.filter(Boolean).length, startedAt, endedAt: Date.now() };
    }

    /** Tokens that can have refilled between two instants (plus one for the token being refilled at the edge). */
    const refill = (fromMs: number, toMs: number) => Math.floor(((toMs - fromMs) / 1000) * perSecond) + 1;

    it(`500 concurrent requests from 4 processes against a limit of ${N}/min admit at most ${N} + refill`, async () => {
      const org = await limitedOrg('Burst');
      const { admitted, startedAt, endedAt } = await burst(org.key, 500);
      expect(admitted).toBeGreaterThanOrEqual(N);
      expect(admitted).toBeLessThanOrEqual(N + refill(startedAt, endedAt));
    });

    it('a drained bucket admits only what refilled, and a full refill gives one burst, not two', async () => {
      const org = await limitedOrg('Straddle');
      const first = await burst(org.key, 300);
      expect(first.admitted).toBeGreaterThanOrEqual(N);
      expect(first.admitted).toBeLessThanOrEqual(N + refill(first.startedAt, first.endedAt));

      // Straddling the refill: a second burst a few seconds later gets only what dripped back in.
      await new Promise((r) => setTimeout(r, 3_000));
      const second = await burst(org.key, 200);
      expect(second.admitted).toBeLessThanOrEqual(refill(first.startedAt, second.endedAt));
      expect(first.admitted + second.admitted).toBeLessThanOrEqual(N + refill(first.startedAt, second.endedAt));

      // After a full refill (the bucket's clock moved back two minutes, as if that long had passed — or really
      // waited with ADVERSARIAL_REAL_TIME=1), a burst gets the capacity again and no more: the bucket does not
      // accumulate beyond it, however long it sat idle.
      const bucket = `${prefix}:bucket:rl:read:${org.id}`;
      if (process.env.ADVERSARIAL_REAL_TIME) await new Promise((r) => setTimeout(r, 61_000));
      else {
        const ts = Number(await redis.hget(bucket, 'ts'));
        expect(ts).toBeGreaterThan(0); // the key layout this relies on; fails loudly if it changes
        await redis.hset(bucket, 'ts', String(ts - 120_000));
      }
      const third = await burst(org.key, 300);
      expect(third.admitted).toBeGreaterThanOrEqual(N);
      expect(third.admitted).toBeLessThanOrEqual(N + refill(third.startedAt, third.endedAt));
    }, 120_000);
  });

  describe('per-process caches stay coherent across processes', () => {
    /** Polls each process until `accepts` holds; the cache TTL is 30 s, so passing within 2 s proves the invalidation. */
    async function onEveryProcessWithin(ms: number, accepts: (api: TestApi) => Promise<boolean>): Promise<void> {
      for (const api of apis) await eventually(async () => ((await accepts(api)) ? true : undefined), `process ${api.url}`, ms);
    }

    it('a key revoked through one process is refused by all four, though each had it cached', async () => {
      const org = await organizationWithCustomer('Revoke');
      const second = await apis[0].request('POST', '/v1/api_keys', { name: 'doomed' }, apis[0].auth(org.key));
      expect(second.status).toBe(201);
      for (const api of apis) expect((await api.request('GET', '/v1/me', undefined, api.auth(second.body.key))).status).toBe(200);

      const revoked = await apis[1].request('DELETE', `/v1/api_keys/${second.body.id}`, undefined, apis[1].auth(org.key));
      expect(revoked.status).toBe(200);
      await onEveryProcessWithin(2_000, async (api) => (await api.request('GET', '/v1/me', undefined, api.auth(second.body.key))).status === 401);
      // The organization's other key is unaffected everywhere.
      for (const api of apis) expect((await api.request('GET', '/v1/me', undefined, api.auth(org.key))).status).toBe(200);
    });

    it('new limits set through one process apply on all four at once', async () => {
      const org = await organizationWithCustomer('Limits');
      for (const api of apis) expect((await api.request('GET', '/v1/me', undefined, api.auth(org.key))).headers.get('x-ratelimit-limit')).toBe('100000');
      await apis[2].app.get(OrganizationsService).setLimits(org.id, { readsPerMinute: 777 });
      await onEveryProcessWithin(2_000, async (api) => (await api.request('GET', '/v1/me', undefined, api.auth(org.key))).headers.get('x-ratelimit-limit') === '777');
    });

    it('a number disconnected through one process can no longer send through any of the four', async () => {
      const org = await organizationWithCustomer('Disconnect');
      const send = (api: TestApi) => api.request('POST', '/v1/messages', { phone_number_id: org.pn, to: org.customer, type: 'text', text: { body: 'x' } }, api.auth(org.key));
      for (const api of apis) expect((await send(api)).status).toBe(202); // every process has the number cached
      expect((await apis[3].request('DELETE', `/v1/phone_numbers/${org.pn}`, undefined, apis[3].auth(org.key))).status).toBe(200);
      await onEveryProcessWithin(2_000, async (api) => (await send(api)).status !== 202);
    });

    it('a template Meta paused (webhook received by one process) is refused by all four', async () => {
      const org = await organizationWithCustomer('Template');
      expect((await apis[0].request('POST', '/v1/templates/sync', { phone_number_id: org.pn }, apis[0].auth(org.key))).status).toBeLessThan(300);
      const number = (await apis[0].request('GET', `/v1/phone_numbers/${org.pn}`, undefined, apis[0].auth(org.key))).body;
      const send = (api: TestApi) =>
        api.request('POST', '/v1/messages', { phone_number_id: org.pn, to: org.customer, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } }, api.auth(org.key));
      for (const api of apis) expect((await send(api)).status).toBe(202);
      await new SandboxAdminClient(`${apis[0].url}/sandbox`).setTemplateStatus({ phone_number_id: number.phone_number_id, name: 'hello_world', language: 'en_US', status: 'PAUSED' });
      // One webhook hop (sandbox → first api) then the invalidation: seconds at most, the cache TTL is 30 s.
      await onEveryProcessWithin(5_000, async (api) => (await send(api)).status !== 202);
    });

    it('a webhook subscription created through one process gets the events another process emits', async () => {
      const org = await organizationWithCustomer('Subs');
      const send = (api: TestApi, marker: string) =>
        api.request('POST', '/v1/messages', { phone_number_id: org.pn, to: org.customer, type: 'text', text: { body: marker } }, api.auth(org.key));
      // Every process has now looked up (and cached) "no subscriptions" for this organization.
      for (const api of apis) expect((await send(api, 'before')).status).toBe(202);

      const sub = await apis[0].request('POST', '/v1/webhook_subscriptions', { url: 'http://127.0.0.1:9/hook', events: ['message.created'] }, apis[0].auth(org.key));
      expect(sub.status).toBe(201);
      // Sends are sequential and only message.created is subscribed: each accepted send must add one delivery.
      const deliveries = async () => (await apis[0].request('GET', `/v1/webhook_deliveries?subscription_id=${sub.body.id}&limit=100`, undefined, apis[0].auth(org.key))).body.data.length as number;
      await onEveryProcessWithin(2_000, async (api) => {
        const before = await deliveries();
        expect((await send(api, `after ${api.url}`)).status).toBe(202);
        return (await deliveries()) === before + 1;
      });
    });
  });
});
