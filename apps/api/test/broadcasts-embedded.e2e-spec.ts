import { PrismaService } from '#db';
import { QueueProducer, QUEUES } from '#queue';
import { startTestApi, type TestApi } from './harness.js';
import { connectSandboxNumber, customerWrites, eventually } from './messaging-helpers.js';

/**
 * The broadcast, retention and erasure SQL Prisma cannot express (grouped counters with a correlated reply check,
 * bounded deletes, jsonb_set, payload text search) on the embedded default's PGlite.
 */
describe('broadcasts, retention and erasure on the embedded default (PGlite)', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi({ embedded: true });
  });
  afterAll(() => api?.close());

  it('sends a broadcast to completion with counters, replies and recipients; retention and erasure run', async () => {
    const number = await connectSandboxNumber(api);
    await eventually(
      async () => ((await api.request('GET', '/v1/templates?name=order_update')).body.data?.length ? true : undefined),
      'template sync',
    );
    const phones = ['+628155600001', '+628155600002', '+628155600003', '+628155600004', '+628155600005'];
    const b = (
      await api.request('POST', '/v1/broadcasts', {
        name: 'Embedded',
        template: { name: 'order_update', language: { code: 'en' } },
      })
    ).body;
    const added = await api.request('POST', `/v1/broadcasts/${b.id}/recipients`, {
      recipients: [
        ...phones.map((to, i) => ({ to, parameters: [`P${i}`, `E-${i}`] })),
        { to: phones[0], parameters: ['a', 'b'] },
      ],
    });
    expect(added.body).toMatchObject({ added: 5, duplicates: [{ index: 5, reason: 'duplicate_in_request' }] });
    expect((await api.request('POST', `/v1/broadcasts/${b.id}/send`)).status).toBe(202);
    await eventually(async () => {
      const got = (await api.request('GET', `/v1/broadcasts/${b.id}`)).body;
      return got.status === 'completed' && got.counts.read === 5 ? got : undefined;
    }, 'the broadcast read by all');
    await customerWrites(api, number.id, phones[2], 'thanks');
    const replied = await eventually(async () => {
      const got = (await api.request('GET', `/v1/broadcasts/${b.id}`)).body;
      return got.counts.replied === 1 ? got : undefined;
    }, 'one reply');
    expect(replied.counts).toMatchObject({ total: 5, sent: 5, delivered: 5, read: 5, replied: 1, pending: 0 });
    const page = (await api.request('GET', `/v1/broadcasts/${b.id}/recipients?limit=2&status=read`)).body;
    expect(page.data.map((r: { to: string }) => r.to)).toEqual(phones.slice(0, 2));
    const next = (await api.request('GET', `/v1/broadcasts/${b.id}/recipients?limit=10&cursor=${page.next_cursor}`))
      .body;
    expect(next.data.map((r: { to: string; replied: boolean }) => [r.to, r.replied])).toEqual(
      phones.slice(2).map((p, i) => [p, i === 0]),
    );

    expect((await api.request('PATCH', '/v1/settings/retention', { audit_logs_days: 30 })).body).toMatchObject({
      audit_logs_days: 30,
    });
    const db = api.app.get(PrismaService).db;
    const orgId = api.bootstrap!.organizationId;
    await db.auditLog.create({
      data: {
        id: 'aud_embedded_old',
        organizationId: orgId,
        actorType: 'system',
        action: 'test.backdated',
        createdAt: new Date(Date.now() - 40 * 86_400_000),
      },
    });
    await api.app.get(QueueProducer).enqueue(QUEUES.maintenance, { task: 'retention' });
    await eventually(
      async () => ((await db.auditLog.count({ where: { id: 'aud_embedded_old' } })) === 0 ? true : undefined),
      'the retention job',
    );

    const contactId = next.data[0].contact_id;
    await eventually(
      async () => ((await db.inboundEvent.count({ where: { status: 'pending' } })) === 0 ? true : undefined),
      'ingest to finish',
    );
    const erased = await api.request('DELETE', `/v1/contacts/${contactId}`);
    expect(erased.body).toMatchObject({
      deleted: true,
      erased: { messages: 2, conversations: 1, broadcast_recipients: 1 },
    });
    expect((await api.request('GET', `/v1/broadcasts/${b.id}`)).body.counts).toMatchObject({ total: 4, replied: 0 });
  });
});
