import { PrismaService } from '#db';
import { newId, OrganizationsService } from '#domain';
import { InboundEventsSweeper } from '#domain/meta-webhooks/inbound-events.sweeper.js';
import { QueueProducer, QUEUES } from '#queue';
import { startTestApi, type TestApi } from './harness.js';
import {
  connectSandboxNumber,
  conversationWith,
  customerWrites,
  eventually,
  messageReaching,
} from './messaging-helpers.js';
import { WebhookReceiver } from './webhook-receiver.js';

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY);

/** Retention settings and the periodic job that enforces them; a contact's right to erasure. */
describe('retention and erasure (e2e)', () => {
  let api: TestApi;
  let db: PrismaService['db'];
  let orgId: string;
  let other: { key: string; orgId: string };
  let number: { id: string; phone_number_id: string };
  let n = 0;
  const customer = () => `+62858${String(Date.now() % 1_000_000).padStart(6, '0')}${String(n++).padStart(3, '0')}`;

  beforeAll(async () => {
    api = await startTestApi();
    db = api.app.get(PrismaService).db;
    orgId = api.bootstrap!.organizationId;
    await api.app.get(OrganizationsService).setLimits(orgId, { plan: 'enterprise' });
    number = await connectSandboxNumber(api);
    const created = await api.app.get(OrganizationsService).create({ name: 'Other', firstKey: { name: 'k' } });
    other = { key: created.plaintextKey!, orgId: created.organization.id };
  });
  afterAll(() => api?.close());

  describe('settings', () => {
    it('shows the documented defaults, takes overrides, resets with null, and refuses out-of-range values', async () => {
      const initial = await api.request('GET', '/v1/settings/retention');
      expect(initial.body).toEqual({
        object: 'retention_settings',
        raw_payloads_days: 30,
        webhook_deliveries_days: 30,
        media_days: 90,
        audit_logs_days: 365,
        overridden: [],
        defaults: { raw_payloads_days: 30, webhook_deliveries_days: 30, media_days: 90, audit_logs_days: 365 },
      });
      const set = await api.request('PATCH', '/v1/settings/retention', { media_days: 7, audit_logs_days: 400 });
      expect(set.status).toBe(200);
      expect(set.body).toMatchObject({
        media_days: 7,
        audit_logs_days: 400,
        overridden: ['media_days', 'audit_logs_days'],
      });
      const reset = await api.request('PATCH', '/v1/settings/retention', { audit_logs_days: null });
      expect(reset.body).toMatchObject({ media_days: 7, audit_logs_days: 365, overridden: ['media_days'] });
      for (const [body, param] of [
        [{ media_days: 0 }, 'media_days'],
        [{ raw_payloads_days: 31 }, 'raw_payloads_days'],
        [{ audit_logs_days: 29 }, 'audit_logs_days'],
        [{ media_days: 'ten' }, 'media_days'],
        [{ colour: 'red' }, 'colour'],
      ] as [object, string][]) {
        const res = await api.request('PATCH', '/v1/settings/retention', body);
        expect([res.status, res.body.error.param]).toEqual([400, param]);
      }
      expect((await api.request('PATCH', '/v1/settings/retention', {})).status).toBe(400);
      // Other settings keys of the organization are not touched by a retention change.
      await db.organization.update({
        where: { id: orgId },
        data: { settings: { ...(await settingsOf(orgId)), opt_out_keywords: ['STOP'] } },
      });
      await api.request('PATCH', '/v1/settings/retention', { webhook_deliveries_days: 14 });
      expect(await settingsOf(orgId)).toMatchObject({
        opt_out_keywords: ['STOP'],
        retention: { media_days: 7, webhook_deliveries_days: 14 },
      });
      // Another organization keeps its defaults.
      expect((await api.request('GET', '/v1/settings/retention', undefined, api.auth(other.key))).body).toMatchObject({
        media_days: 90,
        overridden: [],
      });
      const audit = (await api.request('GET', '/v1/audit_logs?action=settings.retention_updated&limit=100')).body.data;
      expect(audit.length).toBeGreaterThanOrEqual(3);
    });
  });

  async function deliveriesNaming(contactId: string): Promise<number> {
    const rows = await db.$queryRaw<
      { n: number }[]
    >`SELECT count(*)::int AS n FROM webhook_delivery WHERE organization_id = ${orgId} AND payload::text LIKE ${`%${contactId}%`}`;
    return rows[0].n;
  }

  async function settingsOf(id: string): Promise<Record<string, unknown>> {
    return (await db.organization.findUniqueOrThrow({ where: { id } })).settings as Record<string, unknown>;
  }

  it('the maintenance job deletes rows past each retention and keeps fresh ones', async () => {
    // Ours: media 7 d, deliveries 14 d (from the settings test, set again here so this test stands alone); audit 365 d.
    await api.request('PATCH', '/v1/settings/retention', {
      media_days: 7,
      webhook_deliveries_days: 14,
      audit_logs_days: null,
    });
    const audit = (id: string, createdAt: Date, organizationId = orgId) =>
      db.auditLog.create({ data: { id, organizationId, actorType: 'system', action: 'test.backdated', createdAt } });
    await audit('aud_old', ago(400));
    await audit('aud_fresh', ago(300));
    await audit('aud_other_old', ago(400), other.orgId);
    const delivery = (id: string, createdAt: Date, status: string, organizationId = orgId) =>
      db.webhookDelivery.create({
        data: {
          id,
          organizationId,
          subscriptionId: 'whs_test',
          eventId: `evt_${id}`,
          eventType: 'message.created',
          payload: {},
          status,
          createdAt,
        },
      });
    await delivery('whd_old', ago(20), 'succeeded');
    await db.webhookDeliveryAttempt.create({
      data: {
        id: 'wha_old',
        organizationId: orgId,
        deliveryId: 'whd_old',
        statusCode: 200,
        durationMs: 5,
        createdAt: ago(20),
      },
    });
    await delivery('whd_old_pending', ago(20), 'pending');
    await delivery('whd_fresh', ago(10), 'failed');
    await delivery('whd_other', ago(20), 'succeeded', other.orgId);
    const media = (id: string, createdAt: Date, organizationId = orgId) =>
      db.media.create({
        data: {
          id,
          organizationId,
          phoneNumberId: number.id,
          direction: 'inbound',
          mimeType: 'image/jpeg',
          fileSize: 3,
          data: new Uint8Array([1, 2, 3]),
          createdAt,
        },
      });
    const med = { old: newId('media'), fresh: newId('media'), other: newId('media') };
    await media(med.old, ago(10));
    await media(med.fresh, ago(5));
    await media(med.other, ago(10), other.orgId);
    const event = (id: string, receivedAt: Date, status: string) =>
      db.inboundEvent.create({ data: { id, payload: {}, status, receivedAt } });
    // The inbound-events sweep would pick the deliberately old pending event up (it is due) and process it before
    // retention runs, which then rightly deletes it as an old processed one: this test is about retention alone.
    await api.app.get(InboundEventsSweeper).onModuleDestroy();
    await event('iev_old', ago(31), 'processed');
    await event('iev_old_pending', ago(31), 'pending');
    await event('iev_fresh', ago(29), 'processed');
    const key = (k: string, expiresAt: Date) =>
      db.idempotencyRecord.create({
        data: {
          organizationId: orgId,
          key: k,
          requestHash: 'h',
          status: 'completed',
          expiresAt,
          createdAt: new Date(expiresAt.getTime() - DAY),
        },
      });
    await key('expired', ago(1));
    await key('live', new Date(Date.now() + DAY));

    await api.app.get(QueueProducer).enqueue(QUEUES.maintenance, { task: 'retention' });
    await eventually(
      async () => ((await db.auditLog.count({ where: { id: 'aud_old' } })) === 0 ? true : undefined),
      'the retention job',
    );
    // A run is bounded and ordered; wait for its last table too.
    await eventually(
      async () =>
        (await db.idempotencyRecord.count({ where: { organizationId: orgId, key: 'expired' } })) === 0
          ? true
          : undefined,
      'idempotency purge',
    );

    const ids = async (rows: Promise<{ id: string }[]>) => (await rows).map((r) => r.id).sort();
    expect(await ids(db.auditLog.findMany({ where: { action: 'test.backdated' }, select: { id: true } }))).toEqual([
      'aud_fresh',
    ]);
    expect(
      await ids(
        db.webhookDelivery.findMany({
          where: { id: { startsWith: 'whd_' }, subscriptionId: 'whs_test' },
          select: { id: true },
        }),
      ),
    ).toEqual(['whd_fresh', 'whd_old_pending', 'whd_other']);
    expect(await db.webhookDeliveryAttempt.count({ where: { id: 'wha_old' } })).toBe(0);
    const mediaRow = async (id: string) => {
      const m = await db.media.findUniqueOrThrow({ where: { id } });
      return [m.status, m.data === null];
    };
    expect(await mediaRow(med.old)).toEqual(['deleted', true]);
    expect(await mediaRow(med.fresh)).toEqual(['ready', false]);
    expect(await mediaRow(med.other)).toEqual(['ready', false]);
    expect(
      await ids(
        db.inboundEvent.findMany({
          where: { id: { in: ['iev_old', 'iev_old_pending', 'iev_fresh'] } },
          select: { id: true },
        }),
      ),
    ).toEqual(['iev_fresh', 'iev_old_pending']);
    api.app.get(InboundEventsSweeper).onApplicationBootstrap(); // the next tests ingest customer messages again
    expect(
      (await db.idempotencyRecord.findMany({ where: { organizationId: orgId, key: { in: ['expired', 'live'] } } })).map(
        (r) => r.key,
      ),
    ).toEqual(['live']);
    // The other organization's 400-day-old audit row is past its default (365 d) too.
    expect(await db.auditLog.count({ where: { id: 'aud_other_old' } })).toBe(0);
    // The row stays for the messages naming it; a download says why there are no bytes.
    const download = await api.request('GET', `/v1/media/${med.old}`);
    expect([download.status, download.body.error.code]).toEqual([422, 'media_not_ready']);
    expect(download.body.error.message).toMatch(/retention/);
    expect((await api.request('GET', `/v1/media/${med.fresh}`)).status).toBe(200);
  });

  it('DELETE /v1/contacts/{id} erases the contact, their conversations, messages, notes, labels, media and mentions', async () => {
    const receiver = await new WebhookReceiver().start();
    try {
      const sub = await api.request('POST', '/v1/webhook_subscriptions', { url: receiver.url, events: ['*'] });
      expect(sub.status).toBe(201);
      const phone = customer();
      const bystander = customer();
      const wamid = await customerWrites(api, number.id, phone, 'my address is Jl. Merdeka 1');
      const conversation = await conversationWith(api, phone, wamid);
      const image = await api.request('POST', '/v1/sandbox/inbound', {
        phone_number_id: number.id,
        from: phone,
        type: 'image',
        image: { caption: 'my id card' },
      });
      expect(image.status).toBe(202);
      const inboundImage = await eventually(async () => {
        const m = await db.message.findFirst({ where: { organizationId: orgId, wamid: image.body.wamid } });
        const mediaId = (m?.content as { media_id?: string } | undefined)?.media_id;
        if (!mediaId) return undefined;
        return (await db.media.findFirst({ where: { id: mediaId, status: 'ready' } }))
          ? { message: m!, mediaId }
          : undefined;
      }, 'the inbound image and its download');
      const reply = await api.request('POST', '/v1/messages', {
        phone_number_id: number.id,
        to: phone,
        type: 'text',
        text: { body: 'Thanks, noted.' },
      });
      await messageReaching(api, reply.body.id, ['read']);
      const contactId: string = conversation.contact_id;
      await api.request('POST', `/v1/contacts/${contactId}/notes`, { body: 'VIP, prefers mornings' });
      const label = (await api.request('POST', '/v1/labels', { name: `vip-${n}` })).body;
      await api.request('PUT', `/v1/contacts/${contactId}/labels/${label.id}`);
      const bystanderWamid = await customerWrites(api, number.id, bystander, 'hello');
      await conversationWith(api, bystander, bystanderWamid);
      await eventually(
        async () => ((await deliveriesNaming(contactId)) > 0 ? true : undefined),
        'deliveries naming the contact',
      );
      // Every raw payload has been processed (an event still pending would be kept, and recreate the contact).
      await eventually(
        async () => ((await db.inboundEvent.count({ where: { status: 'pending' } })) === 0 ? true : undefined),
        'ingest to finish',
      );

      // Another organization cannot erase (or detect) it.
      const foreign = await api.request('DELETE', `/v1/contacts/${contactId}`, undefined, api.auth(other.key));
      expect([foreign.status, foreign.body.error.code]).toEqual([404, 'not_found']);
      expect(await db.contact.count({ where: { id: contactId } })).toBe(1);

      const erased = await api.request('DELETE', `/v1/contacts/${contactId}`);
      expect(erased.status).toBe(200);
      expect(erased.body).toMatchObject({
        object: 'contact',
        id: contactId,
        deleted: true,
        erased: { messages: 3, conversations: 1, notes: 1, labels: 1, media: 1 },
      });
      expect(erased.body.erased.webhook_deliveries).toBeGreaterThan(0);
      expect(erased.body.erased.raw_payloads).toBeGreaterThan(0);

      expect((await api.request('GET', `/v1/contacts/${contactId}`)).status).toBe(404);
      expect((await api.request('GET', `/v1/conversations/${conversation.id}`)).status).toBe(404);
      expect((await api.request('GET', `/v1/messages/${reply.body.id}`)).status).toBe(404);
      expect((await api.request('GET', `/v1/media/${inboundImage.mediaId}`)).status).toBe(404);
      expect(await db.message.count({ where: { organizationId: orgId, contactId } })).toBe(0);
      expect(await db.media.count({ where: { id: inboundImage.mediaId } })).toBe(0);
      expect(await db.contactNote.count({ where: { contactId } })).toBe(0);
      expect(await db.contactLabel.count({ where: { contactId } })).toBe(0);
      expect(await deliveriesNaming(contactId)).toBe(0);
      const digits = phone.slice(1);
      const raw = await db.$queryRawUnsafe<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM inbound_event WHERE status = 'processed' AND payload::text LIKE '%${digits}%'`,
      );
      expect(raw[0].n).toBe(0);
      // The audit trail keeps who erased which contact id, and no longer says anything personal about them.
      const trail = await db.auditLog.findMany({
        where: { organizationId: orgId, targetId: { in: [contactId, reply.body.id, conversation.id] } },
      });
      expect(trail.find((a) => a.action === 'contact.erased')).toMatchObject({
        targetType: 'contact',
        actorType: 'api_key',
      });
      expect(JSON.stringify(trail)).not.toContain(digits);
      expect(
        trail
          .filter((a) => a.action !== 'contact.erased')
          .every((a) => JSON.stringify(a.metadata) === '{"erased":true}'),
      ).toBe(true);
      // Nobody else's data went with it.
      expect((await api.request('GET', `/v1/contacts?phone=${encodeURIComponent(bystander)}`)).body.data).toHaveLength(
        1,
      );
      expect((await api.request('DELETE', `/v1/contacts/${contactId}`)).status).toBe(404);
      await api.request('DELETE', `/v1/webhook_subscriptions/${sub.body.id}`);
    } finally {
      await receiver.stop();
    }
  });

  it('ids of another kind or org yield 404, never a 5xx', async () => {
    for (const id of ['ctc_00000000000000000000000000', 'not-an-id', newId('contact')])
      expect((await api.request('DELETE', `/v1/contacts/${id}`)).status).toBe(404);
  });
});
