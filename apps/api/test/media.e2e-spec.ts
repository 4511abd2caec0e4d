import crypto from 'node:crypto';
import { PrismaService } from '#db';
import { MediaService, OrganizationsService, PhoneNumbersService, systemContext } from '#domain';
import { SandboxAdminClient } from '#sandbox';
import { startTestApi, type TestApi } from './harness.js';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), crypto.randomBytes(2048)]);

describe('media (e2e)', () => {
  let api: TestApi;
  let orgId: string;
  let otherKey: string;
  let number: { id: string; phone_number_id: string; waba_id: string };

  beforeAll(async () => {
    api = await startTestApi();
    orgId = (await api.request('GET', '/v1/me')).body.id;
    otherKey = (await api.app.get(OrganizationsService).create({ name: 'Other', firstKey: { name: 'k' } })).plaintextKey!;
    number = (await api.request('POST', '/v1/phone_numbers', { sandbox: true })).body;
  });
  afterAll(() => api?.close());

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  function upload(file: { data: Buffer; type: string; name: string } | null, fields: Record<string, string> = {}, key = api.key, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    if (file) form.append('file', new Blob([new Uint8Array(file.data)], { type: file.type }), file.name);
    return fetch(`${api.url}/v1/media`, { method: 'POST', headers: { ...api.auth(key), ...headers }, body: form }).then(async (r) => ({ status: r.status, body: await r.json(), headers: r.headers }));
  }

  it('Idempotency-Key covers the uploaded bytes: same file replays, another file with the same key is refused', async () => {
    const headers = { 'Idempotency-Key': 'upload-1' };
    const first = await upload({ data: PNG, type: 'image/png', name: 'a.png' }, { phone_number_id: number.id }, api.key, headers);
    const again = await upload({ data: PNG, type: 'image/png', name: 'a.png' }, { phone_number_id: number.id }, api.key, headers);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    const other = Buffer.concat([PNG, Buffer.from([0])]);
    const different = await upload({ data: other, type: 'image/png', name: 'a.png' }, { phone_number_id: number.id }, api.key, headers);
    expect(different.status).toBe(422);
    expect(different.body.error.code).toBe('idempotency_key_reuse');
  });

  const download = (id: string, key = api.key) => fetch(`${api.url}/v1/media/${id}`, { headers: api.auth(key) });

  it('uploads to WhatsApp and keeps the bytes; GET streams them back with type and length', async () => {
    const res = await upload({ data: PNG, type: 'image/png', name: 'receipt.png' }, { phone_number_id: number.id, messaging_product: 'whatsapp' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      object: 'media',
      phone_number_id: number.id,
      direction: 'outbound',
      mime_type: 'image/png',
      file_size: PNG.length,
      sha256: crypto.createHash('sha256').update(PNG).digest('hex'),
      filename: 'receipt.png',
      status: 'ready',
    });
    expect(res.body.id).toMatch(/^med_/);
    expect(res.body.meta_media_id).toMatch(/^\d+$/);

    const got = await download(res.body.id);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('image/png');
    expect(got.headers.get('content-length')).toBe(String(PNG.length));
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await got.arrayBuffer()).equals(PNG)).toBe(true);
  });

  it('uses the organization’s only number when phone_number_id is omitted, and the extension for generic types', async () => {
    const res = await upload({ data: Buffer.from('%PDF-1.4\nhello'), type: 'application/octet-stream', name: 'invoice.pdf' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ phone_number_id: number.id, mime_type: 'application/pdf' });
    expect((await download(res.body.id)).headers.get('content-disposition')).toBe("inline; filename*=UTF-8''invoice.pdf");
    const text = await upload({ data: Buffer.from('<script>alert(1)</script>'), type: 'text/plain', name: 'notes.txt' });
    expect((await download(text.body.id)).headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''notes.txt");
  });

  it('refuses what WhatsApp refuses: unsupported types (400), over the type’s limit (413), no file (400)', async () => {
    const gif = await upload({ data: Buffer.from('GIF89a....'), type: 'image/gif', name: 'a.gif' }, { phone_number_id: number.id });
    expect(gif.status).toBe(400);
    expect(gif.body.error).toMatchObject({ code: 'validation_failed', param: 'file' });
    const big = await upload({ data: Buffer.alloc(5 * 1024 * 1024 + 1, 1), type: 'image/jpeg', name: 'big.jpg' }, { phone_number_id: number.id });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('payload_too_large');
    expect(big.body.error.message).toMatch(/image \(image\/jpeg\) may be at most 5 MB/);
    const sticker = await upload({ data: Buffer.alloc(501 * 1024, 1), type: 'image/webp', name: 's.webp' }, { phone_number_id: number.id });
    expect(sticker.status).toBe(413);
    const none = await upload(null, { phone_number_id: number.id });
    expect(none.status).toBe(400);
    expect(none.body.error.param).toBe('file');
    const unknownField = await upload({ data: PNG, type: 'image/png', name: 'a.png' }, { phone_number_id: number.id, colour: 'red' });
    expect(unknownField.body.error).toMatchObject({ code: 'unknown_parameter', param: 'colour' });
    const rows = await api.app.get(PrismaService).db.media.count({ where: { organizationId: orgId, mimeType: { in: ['image/gif', 'image/webp'] } } });
    expect(rows).toBe(0);
  });

  it('resolveForSend maps our id to Meta’s, passes Meta ids through, re-uploads for another number', async () => {
    const media = api.app.get(MediaService);
    const ctx = systemContext(orgId);
    const up = (await upload({ data: PNG, type: 'image/png', name: 'a.png' }, { phone_number_id: number.id })).body;
    const row = await api.app.get(PhoneNumbersService).get(ctx, number.id);
    expect(await media.resolveForSend(ctx, row, up.id)).toBe(up.meta_media_id);
    expect(await media.resolveForSend(ctx, row, '1234567890')).toBe('1234567890');
    await expect(media.resolveForSend(ctx, row, 'med_01jzzzzzzzzzzzzzzzzzzzzzzz')).rejects.toMatchObject({ code: 'not_found' });

    const other = (await api.request('POST', '/v1/phone_numbers', { sandbox: true })).body;
    const otherRow = await api.app.get(PhoneNumbersService).get(ctx, other.id);
    const again = await media.resolveForSend(ctx, otherRow, up.id);
    expect(again).toMatch(/^\d+$/);
    expect(again).not.toBe(up.meta_media_id);
    await api.request('DELETE', `/v1/phone_numbers/${other.id}`);
  });

  it('downloads inbound media promptly (media-download job) and serves it; registering twice is one row', async () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), crypto.randomBytes(4096)]);
    const injected = await new SandboxAdminClient(api.config.sandboxGraphUrl).injectInbound({
      phone_number_id: number.phone_number_id,
      from: '628123456789',
      type: 'image',
      image: { mime_type: 'image/jpeg', data_base64: bytes.toString('base64') },
    });
    const sha = (injected.message as unknown as { image: { sha256: string } }).image.sha256;
    const media = api.app.get(MediaService);
    const ref = { metaMediaId: injected.media_id!, mimeType: 'image/jpeg', sha256: sha };
    const { id } = await media.registerInbound(orgId, number.id, ref);
    expect(id).toMatch(/^med_/);
    expect((await media.registerInbound(orgId, number.id, ref)).id).toBe(id);

    const got = await waitFor(async () => {
      const r = await download(id);
      return r.status === 200 ? r : undefined;
    });
    expect(got.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await got.arrayBuffer()).equals(bytes)).toBe(true);
    const row = await api.app.get(PrismaService).db.media.findFirstOrThrow({ where: { id } });
    expect(row).toMatchObject({ direction: 'inbound', status: 'ready', fileSize: bytes.length, sha256: crypto.createHash('sha256').update(bytes).digest('hex') });
    // Meta's media id works for GET too, within the organization.
    expect((await download(injected.media_id!)).status).toBe(200);

    // Concurrent registrations of one media id (webhook retries, parallel ingest) make one row.
    const concurrent = { metaMediaId: '777000111222', mimeType: 'image/jpeg' };
    const ids = await Promise.all(Array.from({ length: 5 }, () => media.registerInbound(orgId, number.id, concurrent)));
    expect(new Set(ids.map((r) => r.id)).size).toBe(1);
    expect(await api.app.get(PrismaService).db.media.count({ where: { organizationId: orgId, metaMediaId: concurrent.metaMediaId } })).toBe(1);
  });

  it('marks inbound media failed when Meta refuses its id, and says so', async () => {
    const { id } = await api.app.get(MediaService).registerInbound(orgId, number.id, { metaMediaId: '999999999999999', mimeType: 'image/jpeg' });
    const failed = await waitFor(async () => {
      const r = await download(id);
      if (r.status === 200) throw new Error('an unknown media id was downloaded');
      const body = (await r.json()) as { error: { code: string; message: string } };
      return /could not be downloaded/.test(body.error.message) ? body : undefined;
    });
    expect(failed.error.code).toBe('media_not_ready');
    expect((await api.app.get(PrismaService).db.media.findFirstOrThrow({ where: { id } })).status).toBe('failed');
  });

  it('another organization gets 404 for our media and cannot upload through our number', async () => {
    const mine = (await upload({ data: PNG, type: 'image/png', name: 'a.png' }, { phone_number_id: number.id })).body;
    const got = await download(mine.id, otherKey);
    expect(got.status).toBe(404);
    expect(((await got.json()) as { error: { code: string } }).error.code).toBe('not_found');
    expect((await download(mine.meta_media_id, otherKey)).status).toBe(404);
    const theirs = await upload({ data: PNG, type: 'image/png', name: 'a.png' }, { phone_number_id: number.id }, otherKey);
    expect(theirs.status).toBe(404);
    const implicit = await upload({ data: PNG, type: 'image/png', name: 'a.png' }, {}, otherKey);
    expect(implicit.body.error.code).toBe('no_phone_number');
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
