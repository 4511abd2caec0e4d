import { PrismaService } from '#db';
import { OrganizationsService } from '#domain';
import { SandboxAdminClient } from '#sandbox';
import { signMetaPayload } from '#whatsapp';
import { startTestApi, type TestApi } from './harness.js';
import { connectSandboxNumber, conversationWith, customerWrites, eventually, messageReaching } from './messaging-helpers.js';

/**
 * The messaging pipeline through the real api (embedded queue driver, processors in process, sandbox mounted and
 * reached over HTTP): sends go out through the Graph API client to the sandbox, statuses and inbound messages
 * come back as signed webhooks to /webhooks/meta.
 */
describe('messaging (e2e, in-process queue)', () => {
  let api: TestApi;
  let sandbox: SandboxAdminClient;
  let number: { id: string; phone_number_id: string };
  let otherKey: string;
  let n = 0;
  /** A fresh customer per test, so windows, pair rates and faults never leak between tests. */
  const customer = () => `+62813${String(Date.now() % 1_000_000).padStart(6, '0')}${String(n++).padStart(2, '0')}`;

  beforeAll(async () => {
    api = await startTestApi({ env: { RECONCILE_AFTER_MS: '1000', PAUSED_NUMBER_RECHECK_MS: '500' } });
    sandbox = new SandboxAdminClient(api.config.sandboxGraphUrl);
    // Tests poll statuses often: the enterprise plan's request rates keep them clear of 429s.
    await api.app.get(OrganizationsService).setLimits(api.bootstrap!.organizationId, { plan: 'enterprise' });
    number = await connectSandboxNumber(api);
    otherKey = (await api.app.get(OrganizationsService).create({ name: 'Other', firstKey: { name: 'k' } })).plaintextKey!;
  });
  afterEach(async () => {
    await sandbox.clearFaults();
    await sandbox.setBehavior({});
  });
  afterAll(() => api?.close());

  /** A customer who wrote a moment ago: the 24 h window is open. */
  async function openWindow(): Promise<{ phone: string; conversation: any; inboundWamid: string }> {
    const phone = customer();
    const inboundWamid = await customerWrites(api, number.id, phone, 'halo, paket saya di mana?');
    return { phone, conversation: await conversationWith(api, phone, inboundWamid), inboundWamid };
  }

  const sendText = (to: string, body = 'Your package arrives tomorrow.') =>
    api.request('POST', '/v1/messages', { phone_number_id: number.id, to, type: 'text', text: { body } });

  it('an inbound message opens a conversation, its 24 h window and one unread', async () => {
    const before = Date.now();
    const { phone, conversation } = await openWindow();
    expect(conversation).toMatchObject({ object: 'conversation', phone_number_id: number.id, status: 'open', unread_count: 1, window_open: true });
    expect(conversation.contact).toMatchObject({ phone });
    const expires = Date.parse(conversation.window_expires_at) - Date.parse(conversation.last_inbound_at);
    expect(expires).toBe(24 * 3600_000);
    expect(Date.parse(conversation.last_inbound_at)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 - 1000);
    const got = await api.request('GET', `/v1/conversations/${conversation.id}?message_limit=5`);
    expect(got.body.messages).toHaveLength(1);
    expect(got.body.messages[0]).toMatchObject({ direction: 'inbound', type: 'text', text: { body: 'halo, paket saya di mana?' }, from: phone, status: 'received' });
  });

  it('sends a text that goes sent → delivered → read through signed status webhooks', async () => {
    const { phone, conversation } = await openWindow();
    const res = await sendText(phone);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ object: 'message', status: 'queued', direction: 'outbound', to: phone, type: 'text', conversation_id: conversation.id });
    expect(res.body.id).toMatch(/^msg_/);
    const read = await messageReaching(api, res.body.id, ['read']);
    expect(read.wamid).toMatch(/^wamid\./);
    for (const t of ['queued_at', 'sent_at', 'delivered_at', 'read_at']) expect(read[t]).toEqual(expect.any(String));
    expect(Date.parse(read.sent_at)).toBeLessThanOrEqual(Date.parse(read.read_at));
    const ledger = await sandbox.ledger({ biz_opaque_callback_data: res.body.id } as never);
    expect(ledger.data.filter((e) => e.biz_opaque_callback_data === res.body.id)).toHaveLength(1);
  });

  it('sends once for a retried request with the same Idempotency-Key', async () => {
    const { phone } = await openWindow();
    const body = { phone_number_id: number.id, to: phone, type: 'text', text: { body: 'once' } };
    const first = await api.request('POST', '/v1/messages', body, { 'Idempotency-Key': `k-${phone}` });
    const again = await api.request('POST', '/v1/messages', body, { 'Idempotency-Key': `k-${phone}` });
    expect([first.status, again.status]).toEqual([202, 202]);
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    await messageReaching(api, first.body.id, ['read']);
    const sends = (await sandbox.ledger()).data.filter((e) => e.to === phone.slice(1));
    expect(sends).toHaveLength(1);
  });

  it('refuses a free-form message to a closed window at once, with the template hint, and stores nothing', async () => {
    const phone = customer();
    const res = await sendText(phone);
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'outside_24h_window', type: 'unprocessable_error' });
    expect(res.body.error.message).toMatch(/template/i);
    const contacts = await api.request('GET', `/v1/contacts?phone=${encodeURIComponent(phone)}`);
    expect(contacts.body.data).toHaveLength(0);
  });

  it('validates every field before accepting: the error names it', async () => {
    const { phone } = await openWindow();
    const cases: [object, string][] = [
      [{ to: phone, type: 'text', text: { body: 'x'.repeat(4097) } }, 'text.body'],
      [{ to: phone, type: 'interactive', interactive: { type: 'button', body: { text: 'Pick' }, action: { buttons: [{ type: 'reply', reply: { id: 'a', title: 'x'.repeat(21) } }] } } }, 'interactive.action.buttons[0].reply.title'],
      [{ to: phone, type: 'text', text: { body: 'hi' }, biz_opaque_callback_data: 'mine' }, 'biz_opaque_callback_data'],
      [{ to: 'not-a-number', type: 'text', text: { body: 'hi' } }, 'to'],
    ];
    for (const [body, param] of cases) {
      const res = await api.request('POST', '/v1/messages', body);
      expect(res.status).toBe(400);
      expect(res.body.error.param).toBe(param);
    }
  });

  it('sends every message type through the sandbox', async () => {
    const { phone, inboundWamid } = await openWindow();
    // Links point nowhere real: the sandbox is told not to fetch them (Meta would).
    await sandbox.patchBehavior({ media_link_fetch: false });
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(512, 7)]);
    const form = new FormData();
    form.append('phone_number_id', number.id);
    form.append('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'receipt.png');
    const uploaded = (await (await fetch(`${api.url}/v1/media`, { method: 'POST', headers: api.auth(), body: form })).json()) as { id: string };
    expect(uploaded.id).toMatch(/^med_/);
    const link = (file: string) => ({ link: `https://cdn.example.com/${file}` });
    const card = (i: number) => ({
      card_index: i,
      type: 'cta_url',
      header: { type: 'image', image: link(`c${i}.jpg`) },
      body: { text: `Card ${i}` },
      action: { name: 'cta_url', parameters: { display_text: 'Buy', url: 'https://shop.example.com/p' } },
    });
    const bodies: object[] = [
      { type: 'text', text: { body: 'quoted reply', preview_url: false }, context: { message_id: inboundWamid } },
      { type: 'image', image: { id: uploaded.id, caption: 'your receipt' } },
      { type: 'video', video: { ...link('v.mp4'), caption: 'unboxing' } },
      { type: 'audio', audio: link('a.ogg') },
      { type: 'document', document: { ...link('invoice.pdf'), filename: 'invoice.pdf', caption: 'invoice' } },
      { type: 'sticker', sticker: link('s.webp') },
      { type: 'location', location: { latitude: -6.2, longitude: 106.8, name: 'Monas', address: 'Jakarta' } },
      { type: 'contacts', contacts: [{ name: { formatted_name: 'Budi Santoso', first_name: 'Budi' }, phones: [{ phone: '+628123', type: 'CELL' }] }] },
      { type: 'reaction', reaction: { message_id: inboundWamid, emoji: '👍' } },
      { type: 'interactive', interactive: { type: 'button', body: { text: 'Pick' }, action: { buttons: [{ type: 'reply', reply: { id: 'y', title: 'Yes' } }, { type: 'reply', reply: { id: 'n', title: 'No' } }] } } },
      { type: 'interactive', interactive: { type: 'list', header: { type: 'text', text: 'Menu' }, body: { text: 'Choose' }, footer: { text: 'Kedai' }, action: { button: 'Open', sections: [{ title: 'Drinks', rows: [{ id: 'kopi', title: 'Kopi', description: 'Hot' }] }] } } },
      { type: 'interactive', interactive: { type: 'cta_url', body: { text: 'Track' }, action: { name: 'cta_url', parameters: { display_text: 'Track', url: 'https://example.com/t' } } } },
      { type: 'interactive', interactive: { type: 'carousel', body: { text: 'Our picks' }, action: { cards: [card(0), card(1)] } } },
    ];
    const ids: string[] = [];
    for (const b of bodies) {
      const res = await api.request('POST', '/v1/messages', { phone_number_id: number.id, to: phone, ...b });
      expect([res.status, res.body?.error]).toEqual([202, null]);
      ids.push(res.body.id);
    }
    for (const id of ids) await messageReaching(api, id, ['sent', 'delivered', 'read'], 30_000);
    const sent = (await sandbox.ledger()).data.filter((e) => ids.includes(String(e.biz_opaque_callback_data)));
    expect(sent.map((e) => e.type).sort()).toEqual(bodies.map((b) => (b as { type: string }).type).sort());
    // Our media id went out as the Meta media id of the upload.
    const image = sent.find((e) => e.type === 'image')!.body as { image: { id: string } };
    expect(image.image.id).not.toMatch(/^med_/);
  });

  it('sends an approved template outside the window, and refuses one that is not approved before queueing it', async () => {
    const phone = customer();
    await eventually(async () => ((await api.request('GET', '/v1/templates?name=order_update')).body.data?.length ? true : undefined), 'template sync');
    const ok = await api.request('POST', '/v1/messages', {
      to: phone,
      type: 'template',
      template: { name: 'order_update', language: { code: 'en' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Budi' }, { type: 'text', text: 'A-1' }] }] },
    });
    expect(ok.status).toBe(202);
    await messageReaching(api, ok.body.id, ['delivered', 'read']);
    const paused = await api.request('POST', '/v1/messages', { to: phone, type: 'template', template: { name: 'paused_promo', language: { code: 'en' } } });
    expect([paused.status, paused.body.error.code]).toEqual([422, 'template_not_approved']);
    const wrong = await api.request('POST', '/v1/messages', { to: phone, type: 'template', template: { name: 'order_update', language: { code: 'en' } } });
    expect([wrong.status, wrong.body.error.code]).toEqual([422, 'template_parameter_mismatch']);
  });

  describe('Meta errors', () => {
    it('130429 (number throughput) is retried, then sent', async () => {
      const { phone } = await openWindow();
      await sandbox.setFaults({ match: { to: phone }, effect: { kind: 'sync_error', code: 130429 }, count: 2 });
      const res = await sendText(phone);
      const done = await messageReaching(api, res.body.id, ['sent', 'delivered', 'read'], 30_000);
      expect(done.attempts).toBe(3);
      expect(done.error).toBeNull();
    });

    it('131056 (pair rate) is retried later for that recipient, then sent', async () => {
      const { phone } = await openWindow();
      await sandbox.setFaults({ match: { to: phone }, effect: { kind: 'sync_error', code: 131056 }, count: 1 });
      const res = await sendText(phone);
      const done = await messageReaching(api, res.body.id, ['sent', 'delivered', 'read'], 30_000);
      expect(done.attempts).toBe(2);
      expect(Date.parse(done.sent_at) - Date.parse(done.queued_at)).toBeGreaterThanOrEqual(6_000);
    });

    it('a 5xx answer is retried with backoff, then sent', async () => {
      const { phone } = await openWindow();
      await sandbox.setFaults({ match: { to: phone }, effect: { kind: 'http_500' }, count: 2 });
      const res = await sendText(phone);
      const done = await messageReaching(api, res.body.id, ['sent', 'delivered', 'read'], 30_000);
      expect(done.attempts).toBe(3);
    });

    it('a send answered too late is completed from the status webhook echoing our id, without a second send', async () => {
      const { phone } = await openWindow();
      // The sandbox accepts the message, then holds its answer past the client's 15 s timeout.
      await sandbox.setFaults({ match: { to: phone }, effect: { kind: 'timeout', ms: 16_000 }, count: 1 });
      const res = await sendText(phone);
      const done = await messageReaching(api, res.body.id, ['read'], 30_000);
      expect(done.wamid).toMatch(/^wamid\./);
      const sends = (await sandbox.ledger()).data.filter((e) => e.biz_opaque_callback_data === res.body.id);
      expect(sends).toHaveLength(1);
    });

    for (const [code, ourCode] of [
      [131026, 'meta_undeliverable'],
      [131047, 'meta_outside_window'],
      [100, 'meta_invalid_parameter'],
    ] as const) {
      it(`${code} fails the message at once with the reason`, async () => {
        const { phone } = await openWindow();
        await sandbox.setFaults({ match: { to: phone }, effect: { kind: 'sync_error', code }, count: 1 });
        const res = await sendText(phone);
        const failed = await messageReaching(api, res.body.id, ['failed']);
        expect(failed.attempts).toBe(1);
        expect(failed.error).toMatchObject({ code: ourCode, meta_code: code });
        expect(failed.error.meta_title).toEqual(expect.any(String));
        expect(failed.failed_at).toEqual(expect.any(String));
      });
    }

    it('an asynchronous failure (a failed status after a 200) fails the message with Meta\'s details', async () => {
      const { phone } = await openWindow();
      await sandbox.setFaults({ match: { to: phone }, effect: { kind: 'async_failed', code: 131026, details: 'Receiver is incapable' }, count: 1 });
      const res = await sendText(phone);
      const failed = await messageReaching(api, res.body.id, ['failed']);
      expect(failed.wamid).toMatch(/^wamid\./);
      expect(failed.error).toMatchObject({ code: 'meta_undeliverable', meta_code: 131026, meta_details: 'Receiver is incapable' });
    });

    /** A fresh number whose first send Meta refuses with 190 (token expired): the message and the customer. */
    async function sendRefusedWithExpiredToken() {
      const own = await connectSandboxNumber(api);
      const phone = customer();
      const wamid = await customerWrites(api, own.id, phone, 'hi');
      await conversationWith(api, phone, wamid);
      await sandbox.setFaults({ match: { phone_number_id: own.phone_number_id }, effect: { kind: 'sync_error', code: 190, http_status: 401 }, count: 1 });
      const res = await api.request('POST', '/v1/messages', { phone_number_id: own.id, to: phone, type: 'text', text: { body: 'x' } });
      return { own, phone, res };
    }

    it('190 (token expired) pauses the number; its messages wait for a new token instead of failing, then go out', async () => {
      const { own, phone, res } = await sendRefusedWithExpiredToken();
      const message = () => api.request('GET', `/v1/messages/${res.body.id}`).then((r) => r.body);
      const held = await eventually(async () => {
        const m = await message();
        return m.status === 'queued' && m.error ? m : undefined;
      }, 'the message handed back to wait');
      expect(held.error).toMatchObject({ code: 'meta_auth_failed', meta_code: 190 });
      expect((await api.request('GET', `/v1/phone_numbers/${own.id}`)).body.status).toBe('paused');
      const refused = await api.request('POST', '/v1/messages', { phone_number_id: own.id, to: phone, type: 'text', text: { body: 'again' } });
      expect(refused.status).toBe(422);
      expect(refused.body.error.code).toBe('phone_number_paused');
      await new Promise((r) => setTimeout(r, 1_500)); // three rechecks (PAUSED_NUMBER_RECHECK_MS 500): still waiting
      expect((await message()).status).toBe('queued');

      const token = (await sandbox.listNumbers()).data.find((n) => n.phone_number_id === own.phone_number_id)!.access_token;
      expect((await api.request('PATCH', `/v1/phone_numbers/${own.id}`, { access_token: token })).body.status).toBe('active');
      const sent = await messageReaching(api, res.body.id, ['sent', 'delivered', 'read']);
      expect(sent.wamid).toMatch(/^wamid\./);
      expect(sent.error ?? null).toBeNull(); // the earlier refusal no longer describes the message
    });

    it('a message held on a paused number fails with phone_number_paused once it has waited PAUSED_NUMBER_HOLD_MS (24 h)', async () => {
      const { res } = await sendRefusedWithExpiredToken();
      await eventually(async () => ((await api.request('GET', `/v1/messages/${res.body.id}`)).body.error ? true : undefined), 'the message held');
      // As if it had been queued a day ago: the next recheck gives up on it.
      await api.app.get(PrismaService).db.message.update({ where: { id: res.body.id }, data: { queuedAt: new Date(Date.now() - 86_400_000 - 1_000) } });
      const failed = await messageReaching(api, res.body.id, ['failed']);
      expect(failed.error).toMatchObject({ code: 'phone_number_paused' });
    });
  });

  it('duplicated and shuffled webhooks leave one message per send, with a monotonic final status', async () => {
    await sandbox.setBehavior({ duplicate_rate: 1, shuffle: true, delay_ms: [0, 300] });
    const { phone, conversation } = await openWindow();
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await sendText(phone, `update ${i}`)).body.id);
    for (const id of ids) await messageReaching(api, id, ['read'], 30_000);
    // Duplicated inbound webhooks too: one message stored.
    const wamid = await customerWrites(api, number.id, phone, 'thanks!');
    await conversationWith(api, phone, wamid);
    await new Promise((r) => setTimeout(r, 500)); // let the duplicate deliveries land before counting
    const all = await api.request('GET', `/v1/conversations/${conversation.id}/messages?limit=100`);
    const outbound = all.body.data.filter((m: { direction: string }) => m.direction === 'outbound');
    expect(outbound.map((m: { id: string }) => m.id).sort()).toEqual([...ids].sort());
    expect(all.body.data.filter((m: { wamid: string }) => m.wamid === wamid)).toHaveLength(1);
    for (const m of outbound) expect(m.status).toBe('read');
    const rows = await api.app.get(PrismaService).db.message.groupBy({ by: ['wamid'], where: { conversationId: conversation.id }, _count: true });
    expect(rows.every((r) => r._count === 1)).toBe(true);
    // Meta (the sandbox) accepted them in the order we accepted them (per-recipient order).
    const accepted = (await sandbox.ledger()).data.filter((e) => ids.includes(String(e.biz_opaque_callback_data)));
    expect(accepted.map((e) => e.biz_opaque_callback_data)).toEqual(ids);
  });

  describe('/webhooks/meta', () => {
    const payload = () =>
      JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [{ id: 'w', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '1', phone_number_id: number.phone_number_id }, statuses: [] } }] }],
      });
    const post = (body: string, headers: Record<string, string>) =>
      fetch(`${api.url}/webhooks/meta`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });
    const stored = () => api.app.get(PrismaService).db.inboundEvent.count();

    it('answers the verification handshake with the challenge, as text, only for our token', async () => {
      const ok = await fetch(`${api.url}/webhooks/meta?hub.mode=subscribe&hub.verify_token=${api.config.metaVerifyToken}&hub.challenge=1158201444`);
      expect(ok.status).toBe(200);
      expect(ok.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await ok.text()).toBe('1158201444');
      const bad = await fetch(`${api.url}/webhooks/meta?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1`);
      expect(bad.status).toBe(403);
    });

    it('refuses forged and unsigned deliveries with 401 and stores nothing; stores a signed one', async () => {
      const before = await stored();
      const body = payload();
      const forged = await post(body, { 'X-Hub-Signature-256': signMetaPayload(body, 'not-the-secret') });
      const unsigned = await post(body, {});
      const tampered = await post(body.replace('"statuses":[]', '"statuses":[ ]'), { 'X-Hub-Signature-256': signMetaPayload(body, api.config.metaAppSecret) });
      for (const r of [forged, unsigned, tampered]) {
        expect(r.status).toBe(401);
        expect(((await r.json()) as { error: { code: string } }).error.code).toBe('invalid_signature');
      }
      expect(await stored()).toBe(before);
      const good = await post(body, { 'X-Hub-Signature-256': signMetaPayload(body, api.config.metaAppSecret) });
      expect(good.status).toBe(200);
      expect(await stored()).toBe(before + 1);
      await eventually(async () => ((await api.app.get(PrismaService).db.inboundEvent.count({ where: { status: 'pending' } })) === 0 ? true : undefined), 'ingest');
    });

    it('stores a burst of deliveries together, each answered once stored, and a payload carrying U+0000 as well', async () => {
      const before = await stored();
      const bodies = Array.from({ length: 30 }, (_, i) => payload().replace('"statuses":[]', `"statuses":[],"n":${i}`));
      // PostgreSQL's jsonb refuses \u0000: stored with U+FFFD in its place, not refused on every retry Meta makes.
      const withNul = payload().replace('"statuses":[]', '"statuses":[],"note":"a\\u0000b"');
      const answers = await Promise.all([...bodies, withNul].map((b) => post(b, { 'X-Hub-Signature-256': signMetaPayload(b, api.config.metaAppSecret) })));
      expect(answers.map((r) => r.status)).toEqual(Array(31).fill(200));
      expect(await stored()).toBe(before + 31);
      const rows = await api.app.get(PrismaService).db.inboundEvent.findMany({ select: { payload: true } });
      const notes = rows.map((r) => (r.payload as { entry: { changes: { value: { note?: string } }[] }[] }).entry?.[0]?.changes?.[0]?.value?.note);
      expect(notes.filter(Boolean)).toEqual(['a\uFFFDb']);
    });
  });

  it('marks a conversation read (unread 0, a read receipt to WhatsApp) and shows a typing indicator on an inbound message', async () => {
    const { conversation } = await openWindow();
    const read = await api.request('POST', `/v1/conversations/${conversation.id}/read`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ unread_count: 0, read_receipt: { status: 'sent' } });
    const inbound = (await api.request('GET', `/v1/conversations/${conversation.id}/messages`)).body.data[0];
    const typing = await api.request('POST', `/v1/messages/${inbound.id}/typing`);
    expect(typing.status).toBe(200);
    expect(typing.body).toMatchObject({ object: 'typing_indicator', message_id: inbound.id });
    const patched = await api.request('PATCH', `/v1/conversations/${conversation.id}`, { status: 'resolved', assignee: { id: 'agent-7', name: 'Dewi' } });
    expect(patched.body).toMatchObject({ status: 'resolved', assignee: { id: 'agent-7', name: 'Dewi' } });
  });

  it('another organization gets 404 on every route for these objects and never sees them in lists', async () => {
    const { phone, conversation } = await openWindow();
    const sent = (await sendText(phone)).body;
    const contactId = conversation.contact_id;
    const inbound = (await api.request('GET', `/v1/conversations/${conversation.id}/messages`)).body.data.find((m: { direction: string }) => m.direction === 'inbound');
    const other = api.auth(otherKey);
    const routes: [string, string, unknown?][] = [
      ['GET', `/v1/messages/${sent.id}`],
      ['POST', `/v1/messages/${inbound.id}/typing`],
      ['GET', `/v1/messages?conversation_id=${conversation.id}`],
      ['GET', `/v1/conversations/${conversation.id}`],
      ['GET', `/v1/conversations/${conversation.id}/messages`],
      ['PATCH', `/v1/conversations/${conversation.id}`, { status: 'resolved' }],
      ['POST', `/v1/conversations/${conversation.id}/read`],
      ['GET', `/v1/conversations?phone_number_id=${number.id}`],
      ['GET', `/v1/contacts/${contactId}`],
      ['PATCH', `/v1/contacts/${contactId}`, { name: 'x' }],
      ['GET', `/v1/contacts/${contactId}/context`],
      ['GET', `/v1/contacts/${contactId}/notes`],
      ['POST', `/v1/contacts/${contactId}/notes`, { body: 'x' }],
      ['POST', '/v1/messages', { phone_number_id: number.id, to: phone, type: 'text', text: { body: 'x' } }],
    ];
    for (const [method, path, body] of routes) {
      const res = await api.request(method, path, body, other);
      expect([path, res.status, res.body?.error?.code]).toEqual([path, 404, 'not_found']);
    }
    for (const path of [`/v1/conversations?q=${encodeURIComponent(phone)}`, `/v1/contacts?phone=${encodeURIComponent(phone)}`, '/v1/messages?q=package', '/v1/conversations']) {
      const res = await api.request('GET', path, undefined, other);
      expect([path, res.status, res.body.data]).toEqual([path, 200, []]);
    }
    expect((await api.request('GET', `/v1/conversations/${conversation.id}`)).body.status).toBe('open');
  });

  it('serves contacts: create, search, update, context and notes', async () => {
    const created = await api.request('POST', '/v1/contacts', { phone: '628777000111', name: 'Rina', email: 'rina@example.com', metadata: { tier: 'gold' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ object: 'contact', phone: '+628777000111', wa_id: '628777000111', name: 'Rina' });
    expect((await api.request('GET', '/v1/contacts?phone=%2B628777000111')).body.data).toHaveLength(1);
    expect((await api.request('GET', '/v1/contacts?search=RIN')).body.data.map((c: { id: string }) => c.id)).toContain(created.body.id);
    const dup = await api.request('POST', '/v1/contacts', { phone: '+628777000111' });
    expect(dup.status).toBe(409);
    const updated = await api.request('PATCH', `/v1/contacts/${created.body.id}`, { metadata: { tier: null, city: 'Bandung' } });
    expect(updated.body.metadata).toEqual({ city: 'Bandung' });
    expect((await api.request('POST', `/v1/contacts/${created.body.id}/notes`, { body: 'VIP' })).status).toBe(201);
    const ctx = await api.request('GET', `/v1/contacts/${created.body.id}/context`);
    expect(ctx.body).toMatchObject({ object: 'contact_context', contact: { id: created.body.id }, last_conversation: null, recent_messages: [], recent_notes: [{ body: 'VIP' }] });
  });

  it('ingested every stored webhook of this run at the first attempt', async () => {
    const events = api.app.get(PrismaService).db.inboundEvent;
    await eventually(async () => ((await events.count({ where: { status: 'pending' } })) === 0 ? true : undefined), 'pending webhooks to be ingested');
    expect(await events.count({ where: { OR: [{ status: 'failed' }, { attempts: { gt: 1 } }] } })).toBe(0);
    expect(await events.count()).toBeGreaterThan(0);
  });
});
