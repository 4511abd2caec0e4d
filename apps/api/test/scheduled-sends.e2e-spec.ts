import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OrganizationsService } from '#domain';
import { SandboxAdminClient } from '#sandbox';
import { createTestDatabase, testRedisPrefix } from '#testing';
import { startTestApi, type TestApi } from './harness.js';
import {
  connectSandboxNumber,
  conversationWith,
  customerWrites,
  eventually,
  messageReaching,
} from './messaging-helpers.js';

const SENT = ['sent', 'delivered', 'read'];

/**
 * Scheduled sends and template fallback through the real api (embedded queue driver, processors in process,
 * sandbox over HTTP): a send goes out at its send_at — never before — can be canceled until then, and survives
 * an api restart that also lost the queue (the sweep rebuilds its job from PostgreSQL).
 */
describe('scheduled sends and template fallback (e2e)', () => {
  let api: TestApi;
  let sandbox: SandboxAdminClient;
  let number: { id: string; phone_number_id: string };
  let otherKey: string;
  let n = 0;
  const customer = () => `+62815${String(Date.now() % 1_000_000).padStart(6, '0')}${String(n++).padStart(2, '0')}`;
  const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();
  const ledgerOf = async (id: string) => (await sandbox.ledger()).data.filter((e) => e.biz_opaque_callback_data === id);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  beforeAll(async () => {
    api = await startTestApi();
    sandbox = new SandboxAdminClient(api.config.sandboxGraphUrl);
    await api.app.get(OrganizationsService).setLimits(api.bootstrap!.organizationId, { plan: 'enterprise' });
    number = await connectSandboxNumber(api);
    otherKey = (await api.app.get(OrganizationsService).create({ name: 'Other', firstKey: { name: 'k' } }))
      .plaintextKey!;
    await eventually(
      async () => ((await api.request('GET', '/v1/templates?name=order_update')).body.data?.length ? true : undefined),
      'template sync',
    );
  });
  afterAll(() => api?.close());

  async function openWindow(): Promise<string> {
    const phone = customer();
    await conversationWith(api, phone, await customerWrites(api, number.id, phone, 'halo'));
    return phone;
  }

  const orderUpdate = {
    name: 'order_update',
    language: { code: 'en' },
    components: [
      {
        type: 'body',
        parameters: [
          { type: 'text', text: 'Budi' },
          { type: 'text', text: 'A-7' },
        ],
      },
    ],
  };

  it('goes out at send_at, not before', async () => {
    const phone = await openWindow();
    const sendAt = inMs(2_500);
    const res = await api.request('POST', '/v1/messages', {
      phone_number_id: number.id,
      to: phone,
      type: 'text',
      text: { body: 'reminder: 10:00' },
      send_at: sendAt,
    });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      object: 'message',
      status: 'scheduled',
      send_at: sendAt,
      queued_at: null,
      type: 'text',
    });
    expect((await api.request('GET', `/v1/messages/${res.body.id}`)).body.status).toBe('scheduled');
    const sent = await messageReaching(api, res.body.id, SENT, 20_000);
    const [entry, ...more] = await ledgerOf(res.body.id);
    expect(more).toHaveLength(0);
    expect(Date.parse(entry.accepted_at)).toBeGreaterThanOrEqual(Date.parse(sendAt));
    expect(Date.parse(sent.queued_at)).toBeGreaterThanOrEqual(Date.parse(sendAt));
    expect(entry.body).toMatchObject({ type: 'text', text: { body: 'reminder: 10:00' } });
  });

  it('can be canceled before it fires, and is then never sent', async () => {
    const phone = await openWindow();
    const sendAt = inMs(1_500);
    const res = await api.request('POST', '/v1/messages', {
      to: phone,
      type: 'template',
      template: orderUpdate,
      send_at: sendAt,
    });
    expect(res.status).toBe(202);
    const foreign = await api.request('POST', `/v1/messages/${res.body.id}/cancel`, undefined, api.auth(otherKey));
    expect([foreign.status, foreign.body.error.code]).toEqual([404, 'not_found']);
    const canceled = await api.request('POST', `/v1/messages/${res.body.id}/cancel`);
    expect(canceled.status).toBe(200);
    expect(canceled.body).toMatchObject({ status: 'canceled', canceled_at: expect.any(String), send_at: sendAt });
    expect((await api.request('POST', `/v1/messages/${res.body.id}/cancel`)).body.status).toBe('canceled');
    // Past send_at and a few sweeps later: still canceled, nothing reached the sandbox.
    await sleep(Date.parse(sendAt) - Date.now() + 2_000);
    expect((await api.request('GET', `/v1/messages/${res.body.id}`)).body.status).toBe('canceled');
    expect(await ledgerOf(res.body.id)).toHaveLength(0);
    const audit = await api.request('GET', `/v1/audit_logs?target_id=${res.body.id}&action=message.canceled`);
    expect(audit.body.data).toHaveLength(1);
  });

  it('refuses to cancel a message that is not scheduled, and refuses bad send_at values', async () => {
    const phone = await openWindow();
    const now = await api.request('POST', '/v1/messages', { to: phone, type: 'text', text: { body: 'now' } });
    await messageReaching(api, now.body.id, SENT);
    const cancel = await api.request('POST', `/v1/messages/${now.body.id}/cancel`);
    expect([cancel.status, cancel.body.error.code]).toEqual([422, 'invalid_state']);
    const past = await api.request('POST', '/v1/messages', {
      to: phone,
      type: 'text',
      text: { body: 'x' },
      send_at: inMs(-60_000),
    });
    expect([past.status, past.body.error.code, past.body.error.param]).toEqual([
      422,
      'send_at_out_of_range',
      'send_at',
    ]);
    const far = await api.request('POST', '/v1/messages', {
      to: phone,
      type: 'text',
      text: { body: 'x' },
      send_at: inMs(31 * 86_400_000),
    });
    expect([far.status, far.body.error.code]).toEqual([422, 'send_at_out_of_range']);
    const zoneless = await api.request('POST', '/v1/messages', {
      to: phone,
      type: 'text',
      text: { body: 'x' },
      send_at: '2030-01-01T09:00:00',
    });
    expect([zoneless.status, zoneless.body.error.param]).toEqual([400, 'send_at']);
  });

  it('sends the fallback template when the window is closed, the message itself when it is open', async () => {
    const cold = customer();
    const closed = await api.request('POST', '/v1/messages', {
      to: cold,
      type: 'text',
      text: { body: 'Your order A-7 ships tomorrow' },
      fallback_template: orderUpdate,
    });
    expect(closed.status).toBe(202);
    expect(closed.body).toMatchObject({
      type: 'template',
      template: { name: 'order_update' },
      fallback_used: true,
      original: { type: 'text', text: { body: 'Your order A-7 ships tomorrow' } },
    });
    await messageReaching(api, closed.body.id, SENT);
    expect((await ledgerOf(closed.body.id)).map((e) => e.type)).toEqual(['template']);

    const warm = await openWindow();
    const open = await api.request('POST', '/v1/messages', {
      to: warm,
      type: 'text',
      text: { body: 'Ships tomorrow' },
      fallback_template: orderUpdate,
    });
    expect(open.body).toMatchObject({
      type: 'text',
      fallback_used: false,
      fallback_template: { name: 'order_update' },
    });
    await messageReaching(api, open.body.id, SENT);
    expect((await ledgerOf(open.body.id)).map((e) => e.type)).toEqual(['text']);

    const badFallback = await api.request('POST', '/v1/messages', {
      to: cold,
      type: 'text',
      text: { body: 'x' },
      fallback_template: { name: 'paused_promo', language: { code: 'en' } },
    });
    expect([badFallback.status, badFallback.body.error.code, badFallback.body.error.param]).toEqual([
      422,
      'template_not_approved',
      'fallback_template.name',
    ]);
    const onTemplate = await api.request('POST', '/v1/messages', {
      to: cold,
      type: 'template',
      template: orderUpdate,
      fallback_template: orderUpdate,
    });
    expect([onTemplate.status, onTemplate.body.error.param]).toEqual([400, 'fallback_template']);
  });
});

describe('scheduled sends across an api restart that lost the queue (e2e, BullMQ)', () => {
  it('the next api sends it from the database at its time', async () => {
    const secrets = {
      ENCRYPTION_KEY: crypto.randomBytes(32).toString('hex'),
      META_APP_SECRET: crypto.randomBytes(16).toString('hex'),
      META_VERIFY_TOKEN: crypto.randomBytes(8).toString('hex'),
      // Both apis mount the sandbox; it keeps its numbers and templates in this file between them.
      SANDBOX_STATE_FILE: path.join(os.tmpdir(), `kdv-sched-${crypto.randomBytes(4).toString('hex')}.json`),
    };
    const db = await createTestDatabase();
    const first = await startTestApi({ redis: true, db, env: { ...secrets, REDIS_PREFIX: testRedisPrefix() } });
    let second: TestApi | undefined;
    let firstOpen = true;
    try {
      const number = await connectSandboxNumber(first);
      await eventually(
        async () =>
          (await first.request('GET', '/v1/templates?name=hello_world')).body.data?.length ? true : undefined,
        'template sync',
      );
      const sendAt = new Date(Date.now() + 4_000).toISOString();
      const res = await first.request('POST', '/v1/messages', {
        phone_number_id: number.id,
        to: '+628159900001',
        type: 'template',
        template: { name: 'hello_world', language: { code: 'en_US' } },
        send_at: sendAt,
      });
      expect([res.status, res.body.status]).toEqual([202, 'scheduled']);
      await first.close();
      firstOpen = false;

      // Same database, a fresh Redis prefix: the delayed job the first api queued is gone with "Redis".
      second = await startTestApi({ redis: true, db, env: { ...secrets, REDIS_PREFIX: testRedisPrefix() } });
      expect(
        (await second.request('GET', `/v1/messages/${res.body.id}`, undefined, second.auth(first.key))).body.status,
      ).toBe('scheduled');
      const sent = await messageReaching(second, res.body.id, SENT, 30_000, first.key);
      expect(Date.parse(sent.queued_at)).toBeGreaterThanOrEqual(Date.parse(sendAt));
      const ledger = (await new SandboxAdminClient(second.config.sandboxGraphUrl).ledger()).data.filter(
        (e) => e.biz_opaque_callback_data === res.body.id,
      );
      expect(ledger).toHaveLength(1);
      expect(Date.parse(ledger[0].accepted_at)).toBeGreaterThanOrEqual(Date.parse(sendAt));
    } finally {
      if (firstOpen) await first.close();
      await second?.close();
      await db.drop();
      fs.rmSync(secrets.SANDBOX_STATE_FILE, { force: true });
      fs.rmSync(`${secrets.SANDBOX_STATE_FILE}.media`, { recursive: true, force: true });
    }
  });
});
