import { classifyMetaError, GraphClient, type GraphCredentials } from '#whatsapp';
import type { ProvisionedNumber } from './sandbox-numbers.service.js';
import { fakeFile, graphError } from './testing/graph-error.js';
import { startSandboxApp, type SandboxTestApp } from './testing/start-sandbox-app.js';
import { WebhookRecorder } from './webhook-recorder.js';

const SECRET = 'messages-spec-secret';
const CUSTOMER = '+6281234567890';

let sb: SandboxTestApp;
let recorder: WebhookRecorder;
let number: ProvisionedNumber;
let creds: GraphCredentials;
const graph = new GraphClient({ timeoutMs: 10_000 });
const media: Record<'image' | 'sticker' | 'video' | 'doc', string> = { image: '', sticker: '', video: '', doc: '' };

beforeAll(async () => {
  recorder = await WebhookRecorder.start(SECRET);
  sb = await startSandboxApp({ appSecret: SECRET, webhookUrl: recorder.url });
  number = await sb.admin.provisionNumber({ throughput_per_second: 1000, pair_rate_burst: 1000 });
  creds = sb.creds(number);
  // Link media are not fetched here (no network in tests); media-link fetching is covered elsewhere.
  await sb.admin.setBehavior({ media_link_fetch: false, auto_read: false });
  media.image = (await graph.uploadMedia(creds, number.phone_number_id, { data: fakeFile('png'), mimeType: 'image/png', filename: 'a.png' })).id;
  media.sticker = (await graph.uploadMedia(creds, number.phone_number_id, { data: fakeFile('webp'), mimeType: 'image/webp', filename: 's.webp' })).id;
  media.video = (await graph.uploadMedia(creds, number.phone_number_id, { data: fakeFile('mp4'), mimeType: 'video/mp4', filename: 'v.mp4' })).id;
  media.doc = (await graph.uploadMedia(creds, number.phone_number_id, { data: fakeFile('pdf'), mimeType: 'application/pdf', filename: 'd.pdf' })).id;
});

afterAll(async () => {
  await sb?.close();
  await recorder?.close();
});

const s = (n: number, ch = 'a') => ch.repeat(n);
const buttons = (titles: string[]) => titles.map((title, i) => ({ type: 'reply', reply: { id: `b${i}`, title } }));
const rows = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ id: `r${from + i}`, title: `Row ${from + i}` }));
const card = (i: number, header: object = { type: 'image', image: { id: media.image } }, body: object = { text: 'Card' }) => ({
  card_index: i,
  type: 'cta_url',
  header,
  body,
  action: { name: 'cta_url', parameters: { display_text: 'Open', url: 'https://example.com/p' } },
});

type Case = [name: string, body: () => Record<string, unknown>, expected: 'ok' | number];

// Every outbound type, accepted at its limits and refused just past them.
const cases: Case[] = [
  ['text at 4096 characters', () => ({ type: 'text', text: { body: s(4096), preview_url: true } }), 'ok'],
  ['text of 4096 emoji (code points, not UTF-16 units)', () => ({ type: 'text', text: { body: '😀'.repeat(4096) } }), 'ok'],
  ['text at 4097 characters', () => ({ type: 'text', text: { body: s(4097) } }), 100],
  ['text without body', () => ({ type: 'text', text: {} }), 131008],
  ['type defaults to text', () => ({ text: { body: 'hi' } }), 'ok'],
  ['quoted reply (context)', () => ({ type: 'text', text: { body: 'hi' }, context: { message_id: 'wamid.abc' } }), 'ok'],
  ['image by id with a 1024 caption', () => ({ type: 'image', image: { id: media.image, caption: s(1024) } }), 'ok'],
  ['image caption of 1025', () => ({ type: 'image', image: { id: media.image, caption: s(1025) } }), 100],
  ['image with id and link', () => ({ type: 'image', image: { id: media.image, link: 'https://example.com/a.png' } }), 100],
  ['image with an unknown media id', () => ({ type: 'image', image: { id: '1234567890123456' } }), 100],
  ['image by https link', () => ({ type: 'image', image: { link: 'https://example.com/a.jpg' } }), 'ok'],
  ['image by ftp link', () => ({ type: 'image', image: { link: 'ftp://example.com/a.jpg' } }), 100],
  ['video by id with caption', () => ({ type: 'video', video: { id: media.video, caption: 'c' } }), 'ok'],
  ['audio with a caption', () => ({ type: 'audio', audio: { link: 'https://example.com/a.ogg', caption: 'no' } }), 100],
  ['voice audio', () => ({ type: 'audio', audio: { link: 'https://example.com/a.ogg', voice: true } }), 'ok'],
  ['document with filename and caption', () => ({ type: 'document', document: { id: media.doc, filename: 'invoice.pdf', caption: 'Your invoice' } }), 'ok'],
  ['image with a filename', () => ({ type: 'image', image: { id: media.image, filename: 'x.png' } }), 100],
  ['sticker by id', () => ({ type: 'sticker', sticker: { id: media.sticker } }), 'ok'],
  ['location', () => ({ type: 'location', location: { latitude: -6.2, longitude: 106.8, name: 'Office', address: 'Jl. Sudirman' } }), 'ok'],
  ['location latitude 91', () => ({ type: 'location', location: { latitude: 91, longitude: 0 } }), 131009],
  ['location without longitude', () => ({ type: 'location', location: { latitude: 1 } }), 131008],
  ['contacts', () => ({ type: 'contacts', contacts: [{ name: { formatted_name: 'Ana Lee', first_name: 'Ana' }, phones: [{ phone: '+15550001', type: 'CELL' }] }] }), 'ok'],
  ['contacts empty', () => ({ type: 'contacts', contacts: [] }), 100],
  ['contact with formatted_name only', () => ({ type: 'contacts', contacts: [{ name: { formatted_name: 'Ana' } }] }), 131008],
  ['reaction', () => ({ type: 'reaction', reaction: { message_id: 'wamid.x', emoji: '👍' } }), 'ok'],
  ['reaction removal', () => ({ type: 'reaction', reaction: { message_id: 'wamid.x', emoji: '' } }), 'ok'],
  ['reaction with context', () => ({ type: 'reaction', reaction: { message_id: 'wamid.x', emoji: '👍' }, context: { message_id: 'wamid.y' } }), 100],
  ['reaction without message_id', () => ({ type: 'reaction', reaction: { emoji: '👍' } }), 131008],
  [
    'buttons: 3, titles of 20, body 1024, footer 60, image header',
    () => ({
      type: 'interactive',
      interactive: { type: 'button', header: { type: 'image', image: { id: media.image } }, body: { text: s(1024) }, footer: { text: s(60) }, action: { buttons: buttons([s(20, 'x'), 'Two', 'Three']) } },
    }),
    'ok',
  ],
  ['buttons: 4', () => ({ type: 'interactive', interactive: { type: 'button', body: { text: 'b' }, action: { buttons: buttons(['1', '2', '3', '4']) } } }), 131009],
  ['buttons: title of 21', () => ({ type: 'interactive', interactive: { type: 'button', body: { text: 'b' }, action: { buttons: buttons([s(21)]) } } }), 131009],
  ['buttons: duplicate titles', () => ({ type: 'interactive', interactive: { type: 'button', body: { text: 'b' }, action: { buttons: buttons(['Yes', 'yes']) } } }), 131009],
  ['buttons: body of 1025', () => ({ type: 'interactive', interactive: { type: 'button', body: { text: s(1025) }, action: { buttons: buttons(['A']) } } }), 100],
  ['buttons: footer of 61', () => ({ type: 'interactive', interactive: { type: 'button', body: { text: 'b' }, footer: { text: s(61) }, action: { buttons: buttons(['A']) } } }), 100],
  [
    'buttons: reply id of 257',
    () => ({ type: 'interactive', interactive: { type: 'button', body: { text: 'b' }, action: { buttons: [{ type: 'reply', reply: { id: s(257), title: 'A' } }] } } }),
    100,
  ],
  ['buttons: no body', () => ({ type: 'interactive', interactive: { type: 'button', action: { buttons: buttons(['A']) } } }), 131008],
  [
    'list: 10 rows in 2 sections at every limit',
    () => ({
      type: 'interactive',
      interactive: {
        type: 'list',
        header: { type: 'text', text: s(60) },
        body: { text: s(4096) },
        footer: { text: s(60) },
        action: {
          button: s(20),
          sections: [
            { title: s(24), rows: [{ id: s(200), title: s(24), description: s(72) }, ...rows(4)] },
            { title: 'Two', rows: rows(5, 10) },
          ],
        },
      },
    }),
    'ok',
  ],
  ['list: 11 rows', () => ({ type: 'interactive', interactive: { type: 'list', body: { text: 'b' }, action: { button: 'Pick', sections: [{ title: 'A', rows: rows(6) }, { title: 'B', rows: rows(5, 10) }] } } }), 131009],
  ['list: row title of 25', () => ({ type: 'interactive', interactive: { type: 'list', body: { text: 'b' }, action: { button: 'Pick', sections: [{ rows: [{ id: 'r', title: s(25) }] }] } } }), 100],
  [
    'list: row description of 73',
    () => ({ type: 'interactive', interactive: { type: 'list', body: { text: 'b' }, action: { button: 'Pick', sections: [{ rows: [{ id: 'r', title: 't', description: s(73) }] }] } } }),
    100,
  ],
  ['list: section title of 25', () => ({ type: 'interactive', interactive: { type: 'list', body: { text: 'b' }, action: { button: 'Pick', sections: [{ title: s(25), rows: rows(1) }] } } }), 100],
  ['list: button of 21', () => ({ type: 'interactive', interactive: { type: 'list', body: { text: 'b' }, action: { button: s(21), sections: [{ rows: rows(1) }] } } }), 131009],
  [
    'list: 11 sections',
    () => ({ type: 'interactive', interactive: { type: 'list', body: { text: 'b' }, action: { button: 'Pick', sections: Array.from({ length: 11 }, (_, i) => ({ title: `S${i}`, rows: rows(1, i) })) } } }),
    131009,
  ],
  ['list: body of 4097', () => ({ type: 'interactive', interactive: { type: 'list', body: { text: s(4097) }, action: { button: 'Pick', sections: [{ rows: rows(1) }] } } }), 100],
  [
    'list: image header',
    () => ({ type: 'interactive', interactive: { type: 'list', header: { type: 'image', image: { id: media.image } }, body: { text: 'b' }, action: { button: 'Pick', sections: [{ rows: rows(1) }] } } }),
    100,
  ],
  [
    'cta_url with display_text of 20',
    () => ({ type: 'interactive', interactive: { type: 'cta_url', body: { text: 'b' }, action: { name: 'cta_url', parameters: { display_text: s(20), url: 'https://example.com' } } } }),
    'ok',
  ],
  [
    'cta_url with display_text of 21',
    () => ({ type: 'interactive', interactive: { type: 'cta_url', body: { text: 'b' }, action: { name: 'cta_url', parameters: { display_text: s(21), url: 'https://example.com' } } } }),
    100,
  ],
  [
    'cta_url with a bad url',
    () => ({ type: 'interactive', interactive: { type: 'cta_url', body: { text: 'b' }, action: { name: 'cta_url', parameters: { display_text: 'Go', url: 'not a url' } } } }),
    100,
  ],
  ['carousel of 2 cards, card body 160', () => ({ type: 'interactive', interactive: { type: 'carousel', body: { text: 'b' }, action: { cards: [card(0, undefined, { text: s(160) }), card(1)] } } }), 'ok'],
  ['carousel of 10 cards', () => ({ type: 'interactive', interactive: { type: 'carousel', body: { text: 'b' }, action: { cards: Array.from({ length: 10 }, (_, i) => card(i)) } } }), 'ok'],
  ['carousel of 1 card', () => ({ type: 'interactive', interactive: { type: 'carousel', body: { text: 'b' }, action: { cards: [card(0)] } } }), 131009],
  ['carousel of 11 cards', () => ({ type: 'interactive', interactive: { type: 'carousel', body: { text: 'b' }, action: { cards: Array.from({ length: 11 }, (_, i) => card(i)) } } }), 131009],
  [
    'carousel with mixed header types',
    () => ({ type: 'interactive', interactive: { type: 'carousel', body: { text: 'b' }, action: { cards: [card(0), card(1, { type: 'video', video: { id: media.video } })] } } }),
    131009,
  ],
  ['carousel card body of 161', () => ({ type: 'interactive', interactive: { type: 'carousel', body: { text: 'b' }, action: { cards: [card(0, undefined, { text: s(161) }), card(1)] } } }), 100],
  ['carousel body of 1025', () => ({ type: 'interactive', interactive: { type: 'carousel', body: { text: s(1025) }, action: { cards: [card(0), card(1)] } } }), 100],
  ['interactive of an unknown type', () => ({ type: 'interactive', interactive: { type: 'wizard', action: {} } }), 100],
  ['template without language', () => ({ type: 'template', template: { name: 'hello_world' } }), 131008],
  ['biz_opaque_callback_data of 512', () => ({ type: 'text', text: { body: 'x' }, biz_opaque_callback_data: s(512) }), 'ok'],
  ['biz_opaque_callback_data of 513', () => ({ type: 'text', text: { body: 'x' }, biz_opaque_callback_data: s(513) }), 100],
  ['an unknown type', () => ({ type: 'hologram', hologram: {} }), 100],
  ['a type without its body', () => ({ type: 'image' }), 100],
  ['recipient_type other than individual', () => ({ recipient_type: 'broadcast', type: 'text', text: { body: 'x' } }), 100],
];

describe('POST /{phone_number_id}/messages validation', () => {
  it.each(cases)('%s', async (_name, body, expected) => {
    const call = graph.sendMessage(creds, number.phone_number_id, { recipient_type: 'individual', to: CUSTOMER, ...body() });
    if (expected === 'ok') {
      const res = await call;
      expect(res.wamid).toMatch(/^wamid\.[A-Za-z0-9+/=]+$/);
      expect(res.waId).toBe('6281234567890');
      expect(res.raw).toMatchObject({ messaging_product: 'whatsapp', contacts: [{ input: CUSTOMER, wa_id: '6281234567890' }] });
      return;
    }
    const err = await graphError(call);
    expect({ code: err.code, status: err.httpStatus, kind: err.kind }).toEqual({ code: expected, status: 400, kind: 'meta' });
    expect(err.details).toBeTruthy();
    expect(err.fbtraceId).toBeTruthy();
    expect(err.body).toMatchObject({ error: { type: 'OAuthException', code: expected, error_data: { messaging_product: 'whatsapp' } } });
  });

  it('requires messaging_product and a valid `to`, like Meta', async () => {
    const res = await fetch(`${sb.baseUrl}/v24.0/${number.phone_number_id}/messages`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${number.access_token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ to: CUSTOMER, type: 'text', text: { body: 'x' } }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 100, message: '(#100) The parameter messaging_product is required.' } });
    const bad = await graphError(graph.sendMessage(creds, number.phone_number_id, { to: 'not-a-number', type: 'text', text: { body: 'x' } }));
    expect(bad.code).toBe(100);
  });

  it('gives every accepted send a unique wamid', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 20; i++) ids.add((await graph.sendMessage(creds, number.phone_number_id, { to: CUSTOMER, type: 'text', text: { body: `m${i}` } })).wamid);
    expect(ids.size).toBe(20);
  });

  it.each([
    ['groups', { recipient_type: 'group', type: 'text', text: { body: 'x' } }],
    ['order_details', { type: 'order_details', order_details: {} }],
    ['product lists', { type: 'interactive', interactive: { type: 'product_list', action: {} } }],
  ])('answers 501 for %s, which it does not emulate', async (_name, body) => {
    const err = await graphError(graph.sendMessage(creds, number.phone_number_id, { to: CUSTOMER, ...body }));
    expect(err.httpStatus).toBe(501);
    expect(err.message).toMatch(/does not emulate/);
  });

  it('refuses a send to the business number itself with 131021', async () => {
    const err = await graphError(graph.sendMessage(creds, number.phone_number_id, { to: number.display_phone_number, type: 'text', text: { body: 'me' } }));
    expect(err.code).toBe(131021);
    expect(err.classification.ourCode).toBe('meta_recipient_is_sender');
  });
});

describe('authentication', () => {
  it('answers 401 / 190 OAuthException without a token or with a wrong one', async () => {
    for (const accessToken of ['', 'EAAnotatoken']) {
      const err = await graphError(graph.sendMessage({ ...creds, accessToken }, number.phone_number_id, { to: CUSTOMER, type: 'text', text: { body: 'x' } }));
      expect({ status: err.httpStatus, code: err.code }).toEqual({ status: 401, code: 190 });
      expect(err.body).toMatchObject({ error: { type: 'OAuthException', code: 190 } });
      expect(classifyMetaError(err)).toMatchObject({ pauseNumber: true, ourCode: 'meta_auth_failed', retry: 'none' });
    }
  });

  it('answers 190 / 463 for an expired token and accepts the new one', async () => {
    const other = await sb.admin.provisionNumber();
    const renewed = await sb.admin.expireToken(other.phone_number_id);
    const err = await graphError(graph.getPhoneNumber(sb.creds(other), other.phone_number_id));
    expect({ status: err.httpStatus, code: err.code, subcode: err.subcode }).toEqual({ status: 401, code: 190, subcode: 463 });
    expect(err.message).toMatch(/Session has expired/);
    expect((await graph.getPhoneNumber(sb.creds(renewed), other.phone_number_id)).id).toBe(other.phone_number_id);
  });

  it("answers 100 / 33 for another account's number, as Graph does for objects the token cannot see", async () => {
    const other = await sb.admin.provisionNumber();
    const err = await graphError(graph.sendMessage(creds, other.phone_number_id, { to: CUSTOMER, type: 'text', text: { body: 'x' } }));
    expect({ status: err.httpStatus, code: err.code, subcode: err.subcode }).toEqual({ status: 400, code: 100, subcode: 33 });
    expect(err.message).toMatch(/does not exist, cannot be loaded due to missing permissions/);
  });
});

describe('mark as read and typing indicator', () => {
  it('marks an inbound message read, with or without typing indicator; an unknown id is refused', async () => {
    const inbound = await sb.admin.injectInbound({ phone_number_id: number.phone_number_id, from: CUSTOMER, type: 'text', text: { body: 'hello' } });
    await expect(graph.markRead(creds, number.phone_number_id, inbound.wamid)).resolves.toEqual({ success: true });
    await expect(graph.markRead(creds, number.phone_number_id, inbound.wamid, true)).resolves.toEqual({ success: true });
    const err = await graphError(graph.markRead(creds, number.phone_number_id, 'wamid.unknown'));
    expect(err.code).toBe(100);
  });
});

describe('template sends', () => {
  const tpl = (template: Record<string, unknown>) => graph.sendMessage(creds, number.phone_number_id, { to: CUSTOMER, type: 'template', template });
  const body = (...texts: string[]) => ({ type: 'body', parameters: texts.map((text) => ({ type: 'text', text })) });
  const promoHeader = { type: 'header', parameters: [{ type: 'image', image: { id: '' } }] };
  const promoButton = { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'spring' }] };

  beforeAll(() => {
    promoHeader.parameters[0].image.id = media.image;
  });

  it('sends an approved template and answers message_status accepted', async () => {
    const res = await tpl({ name: 'hello_world', language: { code: 'en_US' } });
    expect(res.raw).toMatchObject({ messages: [{ id: res.wamid, message_status: 'accepted' }] });
    await expect(tpl({ name: 'order_update', language: { code: 'en' }, components: [body('Maria', 'A-1')] })).resolves.toHaveProperty('wamid');
    await expect(
      tpl({
        name: 'appointment_reminder',
        language: { code: 'en' },
        components: [{ type: 'body', parameters: [{ type: 'text', parameter_name: 'time', text: '10:30' }, { type: 'text', parameter_name: 'customer_name', text: 'Maria' }] }],
      }),
    ).resolves.toHaveProperty('wamid');
    await expect(tpl({ name: 'promo_image', language: { code: 'en' }, components: [promoHeader, body('Maria'), promoButton] })).resolves.toHaveProperty('wamid');
    await expect(
      tpl({
        name: 'order_update',
        language: { code: 'en' },
        components: [{ type: 'body', parameters: [{ type: 'currency', currency: { fallback_value: '$10', code: 'USD', amount_1000: 10000 } }, { type: 'date_time', date_time: { fallback_value: 'May 1' } }] }],
      }),
    ).resolves.toHaveProperty('wamid');
  });

  it.each([
    ['an unknown name', { name: 'nope', language: { code: 'en' } }, 132001, 404],
    ['a known name in another language', { name: 'hello_world', language: { code: 'en' } }, 132001, 404],
    ['a pending template', { name: 'pending_welcome', language: { code: 'en' }, components: [body('x')] }, 132001, 404],
    ['a paused template', { name: 'paused_promo', language: { code: 'en' } }, 132015, 400],
    ['a disabled template', { name: 'disabled_notice', language: { code: 'en' } }, 132016, 400],
    ['too few body parameters', { name: 'order_update', language: { code: 'en' }, components: [body('Maria')] }, 132000, 400],
    ['too many body parameters', { name: 'order_update', language: { code: 'en' }, components: [body('a', 'b', 'c')] }, 132000, 400],
    ['no parameters for a template with variables', { name: 'order_update', language: { code: 'en' } }, 132000, 400],
    ['parameters for a template without variables', { name: 'hello_world', language: { code: 'en_US' }, components: [body('x')] }, 132000, 400],
    ['a header parameter the template lacks', { name: 'order_update', language: { code: 'en' }, components: [{ type: 'header', parameters: [{ type: 'text', text: 'h' }] }, body('a', 'b')] }, 132000, 400],
    [
      'wrong named parameters',
      { name: 'appointment_reminder', language: { code: 'en' }, components: [{ type: 'body', parameters: [{ type: 'text', parameter_name: 'name', text: 'a' }, { type: 'text', parameter_name: 'time', text: 'b' }] }] },
      132000,
      400,
    ],
    ['named parameters without parameter_name', { name: 'appointment_reminder', language: { code: 'en' }, components: [body('a', 'b')] }, 100, 400],
    ['no image for an image header', { name: 'promo_image', language: { code: 'en' }, components: [body('Maria'), promoButton] }, 132012, 400],
    [
      'a text parameter for an image header',
      { name: 'promo_image', language: { code: 'en' }, components: [{ type: 'header', parameters: [{ type: 'text', text: 'x' }] }, body('Maria'), promoButton] },
      132012,
      400,
    ],
    ['no parameter for a dynamic URL button', { name: 'promo_image', language: { code: 'en' }, components: [promoHeader, body('Maria')] }, 131008, 400],
    ['a parameter with a newline', { name: 'order_update', language: { code: 'en' }, components: [body('a\nb', 'c')] }, 100, 400],
    ['a body longer than 1024 once filled in', { name: 'order_update', language: { code: 'en' }, components: [body('a'.repeat(1000), 'b'.repeat(100))] }, 132005, 400],
  ])('refuses %s', async (_name, template, code, status) => {
    const err = await graphError(tpl(template));
    expect({ code: err.code, status: err.httpStatus }).toEqual({ code, status });
  });
});
