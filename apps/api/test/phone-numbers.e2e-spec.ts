import net from 'node:net';
import { PrismaService } from '#db';
import { ApiKeysService, OrganizationsService, PhoneNumbersService, systemContext, type TenantContext } from '#domain';
import { SandboxAdminClient } from '#sandbox';
import { signMetaPayload } from '#whatsapp';
import { startTestApi, type TestApi } from './harness.js';

/**
 * Phone numbers through the real api, with the sandbox mounted in-process. META_GRAPH_URL points at that sandbox
 * too, so "live" (non-sandbox) connects talk to it exactly as they would talk to Meta.
 */
describe('phone numbers (e2e)', () => {
  let api: TestApi;
  let sandbox: SandboxAdminClient;
  let orgId: string;
  let otherKey: string;
  let testKey: string;

  beforeAll(async () => {
    const port = await freePort();
    api = await startTestApi({ env: { PORT: String(port), META_GRAPH_URL: `http://127.0.0.1:${port}/sandbox` } });
    sandbox = new SandboxAdminClient(api.config.sandboxGraphUrl);
    orgId = (await api.request('GET', '/v1/me')).body.id;
    otherKey = (await api.app.get(OrganizationsService).create({ name: 'Other', firstKey: { name: 'k' } })).plaintextKey!;
    testKey = (await api.app.get(ApiKeysService).create(systemContext(orgId), { name: 'test', mode: 'test' })).plaintext;
  });
  afterAll(() => api?.close());

  const ctx = (over: Partial<TenantContext> = {}): TenantContext => ({ ...systemContext(orgId), ...over });
  const live = (n: { phone_number_id: string; waba_id: string; access_token: string }) => ({
    phone_number_id: n.phone_number_id,
    waba_id: n.waba_id,
    access_token: n.access_token,
  });

  it('connects a sandbox number: verified, subscribed, token encrypted at rest, audited, readable by either id', async () => {
    const res = await api.request('POST', '/v1/phone_numbers', { sandbox: true, verified_name: 'Kedai Kopi', display_phone_number: '+1 555 010 0001' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      object: 'phone_number',
      display_phone_number: '+15550100001',
      verified_name: 'Kedai Kopi',
      quality_rating: 'GREEN',
      throughput_per_second: 80,
      status: 'active',
      is_sandbox: true,
      paused_reason: null,
    });
    expect(res.body.id).toMatch(/^pn_/);
    expect(res.body.phone_number_id).toMatch(/^\d+$/);

    const provisioned = (await sandbox.listNumbers()).data.find((n) => n.phone_number_id === res.body.phone_number_id)!;
    expect(JSON.stringify(res.body)).not.toContain(provisioned.access_token);
    const row = await api.app.get(PrismaService).db.phoneNumber.findFirstOrThrow({ where: { id: res.body.id } });
    expect(row.accessTokenEnc).toMatch(/^v1\./);
    expect(row.accessTokenEnc).not.toContain(provisioned.access_token);
    expect(row.connectedMetaId).toBe(res.body.phone_number_id);
    expect(api.app.get(PhoneNumbersService).credentialsFor(row)).toEqual({
      baseUrl: api.config.sandboxGraphUrl,
      version: api.config.metaGraphVersion,
      accessToken: provisioned.access_token,
    });
    const audit = await api.app.get(PrismaService).db.auditLog.findMany({ where: { organizationId: orgId, targetId: res.body.id, targetType: 'phone_number' } });
    expect(audit.map((a) => a.action).filter((a) => a.startsWith('phone_number.'))).toEqual(['phone_number.connected']);

    const byOurs = await api.request('GET', `/v1/phone_numbers/${res.body.id}`);
    const byMeta = await api.request('GET', `/v1/phone_numbers/${res.body.phone_number_id}`);
    expect(byOurs.body).toEqual(res.body);
    expect(byMeta.body.id).toBe(res.body.id);
    const list = await api.request('GET', '/v1/phone_numbers');
    expect(list.body).toMatchObject({ object: 'list', has_more: false, next_cursor: null });
    expect(list.body.data.map((n: { id: string }) => n.id)).toContain(res.body.id);
  });

  it('refuses bad input: credentials with sandbox, missing credentials, non-numeric ids, throughput out of range', async () => {
    const mixed = await api.request('POST', '/v1/phone_numbers', { sandbox: true, phone_number_id: '123' });
    expect(mixed.status).toBe(400);
    expect(mixed.body.error).toMatchObject({ code: 'validation_failed', param: 'phone_number_id' });
    const missing = await api.request('POST', '/v1/phone_numbers', { waba_id: '1', access_token: 'x'.repeat(20) });
    expect(missing.body.error).toMatchObject({ code: 'validation_failed', param: 'phone_number_id' });
    const words = await api.request('POST', '/v1/phone_numbers', { phone_number_id: 'abc', waba_id: '1', access_token: 'x'.repeat(20) });
    expect(words.body.error.param).toBe('phone_number_id');
    const tooFast = await api.request('POST', '/v1/phone_numbers', { sandbox: true, throughput_per_second: 1001 });
    expect(tooFast.body.error).toMatchObject({ code: 'validation_failed', param: 'throughput_per_second' });
  });

  it('answers 422 meta_verification_failed with Meta’s message when Meta refuses the credentials', async () => {
    const n = await sandbox.provisionNumber({ seed_templates: false });
    const res = await api.request('POST', '/v1/phone_numbers', { ...live(n), access_token: 'EAAGnot-a-valid-token-000' });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('meta_verification_failed');
    expect(res.body.error.message).toMatch(new RegExp(`^Meta refused phone number ${n.phone_number_id}: Invalid OAuth access token`));
    expect(res.body.error.details).toMatchObject({ meta_code: 190 });

    const elsewhere = await sandbox.provisionNumber({ seed_templates: false });
    const wrongWaba = await api.request('POST', '/v1/phone_numbers', { ...live(n), waba_id: elsewhere.waba_id });
    expect(wrongWaba.status).toBe(422);
    expect(wrongWaba.body.error.code).toBe('meta_verification_failed');
    expect(await api.app.get(PrismaService).db.phoneNumber.count({ where: { metaPhoneNumberId: n.phone_number_id } })).toBe(0);
  });

  it('a Meta number belongs to one organization: 409 for another, which learns nothing more; free again once disconnected', async () => {
    const n = await sandbox.provisionNumber({ seed_templates: false });
    const mine = await api.request('POST', '/v1/phone_numbers', live(n));
    expect(mine.status).toBe(201);
    expect(mine.body).toMatchObject({ is_sandbox: false, phone_number_id: n.phone_number_id, waba_id: n.waba_id });

    const theirs = await api.request('POST', '/v1/phone_numbers', live(n), api.auth(otherKey));
    expect(theirs.status).toBe(409);
    expect(theirs.body.error.code).toBe('phone_number_already_connected');
    expect(JSON.stringify(theirs.body)).not.toContain(mine.body.id);
    const again = await api.request('POST', '/v1/phone_numbers', live(n));
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain(mine.body.id);

    const gone = await api.request('DELETE', `/v1/phone_numbers/${mine.body.id}`);
    expect(gone.status).toBe(200);
    expect(gone.body).toMatchObject({ id: mine.body.id, status: 'disconnected' });
    expect(gone.body.disconnected_at).not.toBeNull();
    expect((await api.request('DELETE', `/v1/phone_numbers/${mine.body.id}`)).body.status).toBe('disconnected');
    expect(await api.app.get(PhoneNumbersService).findByMetaId(n.phone_number_id)).toBeNull();

    const taken = await api.request('POST', '/v1/phone_numbers', live(n), api.auth(otherKey));
    expect(taken.status).toBe(201);
    expect((await api.app.get(PhoneNumbersService).findByMetaId(n.phone_number_id))?.id).toBe(taken.body.id);
    expect((await api.request('POST', '/v1/phone_numbers', live(n))).status).toBe(409);
    // Our disconnected row stays ours, with its history.
    expect((await api.request('GET', `/v1/phone_numbers/${mine.body.id}`)).body.status).toBe('disconnected');
    await api.request('DELETE', `/v1/phone_numbers/${taken.body.id}`, undefined, api.auth(otherKey));

    const back = await api.request('POST', '/v1/phone_numbers', live(n));
    expect(back.status).toBe(201);
    expect(back.body).toMatchObject({ id: mine.body.id, status: 'active', disconnected_at: null });
  });

  it('PATCH with a new token (verified first) resumes a number paused by an expired token; throughput 1..1000', async () => {
    const created = (await api.request('POST', '/v1/phone_numbers', { sandbox: true })).body;
    const service = api.app.get(PhoneNumbersService);
    expect(await service.pause(orgId, created.id, 'Meta error 190: session expired')).toBe(true);
    expect(await service.pause(orgId, created.id, 'again')).toBe(false);
    const paused = (await api.request('GET', `/v1/phone_numbers/${created.id}`)).body;
    expect(paused).toMatchObject({ status: 'paused', paused_reason: 'Meta error 190: session expired' });

    const oldToken = (await sandbox.listNumbers()).data.find((n) => n.phone_number_id === created.phone_number_id)!.access_token;
    const fresh = await sandbox.expireToken(created.phone_number_id);
    const refused = await api.request('PATCH', `/v1/phone_numbers/${created.id}`, { access_token: oldToken });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('meta_verification_failed');
    expect((await api.request('GET', `/v1/phone_numbers/${created.id}`)).body.status).toBe('paused');

    const resumed = await api.request('PATCH', `/v1/phone_numbers/${created.id}`, { access_token: fresh.access_token, throughput_per_second: 500 });
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ status: 'active', paused_reason: null, throughput_per_second: 500 });
    const row = await service.get(ctx(), created.id);
    expect(service.credentialsFor(row).accessToken).toBe(fresh.access_token);

    for (const bad of [0, 1001, 2.5, '80'])
      expect((await api.request('PATCH', `/v1/phone_numbers/${created.id}`, { throughput_per_second: bad })).body.error).toMatchObject({
        code: 'validation_failed',
        param: 'throughput_per_second',
      });
    expect((await api.request('PATCH', `/v1/phone_numbers/${created.id}`, {})).body.error.code).toBe('validation_failed');
    expect((await api.request('PATCH', `/v1/phone_numbers/${created.id}`, { app_secret: 'own-secret-123' })).body.error.param).toBe('app_secret');
    const audit = await api.app.get(PrismaService).db.auditLog.findMany({ where: { organizationId: orgId, targetId: created.id }, orderBy: { id: 'asc' } });
    const own = audit.filter((a) => a.action.startsWith('phone_number.')); // the background template sync is audited too
    expect(own.map((a) => a.action)).toEqual(['phone_number.connected', 'phone_number.paused', 'phone_number.updated']);
    expect(own[2].metadata).toMatchObject({ resumed: true, fields: ['access_token', 'throughput_per_second'] });
  });

  it('signs webhooks with the number’s own app secret when it has one, else the platform’s', async () => {
    const service = api.app.get(PhoneNumbersService);
    const n = await sandbox.provisionNumber({ seed_templates: false });
    const res = await api.request('POST', '/v1/phone_numbers', { ...live(n), app_secret: 'my-own-app-secret' });
    expect(res.body.has_own_app_secret).toBe(true);
    expect(await service.webhookSecretFor(n.phone_number_id)).toBe('my-own-app-secret');
    await api.request('PATCH', `/v1/phone_numbers/${res.body.id}`, { app_secret: null });
    expect(await service.webhookSecretFor(n.phone_number_id)).toBe(api.config.metaAppSecret);
    expect(await service.webhookSecretFor('999999999999')).toBe(api.config.metaAppSecret);
    await api.request('DELETE', `/v1/phone_numbers/${res.body.id}`);
  });

  it('accepts a template status webhook signed by the app of a number on that WABA (it names only the WABA)', async () => {
    const n = await sandbox.provisionNumber({ seed_templates: false });
    const res = await api.request('POST', '/v1/phone_numbers', { ...live(n), app_secret: 'waba-own-app-secret' });
    expect(res.status).toBe(201);
    const body = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [{ id: n.waba_id, time: Math.floor(Date.now() / 1000), changes: [{ field: 'message_template_status_update', value: { event: 'APPROVED', message_template_id: 1, message_template_name: 'none_here', message_template_language: 'en', reason: 'NONE' } }] }],
    });
    const post = (secret: string) =>
      fetch(`${api.url}/webhooks/meta`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': signMetaPayload(body, secret) }, body });
    expect((await post('waba-own-app-secret')).status).toBe(200);
    expect((await post(api.config.metaAppSecret)).status).toBe(200);
    expect((await post('someone-elses-secret')).status).toBe(401);
    await api.request('DELETE', `/v1/phone_numbers/${res.body.id}`);
    expect((await post('waba-own-app-secret')).status).toBe(401); // no connected number of that app is left
  });

  it('resolve: either id form, the only number when omitted, test keys on sandbox numbers only', async () => {
    const service = api.app.get(PhoneNumbersService);
    const org = await api.app.get(OrganizationsService).create({ name: 'Resolver', firstKey: { name: 'k' } });
    const rctx = systemContext(org.organization.id);
    await expect(service.resolve(rctx)).rejects.toMatchObject({ code: 'no_phone_number' });
    const first = (await api.request('POST', '/v1/phone_numbers', { sandbox: true }, api.auth(org.plaintextKey))).body;
    expect((await service.resolve(rctx)).id).toBe(first.id);
    expect((await service.resolve(rctx, first.phone_number_id)).id).toBe(first.id);
    const n = await sandbox.provisionNumber({ seed_templates: false });
    const liveNumber = (await api.request('POST', '/v1/phone_numbers', live(n), api.auth(org.plaintextKey))).body;
    await expect(service.resolve(rctx)).rejects.toMatchObject({ code: 'phone_number_required', status: 422 });
    await expect(service.resolve(rctx, 'pn_01jzzzzzzzzzzzzzzzzzzzzzzz')).rejects.toMatchObject({ code: 'not_found', status: 404 });
    await expect(service.resolve(rctx, first.id.slice(0, -1))).rejects.toMatchObject({ code: 'not_found' });

    const testCtx = { ...rctx, keyMode: 'test' as const };
    await expect(service.resolve(testCtx, liveNumber.id)).rejects.toMatchObject({ code: 'test_key_live_number', status: 403 });
    expect((await service.resolve(testCtx)).id).toBe(first.id); // only the sandbox number counts for a test key

    // Over HTTP: a test key cannot connect or change a live number.
    const live2 = await sandbox.provisionNumber({ seed_templates: false });
    expect((await api.request('POST', '/v1/phone_numbers', live(live2), api.auth(testKey))).body.error.code).toBe('test_key_live_number');
    expect((await api.request('POST', '/v1/phone_numbers', { sandbox: true }, api.auth(testKey))).status).toBe(201);
  });

  it('caps live numbers by plan (free: 2); sandbox numbers do not count', async () => {
    const org = await api.app.get(OrganizationsService).create({ name: 'Capped', firstKey: { name: 'k' } });
    const as = api.auth(org.plaintextKey);
    for (let i = 0; i < 2; i++) {
      const n = await sandbox.provisionNumber({ seed_templates: false });
      expect((await api.request('POST', '/v1/phone_numbers', live(n), as)).status).toBe(201);
    }
    const third = await api.request('POST', '/v1/phone_numbers', live(await sandbox.provisionNumber({ seed_templates: false })), as);
    expect(third.status).toBe(422);
    expect(third.body.error.code).toBe('phone_number_limit_reached');
    expect((await api.request('POST', '/v1/phone_numbers', { sandbox: true }, as)).status).toBe(201);
  });

  it('another organization gets 404 on every route for our numbers and sees none of them', async () => {
    const mine = (await api.request('POST', '/v1/phone_numbers', { sandbox: true })).body;
    const as = api.auth(otherKey);
    for (const id of [mine.id, mine.phone_number_id]) {
      expect((await api.request('GET', `/v1/phone_numbers/${id}`, undefined, as)).status).toBe(404);
      expect((await api.request('PATCH', `/v1/phone_numbers/${id}`, { throughput_per_second: 5 }, as)).status).toBe(404);
      expect((await api.request('DELETE', `/v1/phone_numbers/${id}`, undefined, as)).status).toBe(404);
      const inbound = await api.request('POST', '/v1/sandbox/inbound', { phone_number_id: id, from: '+628123456789', type: 'text', text: { body: 'x' } }, as);
      expect(inbound.status).toBe(404);
    }
    const theirs = (await api.request('GET', '/v1/phone_numbers', undefined, as)).body.data.map((n: { id: string }) => n.id);
    expect(theirs).not.toContain(mine.id);
    // Unknown and foreign ids answer the same.
    const unknown = await api.request('GET', '/v1/phone_numbers/pn_01jzzzzzzzzzzzzzzzzzzzzzzz', undefined, as);
    const foreign = await api.request('GET', `/v1/phone_numbers/${mine.id}`, undefined, as);
    expect({ ...foreign.body.error, message: undefined, request_id: undefined }).toEqual({ ...unknown.body.error, message: undefined, request_id: undefined });
    expect((await api.request('GET', `/v1/phone_numbers/${mine.id}`)).body.status).toBe('active');
  });

  it('lists with cursor pagination and a status filter', async () => {
    const all: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { data: { id: string }[]; next_cursor: string | null } } = await api.request(
        'GET',
        `/v1/phone_numbers?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      all.push(...page.body.data.map((n) => n.id));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(all.length).toBeGreaterThan(3);
    expect(new Set(all).size).toBe(all.length);
    const disconnected = (await api.request('GET', '/v1/phone_numbers?status=disconnected')).body.data;
    expect(disconnected.every((n: { status: string }) => n.status === 'disconnected')).toBe(true);
    expect((await api.request('GET', '/v1/phone_numbers?limit=0')).body.error.param).toBe('limit');
    expect((await api.request('GET', '/v1/phone_numbers?cursor=zzz')).body.error.code).toBe('invalid_cursor');
  });

  describe('POST /v1/sandbox/inbound', () => {
    it('injects a Cloud API inbound message through the sandbox and answers 202 with its wamid', async () => {
      const n = (await api.request('POST', '/v1/phone_numbers', { sandbox: true })).body;
      const res = await api.request('POST', '/v1/sandbox/inbound', {
        phone_number_id: n.id,
        from: '+628123456789',
        type: 'text',
        text: { body: 'halo' },
        profile_name: 'Budi',
      });
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ object: 'sandbox_inbound' });
      expect(res.body.wamid).toMatch(/^wamid\./);
      const byMeta = await api.request('POST', '/v1/sandbox/inbound', {
        phone_number_id: n.phone_number_id,
        from: '628123456789',
        type: 'interactive',
        interactive: { type: 'button_reply', button_reply: { id: 'yes', title: 'Yes' } },
      });
      expect(byMeta.status).toBe(202);
      const image = await api.request('POST', '/v1/sandbox/inbound', {
        phone_number_id: n.id,
        from: '+628123456789',
        type: 'image',
        image: { caption: 'receipt', mime_type: 'image/png', data_base64: Buffer.from('png bytes').toString('base64') },
      });
      expect(image.status).toBe(202);

      // Through the signed webhook, ingest and the media-download job: the messages and the image's bytes appear.
      const inbound = async (wamid: string) =>
        waitFor(async () => {
          const list = await api.request('GET', '/v1/messages?direction=inbound&limit=100');
          return list.body.data?.find((m: { wamid: string }) => m.wamid === wamid);
        });
      expect(await inbound(res.body.wamid)).toMatchObject({ phone_number_id: n.id, type: 'text', text: { body: 'halo' }, from: '+628123456789' });
      expect((await inbound(byMeta.body.wamid)).type).toBe('interactive');
      const received = await inbound(image.body.wamid);
      expect(received.image).toMatchObject({ caption: 'receipt', mime_type: 'image/png' });
      const bytes = await waitFor(async () => {
        const r = await fetch(`${api.url}/v1/media/${received.image.media_id}`, { headers: api.auth() });
        return r.status === 200 ? Buffer.from(await r.arrayBuffer()) : undefined;
      });
      expect(bytes.toString()).toBe('png bytes');
    });

    it('validates the type and its body', async () => {
      const n = (await api.request('POST', '/v1/phone_numbers', { sandbox: true })).body;
      const send = (body: object) => api.request('POST', '/v1/sandbox/inbound', { phone_number_id: n.id, from: '+628123456789', ...body });
      expect((await send({ type: 'text' })).body.error).toMatchObject({ code: 'validation_failed', param: 'text' });
      expect((await send({ type: 'text', text: { body: 'a' }, image: {} })).body.error).toMatchObject({ param: 'image' });
      expect((await send({ type: 'poll' })).body.error).toMatchObject({ param: 'type' });
      expect((await send({ type: 'text', text: { body: '' } })).body.error).toMatchObject({ param: 'text.body' });
      expect((await send({ type: 'location', location: { latitude: 200, longitude: 1 } })).body.error).toMatchObject({ param: 'location.latitude' });
      expect((await send({ type: 'interactive', interactive: { type: 'list_reply' } })).body.error).toMatchObject({ param: 'interactive.list_reply' });
      expect((await send({ type: 'contacts', contacts: [{ phones: [] }] })).body.error).toMatchObject({ param: 'contacts[0].name.formatted_name' });
      expect((await send({ type: 'text', text: { body: 'a' }, from: 'nope' })).body.error).toMatchObject({ code: 'invalid_phone_number', param: 'from' });
    });

    it('is for sandbox numbers only', async () => {
      const n = await sandbox.provisionNumber({ seed_templates: false });
      const liveNumber = (await api.request('POST', '/v1/phone_numbers', live(n))).body;
      const res = await api.request('POST', '/v1/sandbox/inbound', { phone_number_id: liveNumber.id, from: '+628123456789', type: 'text', text: { body: 'x' } });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('not_a_sandbox_number');
      await api.request('DELETE', `/v1/phone_numbers/${liveNumber.id}`);
    });
  });
});

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}
