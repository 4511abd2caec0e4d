import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { GraphClient, type GraphCredentials, type TemplateStatusUpdateValue } from '#whatsapp';
import type { ProvisionedNumber } from './sandbox-numbers.service.js';
import { fakeFile, graphError } from './testing/graph-error.js';
import { startSandboxApp, type SandboxTestApp } from './testing/start-sandbox-app.js';
import { WebhookRecorder } from './webhook-recorder.js';

const SECRET = 'graph-api-spec-secret';
const graph = new GraphClient({ timeoutMs: 10_000 });

let sb: SandboxTestApp;
let recorder: WebhookRecorder;
let customerSeq = 0;
const newCustomer = () => `+4479${String(process.pid % 1000).padStart(3, '0')}${String(++customerSeq).padStart(5, '0')}`;

beforeAll(async () => {
  recorder = await WebhookRecorder.start(SECRET);
  sb = await startSandboxApp({ appSecret: SECRET, webhookUrl: recorder.url });
  await sb.admin.setBehavior({ status_delays_ms: { sent: 0, delivered: 0, read: 0 }, template_review_ms: 30 });
});

afterAll(async () => {
  await sb?.close();
  await recorder?.close();
});

async function numberWithWindow(input: Parameters<SandboxTestApp['admin']['provisionNumber']>[0] = {}) {
  const n = await sb.admin.provisionNumber(input);
  return { n, creds: sb.creds(n) };
}

function send(creds: GraphCredentials, n: ProvisionedNumber, to: string, body: Record<string, unknown> = { type: 'text', text: { body: 'hi' } }) {
  return graph.sendMessage(creds, n.phone_number_id, { to, ...body });
}

describe('rate limits', () => {
  it('refuses sends over the number’s throughput with 130429 (HTTP 400)', async () => {
    // 2 per second: the 12 concurrent sends would have to spread over 5 s for all of them to pass.
    const { n, creds } = await numberWithWindow({ throughput_per_second: 2 });
    const results = await Promise.allSettled(Array.from({ length: 12 }, () => send(creds, n, newCustomer())));
    const accepted = results.filter((r) => r.status === 'fulfilled');
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as { code?: number; httpStatus?: number; classification: { retry: string } }] : []));
    expect(accepted.length).toBeGreaterThanOrEqual(2);
    expect(refused.length).toBeGreaterThan(0);
    for (const e of refused) {
      expect({ code: e.code, status: e.httpStatus, retry: e.classification.retry }).toEqual({ code: 130429, status: 400, retry: 'number_throttle' });
    }
  });

  it('counts inbound messages against the throughput', async () => {
    const { n, creds } = await numberWithWindow({ throughput_per_second: 1 });
    for (let i = 0; i < 5; i++) await sb.admin.injectInbound({ phone_number_id: n.phone_number_id, from: newCustomer(), type: 'text', text: { body: 'in' } });
    const err = await graphError(send(creds, n, newCustomer()));
    expect(err.code).toBe(130429);
  });

  it('allows a burst of 45 messages to one recipient, then refuses with 131056, other recipients unaffected', async () => {
    // The default burst (45); a slow refill so that a slow machine cannot earn a token back during the test.
    const { n, creds } = await numberWithWindow({ throughput_per_second: 1000, pair_rate_interval_ms: 600_000 });
    const to = newCustomer();
    for (let i = 0; i < 45; i++) await send(creds, n, to);
    const err = await graphError(send(creds, n, to));
    expect({ code: err.code, status: err.httpStatus, retry: err.classification.retry }).toEqual({ code: 131056, status: 400, retry: 'recipient_throttle' });
    expect(err.title).toBe('(Business Account, Consumer Account) pair rate limit hit');
    await expect(send(creds, n, newCustomer())).resolves.toHaveProperty('wamid');
  });

  it('uses the pair burst given at provisioning', async () => {
    const { n, creds } = await numberWithWindow({ pair_rate_burst: 2, pair_rate_interval_ms: 600_000 });
    const to = newCustomer();
    await send(creds, n, to);
    await send(creds, n, to);
    expect((await graphError(send(creds, n, to))).code).toBe(131056);
  });
});

describe('phone numbers and WABA', () => {
  it('answers GET /{phone_number_id} with Meta’s fields, honouring ?fields', async () => {
    const { n, creds } = await numberWithWindow({ display_phone_number: '+1 555 010 4477', verified_name: 'Kedai Kopi' });
    expect(n.display_phone_number).toBe('+15550104477');
    const info = await graph.getPhoneNumber(creds, n.phone_number_id);
    expect(info).toMatchObject({ id: n.phone_number_id, display_phone_number: '+1 555-010-4477', verified_name: 'Kedai Kopi', quality_rating: 'GREEN', code_verification_status: 'VERIFIED' });
    const res = await fetch(`${sb.baseUrl}/v24.0/${n.phone_number_id}?fields=verified_name`, { headers: { Authorization: `Bearer ${n.access_token}` } });
    expect(await res.json()).toEqual({ verified_name: 'Kedai Kopi', id: n.phone_number_id });
    const bad = await fetch(`${sb.baseUrl}/v24.0/${n.phone_number_id}?fields=nonsense`, { headers: { Authorization: `Bearer ${n.access_token}` } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 100, message: '(#100) Tried accessing nonexisting field (nonsense) on node type (WhatsAppBusinessPhoneNumber)' } });
    await expect(sb.admin.provisionNumber({ display_phone_number: '+15550104477' })).rejects.toMatchObject({ status: 409 });
  });

  it('lists the WABA’s numbers, including one added to it later', async () => {
    const { n, creds } = await numberWithWindow();
    const second = await sb.admin.provisionNumber({ waba_id: n.waba_id });
    const res = await fetch(`${sb.baseUrl}/v24.0/${n.waba_id}/phone_numbers`, { headers: { Authorization: `Bearer ${n.access_token}` } });
    const body = (await res.json()) as { data: { id: string }[] };
    expect(body.data.map((d) => d.id).sort()).toEqual([n.phone_number_id, second.phone_number_id].sort());
    // A token of the WABA may act on its other numbers.
    await expect(graph.getPhoneNumber(creds, second.phone_number_id)).resolves.toHaveProperty('id', second.phone_number_id);
  });
});

describe('media', () => {
  it('uploads, describes, downloads with the token, and expires the URL', async () => {
    const { n, creds } = await numberWithWindow();
    const data = fakeFile('png', 2048);
    const { id } = await graph.uploadMedia(creds, n.phone_number_id, { data, mimeType: 'image/png', filename: 'logo.png' });
    expect(id).toMatch(/^\d{15,16}$/);
    const info = await graph.getMediaUrl(creds, id);
    expect(info).toMatchObject({ id, mime_type: 'image/png', file_size: 2048, messaging_product: 'whatsapp' });
    expect(info.url).toContain('/whatsapp_business/attachments/?mid=');
    expect((await graph.downloadMedia(creds, info.url)).equals(data)).toBe(true);

    expect((await fetch(info.url)).status).toBe(401);
    const stranger = await sb.admin.provisionNumber();
    expect((await fetch(info.url, { headers: { Authorization: `Bearer ${stranger.access_token}` } })).status).toBe(401);
    expect((await graphError(graph.getMediaUrl(sb.creds(stranger), id))).subcode).toBe(33);

    await sb.admin.patchBehavior({ media_url_ttl_ms: 0 });
    const shortLived = await graph.getMediaUrl(creds, id);
    await new Promise((r) => setTimeout(r, 1100));
    const expired = await graphError(graph.downloadMedia(creds, shortLived.url));
    expect({ kind: expired.kind, status: expired.httpStatus }).toEqual({ kind: 'http', status: 403 });
    expect(await sb.admin.patchBehavior({ media_url_ttl_ms: 300_000 })).toMatchObject({ template_review_ms: 30, media_url_ttl_ms: 300_000 });

    const fresh = await graph.getMediaUrl(creds, id);
    await expect(graph.deleteMedia(creds, id)).resolves.toEqual({ success: true });
    expect((await graphError(graph.getMediaUrl(creds, id))).code).toBe(100);
    expect((await graphError(graph.downloadMedia(creds, fresh.url))).httpStatus).toBe(404);
  });

  it.each([
    ['an image over 5 MB', 'image/png', 5 * 1024 * 1024 + 1],
    ['a sticker over 500 KB', 'image/webp', 500 * 1024 + 1],
    ['an unsupported type', 'image/gif', 100],
  ])('refuses %s', async (_name, mimeType, size) => {
    const { n, creds } = await numberWithWindow();
    const err = await graphError(graph.uploadMedia(creds, n.phone_number_id, { data: Buffer.alloc(size, 1), mimeType, filename: 'f' }));
    expect({ code: err.code, status: err.httpStatus }).toEqual({ code: 100, status: 400 });
  });

  it('accepts an image of exactly 5 MB', async () => {
    const { n, creds } = await numberWithWindow();
    await expect(graph.uploadMedia(creds, n.phone_number_id, { data: Buffer.alloc(5 * 1024 * 1024, 1), mimeType: 'image/jpeg', filename: 'big.jpg' })).resolves.toHaveProperty('id');
  });

  it('requires messaging_product and the file', async () => {
    const { n } = await numberWithWindow();
    const form = new FormData();
    form.append('type', 'image/png');
    form.append('file', new Blob([fakeFile('png')], { type: 'image/png' }), 'a.png');
    const res = await fetch(`${sb.baseUrl}/v24.0/${n.phone_number_id}/media`, { method: 'POST', headers: { Authorization: `Bearer ${n.access_token}` }, body: form });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 100 } });
  });

  it('fails a message asynchronously (131053) when its media cannot be sent as that type', async () => {
    const { n, creds } = await numberWithWindow();
    const to = newCustomer();
    await sb.admin.injectInbound({ phone_number_id: n.phone_number_id, from: to, type: 'text', text: { body: 'hi' } });
    const bigStatic = (await graph.uploadMedia(creds, n.phone_number_id, { data: fakeFile('webp', 150 * 1024), mimeType: 'image/webp', filename: 's.webp' })).id;
    const audio = (await graph.uploadMedia(creds, n.phone_number_id, { data: fakeFile('ogg'), mimeType: 'audio/ogg', filename: 'a.ogg' })).id;
    const sticker = await send(creds, n, to, { type: 'sticker', sticker: { id: bigStatic } });
    const wrongType = await send(creds, n, to, { type: 'image', image: { id: audio } });
    for (const { wamid } of [sticker, wrongType]) {
      const s = await recorder.waitFor(() => recorder.statuses().find((x) => x.id === wamid));
      expect(s).toMatchObject({ status: 'failed', errors: [{ code: 131053, title: 'Media upload error' }] });
    }
  });

  it('downloads link media like Meta: a reachable image is delivered, a 404 link fails with 131053', async () => {
    const files = http.createServer((req, res) => {
      if (req.url === '/ok.png') {
        res.writeHead(200, { 'Content-Type': 'image/png' });
        res.end(fakeFile('png'));
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
    try {
      const { n, creds } = await numberWithWindow();
      const to = newCustomer();
      await sb.admin.injectInbound({ phone_number_id: n.phone_number_id, from: to, type: 'text', text: { body: 'hi' } });
      const good = await send(creds, n, to, { type: 'image', image: { link: `${base}/ok.png` } });
      const bad = await send(creds, n, to, { type: 'image', image: { link: `${base}/missing.png` } });
      await recorder.waitFor(() => recorder.statuses().some((s) => s.id === good.wamid && s.status === 'read'));
      const failed = await recorder.waitFor(() => recorder.statuses().find((s) => s.id === bad.wamid));
      expect(failed).toMatchObject({ status: 'failed', errors: [{ code: 131053 }] });
    } finally {
      files.closeAllConnections();
      await new Promise((r) => files.close(r));
    }
  });
});

const templateUpdates = () => recorder.changes('message_template_status_update').map((c) => c.value as TemplateStatusUpdateValue);

describe('templates', () => {

  it('lists the seeded templates through every page', async () => {
    const { n, creds } = await numberWithWindow();
    const seeded = await graph.listTemplates(creds, n.waba_id);
    expect(seeded.map((t) => `${t.name}/${t.language}/${t.status}`).sort()).toEqual([
      'appointment_reminder/en/APPROVED',
      'disabled_notice/en/DISABLED',
      'hello_world/en_US/APPROVED',
      'order_update/en/APPROVED',
      'paused_promo/en/PAUSED',
      'pending_welcome/en/PENDING',
      'promo_image/en/APPROVED',
    ]);
    expect(seeded.find((t) => t.name === 'appointment_reminder')).toMatchObject({ category: 'UTILITY', parameter_format: 'NAMED' });
    for (let i = 0; i < 100; i++) {
      await graph.createTemplate(creds, n.waba_id, { name: `bulk_${i}`, category: 'UTILITY', language: 'en', components: [{ type: 'BODY', text: `Bulk ${i}` }] });
    }
    const all = await graph.listTemplates(creds, n.waba_id);
    expect(all).toHaveLength(107);
    expect(new Set(all.map((t) => t.id)).size).toBe(107);
    const page = (await (await fetch(`${sb.baseUrl}/v24.0/${n.waba_id}/message_templates?limit=2`, { headers: { Authorization: `Bearer ${n.access_token}` } })).json()) as {
      data: unknown[];
      paging: { next?: string; cursors: { after: string } };
    };
    expect(page.data).toHaveLength(2);
    const withFields = (await (
      await fetch(`${sb.baseUrl}/v24.0/${n.waba_id}/message_templates?name=hello_world&fields=name,status,rejected_reason`, { headers: { Authorization: `Bearer ${n.access_token}` } })
    ).json()) as { data: unknown[] };
    expect(withFields.data).toEqual([{ name: 'hello_world', status: 'APPROVED', rejected_reason: 'NONE', id: expect.any(String) }]);
    expect(page.paging.next).toContain(`${sb.baseUrl}/v24.0/${n.waba_id}/message_templates?`);
  });

  it('creates a template PENDING, then approves it with a message_template_status_update webhook', async () => {
    const { n, creds } = await numberWithWindow();
    const created = await graph.createTemplate(creds, n.waba_id, {
      name: 'shipping_notice',
      category: 'UTILITY',
      language: 'en_US',
      components: [{ type: 'BODY', text: 'Your parcel {{1}} is on its way.', example: { body_text: [['P-1']] } }],
    });
    expect(created).toEqual({ id: expect.stringMatching(/^\d+$/), status: 'PENDING', category: 'UTILITY' });
    const before = await graphError(send(creds, n, newCustomer(), { type: 'template', template: { name: 'shipping_notice', language: { code: 'en_US' } } }));
    expect(before.code).toBe(132001);
    const update = await recorder.waitFor(() => templateUpdates().find((u) => u.message_template_name === 'shipping_notice'));
    expect(update).toEqual({
      event: 'APPROVED',
      message_template_id: Number(created.id),
      message_template_name: 'shipping_notice',
      message_template_language: 'en_US',
      reason: 'NONE',
      message_template_category: 'UTILITY',
    });
    const change = recorder.changes('message_template_status_update').find((c) => (c.value as TemplateStatusUpdateValue).message_template_name === 'shipping_notice')!;
    expect(change.wabaId).toBe(n.waba_id);
    expect(recorder.received.find((r) => r.raw.includes('shipping_notice'))!.body.entry[0].time).toEqual(expect.any(Number));
    await expect(
      send(creds, n, newCustomer(), { type: 'template', template: { name: 'shipping_notice', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'P-9' }] }] } }),
    ).resolves.toHaveProperty('wamid');
  });

  it('rejects a template whose name contains "reject"', async () => {
    const { n, creds } = await numberWithWindow();
    await graph.createTemplate(creds, n.waba_id, { name: 'please_reject_me', category: 'MARKETING', language: 'en', components: [{ type: 'BODY', text: 'Buy now' }] });
    const update = await recorder.waitFor(() => templateUpdates().find((u) => u.message_template_name === 'please_reject_me'));
    expect(update).toMatchObject({ event: 'REJECTED', reason: 'INVALID_FORMAT' });
    const listed = (await graph.listTemplates(creds, n.waba_id)).find((t) => t.name === 'please_reject_me');
    expect(listed).toMatchObject({ status: 'REJECTED', rejected_reason: 'INVALID_FORMAT' });
  });

  it.each([
    ['an invalid name', { name: 'Bad Name', category: 'UTILITY', language: 'en', components: [{ type: 'BODY', text: 'x' }] }, undefined],
    ['an unknown category', { name: 'ok_name', category: 'PROMO', language: 'en', components: [{ type: 'BODY', text: 'x' }] }, undefined],
    ['no body', { name: 'ok_name', category: 'UTILITY', language: 'en', components: [{ type: 'FOOTER', text: 'x' }] }, undefined],
    ['a body over 1024', { name: 'ok_name', category: 'UTILITY', language: 'en', components: [{ type: 'BODY', text: 'x'.repeat(1025) }] }, undefined],
    ['variables without examples', { name: 'ok_name', category: 'UTILITY', language: 'en', components: [{ type: 'BODY', text: 'Hi {{1}}' }] }, 2388043],
    ['variables out of sequence', { name: 'ok_name', category: 'UTILITY', language: 'en', components: [{ type: 'BODY', text: 'Hi {{2}}', example: { body_text: [['a']] } }] }, undefined],
    ['a duplicate name and language', { name: 'order_update', category: 'UTILITY', language: 'en', components: [{ type: 'BODY', text: 'x' }] }, 2388024],
  ])('refuses to create a template with %s', async (_name, body, subcode) => {
    const { n, creds } = await numberWithWindow();
    const err = await graphError(graph.createTemplate(creds, n.waba_id, body));
    expect({ code: err.code, status: err.httpStatus }).toEqual({ code: 100, status: 400 });
    if (subcode) expect(err.subcode).toBe(subcode);
  });

  it('deletes a template by name, and an admin can pause one (with its webhook)', async () => {
    const { n, creds } = await numberWithWindow();
    await expect(graph.deleteTemplate(creds, n.waba_id, 'order_update')).resolves.toEqual({ success: true });
    expect((await graphError(send(creds, n, newCustomer(), { type: 'template', template: { name: 'order_update', language: { code: 'en' } } }))).code).toBe(132001);
    expect((await graphError(graph.deleteTemplate(creds, n.waba_id, 'order_update'))).code).toBe(100);

    await sb.admin.setTemplateStatus({ phone_number_id: n.phone_number_id, name: 'hello_world', status: 'PAUSED', reason: 'LOW_QUALITY' });
    const update = await recorder.waitFor(() => templateUpdates().find((u) => u.event === 'PAUSED' && recorder.changes('message_template_status_update').some((c) => c.wabaId === n.waba_id)));
    expect(update).toMatchObject({ message_template_name: 'hello_world', reason: 'LOW_QUALITY' });
    expect((await graphError(send(creds, n, newCustomer(), { type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } }))).code).toBe(132015);
  });
});

describe('routes not emulated', () => {
  it.each([
    ['GET', '/v24.0/123/whatsapp_business_profile'],
    ['POST', '/v24.0/123/register'],
    ['PUT', '/v24.0/123/messages'],
    ['GET', '/nothing/here/at/all'],
    ['GET', '/_sandbox/unknown'],
  ])('%s %s answers 501 naming the route', async (method, route) => {
    const res = await fetch(`${sb.baseUrl}${route}`, { method, headers: { Authorization: 'Bearer x' } });
    expect(res.status).toBe(501);
    const body = (await res.json()) as { error: { route: string; message: string } };
    expect(body.error.route).toBe(`${method} ${route}`);
    expect(body.error.message).toMatch(/does not emulate/);
  });
});

describe('mounted under /sandbox, as in the embedded product', () => {
  it('serves the Graph API, media URLs and the 501 under the prefix', async () => {
    const mounted = await startSandboxApp({ appSecret: SECRET, webhookUrl: recorder.url, mounted: true });
    try {
      expect(mounted.baseUrl).toMatch(/\/sandbox$/);
      const n = await mounted.admin.provisionNumber();
      const creds = mounted.creds(n);
      const { id } = await graph.uploadMedia(creds, n.phone_number_id, { data: fakeFile('png'), mimeType: 'image/png', filename: 'a.png' });
      const info = await graph.getMediaUrl(creds, id);
      expect(info.url.startsWith(`${mounted.baseUrl}/whatsapp_business/attachments/`)).toBe(true);
      expect((await graph.downloadMedia(creds, info.url)).length).toBe(256);
      const res = await fetch(`${mounted.baseUrl}/v24.0/${n.phone_number_id}/unknown_edge`);
      expect(res.status).toBe(501);
      expect(((await res.json()) as { error: { route: string } }).error.route).toBe(`GET /sandbox/v24.0/${n.phone_number_id}/unknown_edge`);
    } finally {
      await mounted.close();
    }
  });
});

describe('state file', () => {
  it('keeps numbers, templates, media and windows across a restart', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kdv-sandbox-state-'));
    const stateFile = path.join(dir, 'sandbox-state.json');
    let app = await startSandboxApp({ appSecret: SECRET, webhookUrl: recorder.url, stateFile });
    try {
      await app.admin.setBehavior({ template_review_ms: 60_000 });
      const n = await app.admin.provisionNumber({ verified_name: 'Persisted' });
      const data = fakeFile('pdf', 999);
      const { id: mediaId } = await graph.uploadMedia(app.creds(n), n.phone_number_id, { data, mimeType: 'application/pdf', filename: 'terms.pdf' });
      await graph.createTemplate(app.creds(n), n.waba_id, { name: 'survives_restart', category: 'UTILITY', language: 'en', components: [{ type: 'BODY', text: 'Still here' }] });
      const to = newCustomer();
      await app.admin.injectInbound({ phone_number_id: n.phone_number_id, from: to, type: 'text', text: { body: 'hi' } });
      await app.close();

      app = await startSandboxApp({ appSecret: SECRET, webhookUrl: recorder.url, stateFile });
      await app.admin.setBehavior({ status_delays_ms: { sent: 0, delivered: 0, read: 0 }, template_review_ms: 30 });
      const creds = { ...app.creds(n) };
      expect(await graph.getPhoneNumber(creds, n.phone_number_id)).toMatchObject({ verified_name: 'Persisted' });
      const info = await graph.getMediaUrl(creds, mediaId);
      expect((await graph.downloadMedia(creds, info.url)).equals(data)).toBe(true);
      // The PENDING template's review resumes after the restart.
      await recorder.waitFor(() => templateUpdates().find((u) => u.message_template_name === 'survives_restart' && u.event === 'APPROVED'));
      // The window opened before the restart is still open: the free-form reply is read, not failed with 131047.
      const { wamid } = await send(creds, n, to, { type: 'document', document: { id: mediaId, filename: 'terms.pdf' } });
      await recorder.waitFor(() => recorder.statuses().some((s) => s.id === wamid && s.status === 'read'));
      expect(recorder.statuses().some((s) => s.id === wamid && s.status === 'failed')).toBe(false);
    } finally {
      await app.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
