import { PrismaService } from '#db';
import { newId, OrganizationsService } from '#domain';
import { SandboxAdminClient } from '#sandbox';
import { startTestApi, type TestApi } from './harness.js';
import { connectSandboxNumber, conversationWith, customerWrites, messageReaching } from './messaging-helpers.js';

/**
 * The production shape of the pipeline: BullMQ on the real Redis (processors in this process), PostgreSQL, the
 * sandbox over HTTP. Also the recovery paths that only the database can drive: a message whose job never made it
 * to Redis, and one whose worker died between the Graph call and recording the answer.
 */
describe('messaging (e2e, BullMQ on Redis)', () => {
  let api: TestApi;
  let sandbox: SandboxAdminClient;
  let number: { id: string; phone_number_id: string };
  let n = 0;
  const customer = () => `+62814${String(Date.now() % 1_000_000).padStart(6, '0')}${String(n++).padStart(2, '0')}`;

  beforeAll(async () => {
    api = await startTestApi({ redis: true, env: { RECONCILE_AFTER_MS: '1000' } });
    await api.app.get(OrganizationsService).setLimits(api.bootstrap!.organizationId, { plan: 'enterprise' });
    sandbox = new SandboxAdminClient(api.config.sandboxGraphUrl);
    number = await connectSandboxNumber(api);
  });
  afterEach(async () => {
    await sandbox.clearFaults();
    await sandbox.setBehavior({});
  });
  afterAll(() => api?.close());

  async function openWindow() {
    const phone = customer();
    const wamid = await customerWrites(api, number.id, phone, 'halo');
    return { phone, conversation: await conversationWith(api, phone, wamid) };
  }
  const sendText = (to: string, body = 'Your package arrives tomorrow.') =>
    api.request('POST', '/v1/messages', { phone_number_id: number.id, to, type: 'text', text: { body } });

  it('an inbound message opens the window; a text then goes to read', async () => {
    expect(api.config.queueDriver).toBe('bullmq');
    const { phone, conversation } = await openWindow();
    expect(conversation).toMatchObject({ window_open: true, unread_count: 1 });
    const res = await sendText(phone);
    expect(res.status).toBe(202);
    const read = await messageReaching(api, res.body.id, ['read']);
    expect(read).toMatchObject({ attempts: 1, possible_duplicates: 0, error: null });
  });

  it('retries a throttled number (130429) and a 5xx, then sends; fails an undeliverable recipient (131026)', async () => {
    const a = await openWindow();
    const b = await openWindow();
    const c = await openWindow();
    await sandbox.setFaults([
      { match: { to: a.phone }, effect: { kind: 'sync_error', code: 130429 }, count: 2 },
      { match: { to: b.phone }, effect: { kind: 'http_500' }, count: 1 },
      { match: { to: c.phone }, effect: { kind: 'sync_error', code: 131026 }, count: 1 },
    ]);
    const [ra, rb, rc] = await Promise.all([sendText(a.phone), sendText(b.phone), sendText(c.phone)]);
    expect((await messageReaching(api, ra.body.id, ['sent', 'delivered', 'read'], 30_000)).attempts).toBe(3);
    expect((await messageReaching(api, rb.body.id, ['sent', 'delivered', 'read'], 30_000)).attempts).toBe(2);
    expect((await messageReaching(api, rc.body.id, ['failed'])).error).toMatchObject({ code: 'meta_undeliverable', meta_code: 131026 });
  });

  it('keeps one message and a monotonic status under duplicated, shuffled, delayed webhooks; sends in order', async () => {
    await sandbox.setBehavior({ duplicate_rate: 1, shuffle: true, delay_ms: [0, 200] });
    const { phone } = await openWindow();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await sendText(phone, `step ${i}`)).body.id);
    const done = [];
    for (const id of ids) done.push(await messageReaching(api, id, ['read'], 30_000));
    const accepted = (await sandbox.ledger()).data.filter((e) => ids.includes(String(e.biz_opaque_callback_data)));
    expect(accepted.map((e) => e.biz_opaque_callback_data)).toEqual(ids);
    const wamids = done.map((m) => m.wamid);
    expect(new Set(wamids).size).toBe(5);
    expect(await api.app.get(PrismaService).db.message.count({ where: { wamid: { in: wamids } } })).toBe(5);
  });

  it('sends a message whose job never reached Redis (row committed, enqueue lost): the sweep finds it', async () => {
    const { phone, conversation } = await openWindow();
    const prisma = api.app.get(PrismaService);
    const conv = await prisma.db.conversation.findUniqueOrThrow({ where: { id: conversation.id } });
    const id = newId('message');
    const old = new Date(Date.now() - 60_000);
    await prisma.db.message.create({
      data: {
        id,
        organizationId: conv.organizationId,
        phoneNumberId: conv.phoneNumberId,
        conversationId: conv.id,
        contactId: conv.contactId,
        direction: 'outbound',
        type: 'text',
        content: { body: 'lost job' },
        body: 'lost job',
        status: 'queued',
        bizOpaqueCallbackData: id,
        queuedAt: old,
        createdAt: old,
        updatedAt: old,
      },
    });
    const read = await messageReaching(api, id, ['read'], 30_000);
    expect(read).toMatchObject({ attempts: 1, possible_duplicates: 0 });
    expect((await sandbox.ledger()).data.filter((e) => e.biz_opaque_callback_data === id)).toHaveLength(1);
    expect(phone).toBe(read.to);
  });

  it('resends a message left `sending` without a wamid past the reconciliation window, counting the possible duplicate', async () => {
    const { conversation } = await openWindow();
    const prisma = api.app.get(PrismaService);
    const conv = await prisma.db.conversation.findUniqueOrThrow({ where: { id: conversation.id } });
    const id = newId('message');
    const old = new Date(Date.now() - 60_000);
    await prisma.db.message.create({
      data: {
        id,
        organizationId: conv.organizationId,
        phoneNumberId: conv.phoneNumberId,
        conversationId: conv.id,
        contactId: conv.contactId,
        direction: 'outbound',
        type: 'text',
        content: { body: 'worker died mid-send' },
        status: 'sending',
        attempts: 1,
        bizOpaqueCallbackData: id,
        queuedAt: old,
        sendingAt: old,
        createdAt: old,
        updatedAt: old,
      },
    });
    const read = await messageReaching(api, id, ['read'], 30_000);
    expect(read).toMatchObject({ attempts: 2, possible_duplicates: 1 });
  });
});
