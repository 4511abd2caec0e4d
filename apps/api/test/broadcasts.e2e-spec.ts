import { PrismaService } from '#db';
import { OrganizationsService } from '#domain';
import { SandboxAdminClient } from '#sandbox';
import { startTestApi, type TestApi } from './harness.js';
import { connectSandboxNumber, customerWrites, eventually, messageReaching } from './messaging-helpers.js';

/**
 * Broadcasts through the real api (in-process queue, processors and sandbox in process): drafts, recipients,
 * pacing at the number's throughput while one-to-one sends still go out, counters that follow the messages'
 * statuses (and replies), cancel, and marketing opt-outs.
 */
describe.each([
  ['in-process queue', false],
  ['BullMQ on Redis', true],
])('broadcasts (e2e, %s)', (_driver, redis) => {
  let api: TestApi;
  let sandbox: SandboxAdminClient;
  let number: { id: string; phone_number_id: string };
  let otherKey: string;
  let n = 0;
  const customer = () => `+62857${String(Date.now() % 1_000_000).padStart(6, '0')}${String(n++).padStart(3, '0')}`;

  beforeAll(async () => {
    api = await startTestApi({ redis });
    sandbox = new SandboxAdminClient(api.config.sandboxGraphUrl);
    await api.app.get(OrganizationsService).setLimits(api.bootstrap!.organizationId, { plan: 'enterprise' });
    number = await connectSandboxNumber(api);
    await templatesSynced(number.id);
    otherKey = (await api.app.get(OrganizationsService).create({ name: 'Other', firstKey: { name: 'k' } }))
      .plaintextKey!;
  });
  afterEach(async () => {
    await sandbox.clearFaults();
    await sandbox.setBehavior({});
  });
  afterAll(() => api?.close());

  async function templatesSynced(phoneNumberId: string): Promise<void> {
    await eventually(
      async () =>
        (await api.request('GET', `/v1/templates?phone_number_id=${phoneNumberId}&status=APPROVED&limit=100`)).body.data
          ?.length >= 4
          ? true
          : undefined,
      'template sync',
    );
  }

  const orderUpdate = (components?: object[]) => ({
    name: 'order_update',
    language: { code: 'en' },
    ...(components ? { components } : {}),
  });

  async function createBroadcast(body: object, key?: string): Promise<any> {
    const res = await api.request('POST', '/v1/broadcasts', body, key ? api.auth(key) : {});
    if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async function addRecipients(id: string, recipients: object[]): Promise<any> {
    const res = await api.request('POST', `/v1/broadcasts/${id}/recipients`, { recipients });
    if (res.status !== 200) throw new Error(`add recipients failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async function broadcastWhere(id: string, ok: (b: any) => boolean, what: string, timeoutMs = 60_000): Promise<any> {
    let last: any;
    return eventually(
      async () => {
        last = (await api.request('GET', `/v1/broadcasts/${id}`)).body;
        return ok(last) ? last : undefined;
      },
      () => `broadcast ${id}: ${what} (is ${JSON.stringify({ status: last?.status, counts: last?.counts })})`,
      timeoutMs,
    );
  }

  async function allRecipients(id: string): Promise<any[]> {
    const out: any[] = [];
    let cursor: string | null = null;
    do {
      const page: any = (
        await api.request('GET', `/v1/broadcasts/${id}/recipients?limit=20${cursor ? `&cursor=${cursor}` : ''}`)
      ).body;
      out.push(...page.data);
      cursor = page.next_cursor;
    } while (cursor);
    return out;
  }

  it('sends 30 recipients paced at the number’s cap, a one-to-one send overtakes it, and counters reach read', async () => {
    // A number of its own: nothing else (inbound injections of other tests) draws from its throughput.
    const paced = await connectSandboxNumber(api);
    await templatesSynced(paced.id);
    const cap = 5;
    expect((await api.request('PATCH', `/v1/phone_numbers/${paced.id}`, { throughput_per_second: cap })).status).toBe(
      200,
    );
    // The sandbox enforces Meta's 130429 a hair above our cap, so only a real overshoot (not network jitter) trips it.
    await sandbox.updateNumber(paced.phone_number_id, { throughput_per_second: cap + 1 });

    const b = await createBroadcast({ name: 'Paced', phone_number_id: paced.id, template: orderUpdate() });
    expect(b).toMatchObject({
      object: 'broadcast',
      status: 'draft',
      phone_number_id: paced.id,
      template: { name: 'order_update', language: 'en' },
      counts: { total: 0 },
    });
    const phones = Array.from({ length: 30 }, customer);
    const first = await addRecipients(b.id, [
      ...phones.map((to, i) => ({ to, parameters: [`Customer ${i}`, `A-${i}`] })),
      { to: phones[3], parameters: ['dup', 'dup'] },
      { to: '12', parameters: ['x', 'y'] },
      { to: customer(), parameters: ['only one'] },
    ]);
    expect(first).toMatchObject({ object: 'broadcast_recipients_result', added: 30, total_recipients: 30 });
    expect(first.duplicates).toEqual([{ index: 30, to: phones[3], reason: 'duplicate_in_request' }]);
    expect(first.invalid.map((i: any) => [i.index, i.code])).toEqual([
      [31, 'invalid_phone_number'],
      [32, 'template_parameter_mismatch'],
    ]);
    const again = await addRecipients(b.id, [{ to: phones[0].slice(1), parameters: ['again', 'A-0'] }]);
    expect(again).toMatchObject({
      added: 0,
      total_recipients: 30,
      duplicates: [{ index: 0, to: phones[0], reason: 'already_in_broadcast' }],
    });

    const rejectedBefore = (await sandbox.ledger()).counts.rejected;
    const sent = await api.request('POST', `/v1/broadcasts/${b.id}/send`);
    expect(sent.status).toBe(202);
    expect(sent.body).toMatchObject({ status: 'sending', started_at: expect.any(String) });
    expect((await api.request('POST', `/v1/broadcasts/${b.id}/send`)).body.status).toMatch(/sending|completed/);

    // Mid-broadcast: a one-to-one template send from the same number.
    await broadcastWhere(b.id, (x) => x.counts.sent >= cap, `${cap} sent`);
    const solo = await api.request('POST', '/v1/messages', {
      phone_number_id: paced.id,
      to: customer(),
      type: 'template',
      template: orderUpdate([
        {
          type: 'body',
          parameters: [
            { type: 'text', text: 'Solo' },
            { type: 'text', text: 'S-1' },
          ],
        },
      ]),
    });
    expect(solo.status).toBe(202);
    await messageReaching(api, solo.body.id, ['sent', 'delivered', 'read'], 30_000);

    const done = await broadcastWhere(b.id, (x) => x.status === 'completed', 'completed', 90_000);
    expect(done.counts).toMatchObject({ total: 30, pending: 0, failed: 0, skipped: 0, canceled: 0 });
    const ledger = (await sandbox.ledger({ phone_number_id: paced.phone_number_id })).data;
    const broadcastSends = ledger.filter((e) => e.biz_opaque_callback_data !== solo.body.id);
    expect(broadcastSends).toHaveLength(30);
    const soloAt = Date.parse(ledger.find((e) => e.biz_opaque_callback_data === solo.body.id)!.accepted_at);
    // The one-to-one send did not wait for the broadcast to drain.
    expect(broadcastSends.filter((e) => Date.parse(e.accepted_at) > soloAt).length).toBeGreaterThan(0);
    // Never above the cap: every run of sends fits a token bucket of `cap` per second (one token of slack for
    // the sandbox's arrival-time jitter), and the sandbox refused nothing.
    const times = ledger.map((e) => Date.parse(e.accepted_at)).sort((x, y) => x - y);
    for (let i = 0; i < times.length; i++)
      for (let j = i; j < times.length; j++)
        expect(j - i + 1).toBeLessThanOrEqual(cap + ((times[j] - times[i]) / 1000) * cap + 1);
    expect((await sandbox.ledger()).counts.rejected).toBe(rejectedBefore);

    const read = await broadcastWhere(b.id, (x) => x.counts.read === 30, 'all read');
    expect(read.counts).toMatchObject({ sent: 30, delivered: 30, read: 30, replied: 0 });
    const recipients = await allRecipients(b.id);
    expect(recipients.map((r) => r.to)).toEqual(phones);
    expect(recipients.every((r) => r.status === 'read' && /^msg_/.test(r.message_id) && r.contact_id)).toBe(true);
    const message = (await api.request('GET', `/v1/messages/${recipients[7].message_id}`)).body;
    expect(message).toMatchObject({
      source: 'broadcast',
      type: 'template',
      to: phones[7],
      template: {
        name: 'order_update',
        components: [{ type: 'body', parameters: [{ text: 'Customer 7' }, { text: 'A-7' }] }],
      },
    });
    const filtered = (await api.request('GET', `/v1/broadcasts/${b.id}/recipients?status=read&limit=100`)).body;
    expect(filtered.data).toHaveLength(30);
  }, 150_000);

  it('counts a reply: an inbound message from a recipient after their broadcast message was sent', async () => {
    const [a, z] = [customer(), customer()];
    const b = await createBroadcast({
      name: 'Replies',
      phone_number_id: number.id,
      template: orderUpdate([
        {
          type: 'body',
          parameters: [
            { type: 'text', text: 'friend' },
            { type: 'text', text: 'X' },
          ],
        },
      ]),
    });
    await addRecipients(b.id, [{ to: a }, { to: z }]);
    await api.request('POST', `/v1/broadcasts/${b.id}/send`);
    await broadcastWhere(b.id, (x) => x.status === 'completed' && x.counts.delivered === 2, 'completed and delivered');
    await customerWrites(api, number.id, a, 'yes please!');
    const replied = await broadcastWhere(b.id, (x) => x.counts.replied === 1, 'one reply');
    expect(replied.counts).toMatchObject({ total: 2, sent: 2, replied: 1 });
    const recipients = await allRecipients(b.id);
    expect(recipients.map((r) => [r.to, r.replied])).toEqual([
      [a, true],
      [z, false],
    ]);
  });

  it('cancel stops the pending recipients and the messages no worker has claimed yet', async () => {
    await api.request('PATCH', `/v1/phone_numbers/${number.id}`, { throughput_per_second: 1 });
    try {
      const b = await createBroadcast({ name: 'Canceled', phone_number_id: number.id, template: orderUpdate() });
      await addRecipients(
        b.id,
        Array.from({ length: 12 }, (_, i) => ({ to: customer(), parameters: [`C${i}`, `C-${i}`] })),
      );
      await api.request('POST', `/v1/broadcasts/${b.id}/send`);
      await broadcastWhere(b.id, (x) => x.counts.sent >= 1, 'one sent');
      const canceled = await api.request('POST', `/v1/broadcasts/${b.id}/cancel`);
      expect(canceled.status).toBe(200);
      expect(canceled.body).toMatchObject({ status: 'canceled', canceled_at: expect.any(String) });
      expect((await api.request('POST', `/v1/broadcasts/${b.id}/cancel`)).body.status).toBe('canceled');
      expect((await api.request('POST', `/v1/broadcasts/${b.id}/send`)).body.error.code).toBe('invalid_state');

      const settled = await broadcastWhere(b.id, (x) => x.counts.pending === 0, 'nothing pending');
      const { counts } = settled;
      expect(counts.canceled).toBeGreaterThanOrEqual(8);
      expect(counts.sent + counts.canceled + counts.failed).toBe(12);
      const recipients = await allRecipients(b.id);
      const messageIds = recipients.filter((r) => r.message_id).map((r) => r.message_id);
      // Canceled messages never reach Meta, also not later.
      await new Promise((r) => setTimeout(r, 2_000));
      const reachedMeta = (await sandbox.ledger()).data.filter((e) => messageIds.includes(e.biz_opaque_callback_data));
      expect(reachedMeta).toHaveLength(counts.sent);
      const queuedThenCanceled = recipients.find((r) => r.message_id && r.status === 'canceled');
      if (queuedThenCanceled)
        expect((await api.request('GET', `/v1/messages/${queuedThenCanceled.message_id}`)).body.status).toBe(
          'canceled',
        );
      expect((await api.request('GET', `/v1/broadcasts/${b.id}`)).body.status).toBe('canceled');
    } finally {
      await api.request('PATCH', `/v1/phone_numbers/${number.id}`, { throughput_per_second: 80 });
    }
  });

  it('skips opted-out contacts for a marketing template (reason recorded), and sends the others', async () => {
    await sandbox.patchBehavior({ media_link_fetch: false });
    const [out, in1, in2] = [customer(), customer(), customer()];
    const created = await api.request('POST', '/v1/contacts', { phone: out, name: 'Opted out' });
    await api.app
      .get(PrismaService)
      .db.contact.update({ where: { id: created.body.id }, data: { optedOut: true, optedOutAt: new Date() } });
    const b = await createBroadcast({
      name: 'Spring sale',
      phone_number_id: number.id,
      template: {
        name: 'promo_image',
        language: { code: 'en' },
        components: [
          { type: 'header', parameters: [{ type: 'image', image: { link: 'https://cdn.example.com/spring.jpg' } }] },
          { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'spring' }] },
        ],
      },
    });
    const added = await addRecipients(b.id, [
      { to: out, parameters: ['A'] },
      { to: in1, parameters: ['B'] },
      { to: in2, parameters: ['C'] },
      { to: customer() },
    ]);
    expect(added.added).toBe(3);
    expect(added.invalid[0]).toMatchObject({ index: 3, code: 'template_parameter_mismatch' });
    await api.request('POST', `/v1/broadcasts/${b.id}/send`);
    const done = await broadcastWhere(b.id, (x) => x.status === 'completed' && x.counts.sent === 2, 'completed');
    expect(done.counts).toMatchObject({ total: 3, skipped: 1, sent: 2, failed: 0 });
    const recipients = await allRecipients(b.id);
    expect(recipients.find((r) => r.to === out)).toMatchObject({
      status: 'skipped',
      skip_reason: 'opted_out',
      message_id: null,
      contact_id: created.body.id,
    });
    expect((await sandbox.ledger({ to: out.slice(1) })).data).toHaveLength(0);
    const sentBody = (await sandbox.ledger({ to: in1.slice(1) })).data[0].body as {
      template: { components: { type: string }[] };
    };
    expect(sentBody.template.components.map((c) => c.type).sort()).toEqual(['body', 'button', 'header']);
  });

  it('refuses what cannot be sent, and keeps broadcasts invisible to other organizations', async () => {
    const paused = await api.request('POST', '/v1/broadcasts', {
      name: 'x',
      phone_number_id: number.id,
      template: { name: 'paused_promo', language: { code: 'en' } },
    });
    expect([paused.status, paused.body.error.code]).toEqual([422, 'template_not_approved']);
    const missing = await api.request('POST', '/v1/broadcasts', {
      name: 'x',
      phone_number_id: number.id,
      template: { name: 'no_such_template', language: { code: 'en' } },
    });
    expect([missing.status, missing.body.error.code]).toEqual([422, 'template_not_found']);
    const tooMany = await api.request('POST', '/v1/broadcasts/brd_x/recipients', {
      recipients: Array.from({ length: 1001 }, () => ({ to: customer() })),
    });
    expect([tooMany.status, tooMany.body.error.param]).toEqual([400, 'recipients']);

    const b = await createBroadcast({ name: 'Empty', phone_number_id: number.id, template: orderUpdate() });
    const empty = await api.request('POST', `/v1/broadcasts/${b.id}/send`);
    expect([empty.status, empty.body.error.code]).toEqual([422, 'invalid_state']);

    for (const [method, path, body] of [
      ['GET', `/v1/broadcasts/${b.id}`],
      ['GET', `/v1/broadcasts/${b.id}/recipients`],
      ['POST', `/v1/broadcasts/${b.id}/recipients`, { recipients: [{ to: customer(), parameters: ['a', 'b'] }] }],
      ['POST', `/v1/broadcasts/${b.id}/send`],
      ['POST', `/v1/broadcasts/${b.id}/cancel`],
    ] as [string, string, object?][]) {
      const res = await api.request(method, path, body, api.auth(otherKey));
      expect([path, res.status, res.body.error?.code]).toEqual([path, 404, 'not_found']);
    }
    expect((await api.request('GET', '/v1/broadcasts?limit=100', undefined, api.auth(otherKey))).body.data).toEqual([]);
    const ours = (await api.request('GET', '/v1/broadcasts?status=draft&limit=100')).body;
    expect(ours.data.map((x: any) => x.id)).toContain(b.id);
    expect((await api.request('GET', `/v1/broadcasts/${b.id}`)).body.counts.total).toBe(0);

    await addRecipients(b.id, [{ to: customer(), parameters: ['a', 'b'] }]);
    await api.request('POST', `/v1/broadcasts/${b.id}/cancel`);
    const late = await api.request('POST', `/v1/broadcasts/${b.id}/recipients`, {
      recipients: [{ to: customer(), parameters: ['a', 'b'] }],
    });
    expect([late.status, late.body.error.code]).toEqual([422, 'invalid_state']);
    expect((await api.request('GET', `/v1/broadcasts/${b.id}`)).body.counts).toMatchObject({
      total: 1,
      canceled: 1,
      pending: 0,
    });
    const audit = (await api.request('GET', `/v1/audit_logs?target_id=${b.id}&limit=100`)).body.data.map(
      (a: any) => a.action,
    );
    expect(audit).toEqual(
      expect.arrayContaining(['broadcast.created', 'broadcast.recipients_added', 'broadcast.canceled']),
    );
    const openapi = (await api.request('GET', '/v1/openapi.json')).body;
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining([
        '/v1/broadcasts',
        '/v1/broadcasts/{id}/recipients',
        '/v1/broadcasts/{id}/send',
        '/v1/broadcasts/{id}/cancel',
      ]),
    );
  });
});
