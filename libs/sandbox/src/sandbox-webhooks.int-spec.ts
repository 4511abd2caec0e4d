import crypto from 'node:crypto';
import { classifyMetaError, GraphClient, STATUS_RANK, type GraphCredentials, type WebhookStatus } from '#whatsapp';
import type { ProvisionedNumber } from './sandbox-numbers.service.js';
import { fakeFile, graphError } from './testing/graph-error.js';
import { startSandboxApp, type SandboxTestApp } from './testing/start-sandbox-app.js';
import { WebhookRecorder } from './webhook-recorder.js';

const SECRET = 'webhooks-spec-secret';
const graph = new GraphClient({ timeoutMs: 10_000 });

let sb: SandboxTestApp;
let recorder: WebhookRecorder;
let number: ProvisionedNumber;
let creds: GraphCredentials;
let customerSeq = 0;

/** A fresh customer number per test keeps windows and pair-rate buckets apart. */
function newCustomer(): string {
  customerSeq++;
  return `+62812${String(process.pid % 1000).padStart(3, '0')}${String(customerSeq).padStart(5, '0')}`;
}

async function openWindow(customer: string): Promise<void> {
  const r = await sb.admin.injectInbound({ phone_number_id: number.phone_number_id, from: customer, type: 'text', text: { body: 'hi' } });
  expect(r.delivered).toBe(true);
}

function text(to: string, body = 'hello', extra: Record<string, unknown> = {}) {
  return graph.sendMessage(creds, number.phone_number_id, { to, type: 'text', text: { body }, ...extra });
}

function statusesOf(wamid: string): (WebhookStatus & { phone_number_id: string })[] {
  return recorder.statuses().filter((s) => s.id === wamid);
}

/** Waits until the sandbox has no webhook queued or in flight. */
async function idle(): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const w = await sb.admin.webhooks();
    if (w.pending === 0 && w.in_flight === 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the sandbox never went idle');
}

beforeAll(async () => {
  recorder = await WebhookRecorder.start(SECRET);
  sb = await startSandboxApp({ appSecret: SECRET, webhookUrl: recorder.url });
  number = await sb.admin.provisionNumber({ throughput_per_second: 1000, pair_rate_burst: 1000 });
  creds = sb.creds(number);
});

afterAll(async () => {
  await sb?.close();
  await recorder?.close();
});

beforeEach(async () => {
  await sb.admin.reset();
  await sb.admin.setBehavior({ status_delays_ms: { sent: 0, delivered: 10, read: 20 }, webhook_retry_base_ms: 10 });
  recorder.clear();
});

describe('status webhooks', () => {
  it('posts sent → delivered → read, signed like Meta, echoing biz_opaque_callback_data, with pricing on sent and delivered', async () => {
    const to = newCustomer();
    await openWindow(to);
    const { wamid } = await text(to, 'hello', { biz_opaque_callback_data: 'msg_01/café ✓' });
    const got = await recorder.waitFor(() => statusesOf(wamid).length >= 3 && statusesOf(wamid));
    expect(got.map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
    for (const s of got) {
      expect(s).toMatchObject({ recipient_id: to.slice(1), biz_opaque_callback_data: 'msg_01/café ✓', phone_number_id: number.phone_number_id });
      expect(Number(s.timestamp)).toBeGreaterThan(1_700_000_000);
    }
    expect(got[0].pricing).toEqual({ billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'service' });
    expect(got[1].pricing).toEqual(got[0].pricing);
    expect(got[2].pricing).toBeUndefined();

    expect(recorder.received.every((r) => r.validSignature)).toBe(true);
    // Meta escapes '/' and non-ASCII; the signature covers those exact bytes, not a re-serialization.
    const post = recorder.received.find((r) => r.raw.includes('msg_01'))!;
    expect(post.raw.toString()).toContain('msg_01\\/caf\\u00e9 \\u2713');
    const reserialized = Buffer.from(JSON.stringify(post.body));
    expect(crypto.createHmac('sha256', SECRET).update(reserialized).digest('hex')).not.toBe(post.signature?.slice(7));
    expect(post.body).toMatchObject({ object: 'whatsapp_business_account', entry: [{ id: number.waba_id, changes: [{ field: 'messages' }] }] });
  });

  it('bills a marketing template as regular marketing', async () => {
    const to = newCustomer();
    const { wamid } = await graph.sendMessage(creds, number.phone_number_id, {
      to,
      type: 'template',
      template: { name: 'paused_promo', language: { code: 'en' } },
    }).catch(() => ({ wamid: '' }));
    expect(wamid).toBe(''); // paused: refused
    const sent = await graph.sendMessage(creds, number.phone_number_id, { to, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } });
    const [first] = await recorder.waitFor(() => statusesOf(sent.wamid).length >= 1 && statusesOf(sent.wamid));
    expect(first.pricing).toEqual({ billable: true, pricing_model: 'PMP', type: 'regular', category: 'utility' });
  });

  it('sends only `sent` for a reaction, and no `read` when the customer does not read', async () => {
    const to = newCustomer();
    await openWindow(to);
    const reaction = await graph.sendMessage(creds, number.phone_number_id, { to, type: 'reaction', reaction: { message_id: 'wamid.x', emoji: '👍' } });
    await sb.admin.setBehavior({ auto_read: false, status_delays_ms: { sent: 0, delivered: 0, read: 0 } });
    const unread = await text(to);
    await recorder.waitFor(() => statusesOf(unread.wamid).length >= 2);
    await idle();
    expect(statusesOf(reaction.wamid).map((s) => s.status)).toEqual(['sent']);
    expect(statusesOf(unread.wamid).map((s) => s.status)).toEqual(['sent', 'delivered']);
  });
});

describe('the 24 h customer service window', () => {
  it('accepts a free-form send outside the window, then fails it asynchronously with 131047', async () => {
    const to = newCustomer();
    const { wamid } = await text(to, 'are you there?', { biz_opaque_callback_data: 'msg_window' });
    const [failed] = await recorder.waitFor(() => statusesOf(wamid).length >= 1 && statusesOf(wamid));
    expect(failed).toMatchObject({ status: 'failed', biz_opaque_callback_data: 'msg_window', recipient_id: to.slice(1) });
    expect(failed.errors?.[0]).toMatchObject({ code: 131047, title: 'Re-engagement message', message: 'Re-engagement message' });
    expect(failed.errors?.[0].error_data?.details).toMatch(/24 hours/);
    expect(classifyMetaError({ code: failed.errors![0].code, kind: 'meta' }).ourCode).toBe('meta_outside_window');
    await idle();
    expect(statusesOf(wamid)).toHaveLength(1);
    expect((await sb.admin.ledger({ biz_opaque_callback_data: 'msg_window' })).data[0]).toMatchObject({ wamid, async_error_code: 131047 });

    // A template needs no window.
    const tpl = await graph.sendMessage(creds, number.phone_number_id, { to, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } });
    await recorder.waitFor(() => statusesOf(tpl.wamid).some((s) => s.status === 'read'));
  });

  it('measures the window from the customer message timestamp', async () => {
    const to = newCustomer();
    const dayAgo = Math.floor(Date.now() / 1000) - 25 * 3600;
    await sb.admin.injectInbound({ phone_number_id: number.phone_number_id, from: to, type: 'text', text: { body: 'old' }, timestamp: dayAgo });
    const late = await text(to);
    await recorder.waitFor(() => statusesOf(late.wamid).some((s) => s.status === 'failed' && s.errors?.[0].code === 131047));
    await openWindow(to);
    const fresh = await text(to);
    await recorder.waitFor(() => statusesOf(fresh.wamid).some((s) => s.status === 'read'));
  });
});

describe('webhook behaviour', () => {
  it('duplicates every webhook when duplicate_rate is 1', async () => {
    const to = newCustomer();
    await sb.admin.setBehavior({ duplicate_rate: 1, status_delays_ms: { sent: 0, delivered: 0, read: 0 } });
    await openWindow(to);
    const { wamid } = await text(to);
    await recorder.waitFor(() => statusesOf(wamid).length >= 6);
    await idle();
    const counts = new Map<string, number>();
    for (const s of statusesOf(wamid)) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
    expect(Object.fromEntries(counts)).toEqual({ sent: 2, delivered: 2, read: 2 });
    expect(recorder.messages().filter((m) => m.from === to.slice(1))).toHaveLength(2);
  });

  it('delivers statuses out of order when shuffle is on', async () => {
    const to = newCustomer();
    await openWindow(to);
    await sb.admin.setBehavior({ shuffle: true, status_delays_ms: { sent: 0, delivered: 0, read: 0 } });
    const wamids: string[] = [];
    for (let i = 0; i < 20; i++) wamids.push((await text(to, `m${i}`)).wamid);
    await recorder.waitFor(() => wamids.every((w) => statusesOf(w).length === 3));
    const outOfOrder = wamids.filter((w) => {
      const ranks = statusesOf(w).map((s) => STATUS_RANK[s.status]);
      return ranks.some((r, i) => i > 0 && r < ranks[i - 1]);
    });
    expect(outOfOrder.length).toBeGreaterThan(0);
  });

  it('shuffles only the arrival: each status keeps the time it happened (sent < delivered < read)', async () => {
    const to = newCustomer();
    await openWindow(to);
    // Over a second apart, so the one-second timestamps tell the statuses' times apart.
    await sb.admin.setBehavior({ shuffle: true, status_delays_ms: { sent: 0, delivered: 1_100, read: 2_200 } });
    const wamids: string[] = [];
    for (let i = 0; i < 5; i++) wamids.push((await text(to, `t${i}`)).wamid);
    await recorder.waitFor(() => wamids.every((w) => statusesOf(w).length === 3), 15_000);
    const arrivedOutOfOrder = wamids.filter((w) => statusesOf(w).some((s, i, all) => i > 0 && STATUS_RANK[s.status] < STATUS_RANK[all[i - 1].status]));
    expect(arrivedOutOfOrder.length).toBeGreaterThan(0);
    for (const w of wamids) {
      const at = Object.fromEntries(statusesOf(w).map((s) => [s.status, Number(s.timestamp)]));
      expect(at.sent).toBeLessThan(at.delivered);
      expect(at.delivered).toBeLessThan(at.read);
    }
  });

  it('drops webhooks when drop_rate is 1', async () => {
    const to = newCustomer();
    await openWindow(to);
    await sb.admin.setBehavior({ drop_rate: 1 });
    const { wamid } = await text(to);
    await idle();
    expect(statusesOf(wamid)).toHaveLength(0);
    expect((await sb.admin.webhooks()).counters.dropped).toBeGreaterThanOrEqual(2);
  });

  it('retries a webhook answered with anything but 200 (201 included), with backoff, then delivers it once', async () => {
    const to = newCustomer();
    recorder.failNext(500, 201);
    const r = await sb.admin.injectInbound({ phone_number_id: number.phone_number_id, from: to, type: 'text', text: { body: 'retry me' } });
    expect(r.delivered).toBe(false);
    await recorder.waitFor(() => recorder.messages().some((m) => m.id === r.wamid));
    await idle();
    const posts = recorder.received.filter((p) => p.raw.includes(r.wamid));
    expect(posts.map((p) => p.answered)).toEqual([500, 201, 200]);
    expect(recorder.messages().filter((m) => m.id === r.wamid)).toHaveLength(1);
  });

  it('gives up after webhook_max_attempts', async () => {
    await sb.admin.setBehavior({ webhook_max_attempts: 3, webhook_retry_base_ms: 5 });
    recorder.failNext(...Array<number>(10).fill(503));
    const r = await sb.admin.injectInbound({ phone_number_id: number.phone_number_id, from: newCustomer(), type: 'text', text: { body: 'lost' } });
    await idle();
    expect(recorder.received.filter((p) => p.raw.includes(r.wamid))).toHaveLength(3);
    expect((await sb.admin.webhooks()).counters.failed).toBe(1);
  });

  it('batches several ready updates into one POST with several entries', async () => {
    const to = newCustomer();
    await openWindow(to);
    recorder.clear();
    await sb.admin.setBehavior({ status_delays_ms: { sent: 300, delivered: 300, read: 300 } });
    const sends = await Promise.all([text(to, 'a'), text(to, 'b'), text(to, 'c')]);
    await recorder.waitFor(() => sends.every((s) => statusesOf(s.wamid).length === 3));
    expect(Math.max(...recorder.received.map((r) => r.body.entry.length))).toBeGreaterThan(1);
  });
});

describe('fault injection', () => {
  it('answers a synchronous error for the matching recipient, at most `count` times', async () => {
    const to = newCustomer();
    await openWindow(to);
    const [rule] = await sb.admin.setFaults({ match: { to }, rate: 1, effect: { kind: 'sync_error', code: 131026 }, count: 1 });
    expect(rule.id).toMatch(/^flt_/);
    const other = newCustomer();
    await openWindow(other);
    await expect(text(other)).resolves.toHaveProperty('wamid');
    const err = await graphError(text(to));
    expect({ code: err.code, status: err.httpStatus, title: err.title }).toEqual({ code: 131026, status: 400, title: 'Message undeliverable' });
    expect(err.classification).toMatchObject({ flagContact: 'undeliverable', retry: 'none' });
    await expect(text(to)).resolves.toHaveProperty('wamid');
  });

  it('honours http_status, title and details of a sync error, and rate 0 never fires', async () => {
    const to = newCustomer();
    await openWindow(to);
    await sb.admin.setFaults([
      { match: { to }, rate: 0, effect: { kind: 'sync_error', code: 100 } },
      { match: { to, phone_number_id: number.phone_number_id }, effect: { kind: 'sync_error', code: 131000, http_status: 503, title: 'Something went wrong', details: 'injected' } },
    ]);
    const err = await graphError(text(to));
    expect({ code: err.code, status: err.httpStatus, details: err.details, message: err.message }).toEqual({
      code: 131000,
      status: 503,
      details: 'injected',
      message: '(#131000) Something went wrong',
    });
    expect(err.retryable).toBe(true);
  });

  it('answers a non-JSON HTTP 500 for http_500, and nothing is sent', async () => {
    const to = newCustomer();
    await openWindow(to);
    await sb.admin.setFaults({ match: { to }, effect: { kind: 'http_500' }, count: 1 });
    const err = await graphError(text(to, 'boom', { biz_opaque_callback_data: 'msg_500' }));
    expect({ kind: err.kind, status: err.httpStatus, code: err.code }).toEqual({ kind: 'http', status: 500, code: undefined });
    expect(err.classification).toMatchObject({ retry: 'backoff', ourCode: 'meta_service_unavailable' });
    expect((await sb.admin.ledger({ biz_opaque_callback_data: 'msg_500' })).counts.total).toBe(0);
  });

  it('accepts then fails asynchronously for async_failed', async () => {
    const to = newCustomer();
    await openWindow(to);
    await sb.admin.setFaults({ match: { to }, effect: { kind: 'async_failed', code: 131050 } });
    const { wamid } = await text(to, 'promo', { biz_opaque_callback_data: 'msg_async' });
    const [failed] = await recorder.waitFor(() => statusesOf(wamid).length >= 1 && statusesOf(wamid));
    expect(failed).toMatchObject({ status: 'failed', biz_opaque_callback_data: 'msg_async' });
    expect(failed.errors?.[0].code).toBe(131050);
    expect(classifyMetaError({ code: 131050, kind: 'meta' }).flagContact).toBe('opted_out');
  });

  it('holds the answer for a timeout fault while the send is accepted (the unrecorded-success case)', async () => {
    const to = newCustomer();
    await openWindow(to);
    await sb.admin.setFaults({ match: { to }, effect: { kind: 'timeout', ms: 1500 }, count: 1 });
    const impatient = new GraphClient({ timeoutMs: 200 });
    const err = await graphError(impatient.sendMessage(creds, number.phone_number_id, { to, type: 'text', text: { body: 'slow' }, biz_opaque_callback_data: 'msg_timeout' }));
    expect(err.kind).toBe('timeout');
    expect(err.retryable).toBe(true);
    const ledger = await sb.admin.ledger({ biz_opaque_callback_data: 'msg_timeout' });
    expect(ledger.counts.total).toBe(1);
    await recorder.waitFor(() => recorder.statuses().some((s) => s.biz_opaque_callback_data === 'msg_timeout' && s.status === 'sent'));
  });
});

describe('ledger', () => {
  it('records every accepted send and counts duplicates by biz_opaque_callback_data', async () => {
    const to = newCustomer();
    await openWindow(to);
    await text(to, '1', { biz_opaque_callback_data: 'msg_a' });
    await text(to, '2', { biz_opaque_callback_data: 'msg_b' });
    const again = await text(to, '1 again', { biz_opaque_callback_data: 'msg_a' });
    await text(to, 'no id');
    await graphError(text(to, 'x'.repeat(5000), { biz_opaque_callback_data: 'msg_rejected' }));

    const all = await sb.admin.ledger({ phone_number_id: number.phone_number_id, to });
    expect(all.counts).toMatchObject({ total: 4, distinct_biz_opaque_callback_data: 2, without_biz_opaque_callback_data: 1, rejected: 1 });
    expect(all.counts.duplicates).toEqual([{ biz_opaque_callback_data: 'msg_a', count: 2, wamids: [expect.any(String), again.wamid] }]);
    expect(all.data[0]).toMatchObject({ phone_number_id: number.phone_number_id, to: to.slice(1), type: 'text', biz_opaque_callback_data: 'msg_a' });
    expect((all.data[0].body as { text: { body: string } }).text.body).toBe('1');
    expect((await sb.admin.ledger({ biz_opaque_callback_data: 'msg_b' })).counts.total).toBe(1);

    await sb.admin.setFaults({ effect: { kind: 'sync_error', code: 131000 } });
    await sb.admin.setBehavior({ auto_read: false });
    await sb.admin.reset();
    expect((await sb.admin.ledger()).counts.total).toBe(0);
    await expect(text(to)).resolves.toHaveProperty('wamid'); // faults cleared
  });
});

describe('inbound injection', () => {
  const image = fakeFile('jpeg', 500);
  const cases: [type: string, body: Record<string, unknown>, expected: Record<string, unknown>][] = [
    ['text', { text: { body: 'Hola 👋' } }, { text: { body: 'Hola 👋' } }],
    ['image', { image: { caption: 'look', mime_type: 'image/jpeg', data_base64: image.toString('base64') } }, { image: { caption: 'look', mime_type: 'image/jpeg' } }],
    ['video', { video: { caption: 'clip' } }, { video: { caption: 'clip', mime_type: 'video/mp4' } }],
    ['audio', { audio: {} }, { audio: { mime_type: 'audio/ogg; codecs=opus', voice: true } }],
    ['document', { document: { filename: 'invoice.pdf', caption: 'here' } }, { document: { filename: 'invoice.pdf', caption: 'here', mime_type: 'application/pdf' } }],
    ['sticker', { sticker: {} }, { sticker: { mime_type: 'image/webp', animated: false } }],
    ['location', { location: { latitude: -6.2, longitude: 106.8, name: 'Monas', address: 'Jakarta' } }, { location: { latitude: -6.2, longitude: 106.8, name: 'Monas' } }],
    ['contacts', { contacts: [{ name: { formatted_name: 'Ana Lee', first_name: 'Ana' }, phones: [{ phone: '+1 555 0100', wa_id: '15550100', type: 'CELL' }] }] }, { contacts: [{ name: { formatted_name: 'Ana Lee' } }] }],
    ['reaction', { reaction: { message_id: 'wamid.ours', emoji: '❤️' } }, { reaction: { message_id: 'wamid.ours', emoji: '❤️' } }],
    ['interactive', { interactive: { type: 'button_reply', button_reply: { id: 'yes', title: 'Yes' } } }, { interactive: { type: 'button_reply', button_reply: { id: 'yes', title: 'Yes' } } }],
    ['interactive', { interactive: { type: 'list_reply', list_reply: { id: 'r1', title: 'Row 1', description: 'd' } } }, { interactive: { type: 'list_reply', list_reply: { id: 'r1', title: 'Row 1' } } }],
    ['interactive', { interactive: { type: 'nfm_reply', nfm_reply: { response_json: { rating: 5 } } } }, { interactive: { type: 'nfm_reply', nfm_reply: { response_json: '{"rating":5}', body: 'Sent', name: 'flow' } } }],
    ['button', { button: { payload: 'STOP', text: 'Stop promotions' } }, { button: { payload: 'STOP', text: 'Stop promotions' } }],
    ['unsupported', {}, { errors: [{ code: 131051, title: 'Message type unknown' }] }],
  ];

  it.each(cases)('delivers a signed %s message in Meta’s envelope', async (type, body, expected) => {
    const from = newCustomer();
    const r = await sb.admin.injectInbound({ phone_number_id: number.phone_number_id, from, type, profile_name: 'Ana', ...body });
    expect(r.delivered).toBe(true);
    const post = recorder.received.find((p) => p.raw.includes(r.wamid))!;
    expect(post.validSignature).toBe(true);
    expect(post.body.entry[0]).toMatchObject({
      id: number.waba_id,
      changes: [
        {
          field: 'messages',
          value: {
            messaging_product: 'whatsapp',
            metadata: { display_phone_number: number.display_phone_number.slice(1), phone_number_id: number.phone_number_id },
            contacts: [{ profile: { name: 'Ana' }, wa_id: from.slice(1) }],
            messages: [{ from: from.slice(1), id: r.wamid, type, ...expected }],
          },
        },
      ],
    });
    const msg = recorder.messages().find((m) => m.id === r.wamid)! as unknown as Record<string, { id: string; sha256: string }>;
    expect(msg.timestamp).toMatch(/^\d+$/);
    if (r.media_id) {
      expect(msg[type].id).toBe(r.media_id);
      const info = await graph.getMediaUrl(creds, r.media_id);
      const bytes = await graph.downloadMedia(creds, info.url);
      expect(crypto.createHash('sha256').update(bytes).digest('hex')).toBe(msg[type].sha256);
      expect(info.sha256).toBe(msg[type].sha256);
      if (type === 'image') expect(bytes.equals(image)).toBe(true);
    }
  });

  it('carries a quoted reply, a business-scoped user id, and opens the window', async () => {
    const from = newCustomer();
    const r = await sb.admin.injectInbound({
      phone_number_id: number.phone_number_id,
      from,
      type: 'text',
      text: { body: 'about this' },
      user_id: 'US.13491208655302741918',
      context: { message_id: 'wamid.ours' },
    });
    const post = recorder.received.find((p) => p.raw.includes(r.wamid))!;
    const value = (post.body.entry[0].changes[0] as { value: { contacts: unknown[]; messages: unknown[] } }).value;
    expect(value.contacts[0]).toEqual({ profile: { name: 'Sandbox Customer' }, wa_id: from.slice(1), user_id: 'US.13491208655302741918' });
    expect(value.messages[0]).toMatchObject({ context: { from: number.display_phone_number.slice(1), id: 'wamid.ours' } });
    const reply = await text(from);
    await recorder.waitFor(() => statusesOf(reply.wamid).some((s) => s.status === 'read'));
  });

  it('refuses a malformed injection with 400 and an unknown number with 404', async () => {
    await expect(sb.admin.injectInbound({ phone_number_id: number.phone_number_id, from: newCustomer(), type: 'text', text: {} })).rejects.toMatchObject({ status: 400 });
    await expect(sb.admin.injectInbound({ phone_number_id: '999', from: newCustomer(), type: 'text', text: { body: 'x' } })).rejects.toMatchObject({ status: 404 });
  });

  it('sends nothing until the app subscribes to the WABA (subscribed_apps)', async () => {
    const quiet = await sb.admin.provisionNumber({ subscribed: false });
    const r = await sb.admin.injectInbound({ phone_number_id: quiet.phone_number_id, from: newCustomer(), type: 'text', text: { body: 'anyone?' } });
    expect(r).toMatchObject({ delivered: false, outcome: 'not_subscribed' });
    await expect(graph.subscribeApp(sb.creds(quiet), quiet.waba_id)).resolves.toEqual({ success: true });
    const again = await sb.admin.injectInbound({ phone_number_id: quiet.phone_number_id, from: newCustomer(), type: 'text', text: { body: 'now?' } });
    expect(again.delivered).toBe(true);
  });

  it('posts to a per-number webhook URL signed with its own app secret', async () => {
    const own = await WebhookRecorder.start('their-own-secret');
    try {
      const n = await sb.admin.provisionNumber({ webhook_url: own.url, app_secret: 'their-own-secret' });
      const r = await sb.admin.injectInbound({ phone_number_id: n.phone_number_id, from: newCustomer(), type: 'text', text: { body: 'x' } });
      expect(r.delivered).toBe(true);
      expect(own.received).toHaveLength(1);
      expect(own.received[0].validSignature).toBe(true);
      expect(recorder.received.some((p) => p.raw.includes(r.wamid))).toBe(false);
    } finally {
      await own.close();
    }
  });
});
