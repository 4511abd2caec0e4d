import { Webhook } from 'standardwebhooks';
import { generateWebhookSecret, signWebhook, webhookHeaders } from './webhook-signature.js';

describe('Standard Webhooks signatures', () => {
  const body = JSON.stringify({ id: 'evt_1', type: 'contact.created', data: { contact: { name: 'Ünïcødé 🚀' } } });

  it('generates whsec_ secrets of 32 random bytes', () => {
    const s = generateWebhookSecret();
    expect(s).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(s.slice(6), 'base64')).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(s);
  });

  it('produces exactly what the reference library signs, and it verifies', () => {
    const secret = generateWebhookSecret();
    const ts = Math.floor(Date.now() / 1000);
    const ours = signWebhook(secret, 'evt_1', ts, body);
    expect(ours).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(ours).toBe(new Webhook(secret).sign('evt_1', new Date(ts * 1000), body));
    const headers = webhookHeaders([secret], 'evt_1', ts, body);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('sends one signature per secret, space-separated, each verifying on its own', () => {
    const [a, b, c] = [generateWebhookSecret(), generateWebhookSecret(), generateWebhookSecret()];
    const ts = Math.floor(Date.now() / 1000);
    const headers = webhookHeaders([a, b], 'evt_2', ts, body);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(a).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(b).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(c).verify(body, headers)).toThrow();
  });

  it('does not verify a changed body, id or timestamp', () => {
    const secret = generateWebhookSecret();
    const ts = Math.floor(Date.now() / 1000);
    const headers = webhookHeaders([secret], 'evt_3', ts, body);
    const wh = new Webhook(secret);
    expect(() => wh.verify(body.replace('contact.created', 'contact.updated'), headers)).toThrow();
    expect(() => wh.verify(body, { ...headers, 'webhook-id': 'evt_4' })).toThrow();
    expect(() => wh.verify(body, { ...headers, 'webhook-timestamp': String(ts - 1) })).toThrow();
  });
});
