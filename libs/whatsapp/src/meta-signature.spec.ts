import crypto from 'node:crypto';
import { signMetaPayload, verifyMetaSignature } from './meta-signature.js';

describe('Meta webhook signatures', () => {
  const secret = 'app-secret-123';
  // Meta escapes non-ASCII and '/' in its JSON: the signature covers exactly these bytes.
  const raw = Buffer.from('{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"value":{"text":"caf\\u00e9 https:\\/\\/x"}}]}]}');

  it('signs as sha256=<hex HMAC-SHA256 of the raw bytes>', () => {
    const expected = crypto.createHmac('sha256', secret).update(raw).digest('hex');
    expect(signMetaPayload(raw, secret)).toBe(`sha256=${expected}`);
    expect(signMetaPayload(raw.toString('utf8'), secret)).toBe(`sha256=${expected}`);
  });

  it('verifies its own signature, in upper-case hex too', () => {
    const sig = signMetaPayload(raw, secret);
    expect(verifyMetaSignature(raw, sig, secret)).toBe(true);
    expect(verifyMetaSignature(raw, `sha256=${sig.slice(7).toUpperCase()}`, secret)).toBe(true);
  });

  it('rejects another secret, a changed body and a re-serialized body', () => {
    const sig = signMetaPayload(raw, secret);
    expect(verifyMetaSignature(raw, sig, 'other')).toBe(false);
    expect(verifyMetaSignature(Buffer.concat([raw, Buffer.from(' ')]), sig, secret)).toBe(false);
    const reserialized = Buffer.from(JSON.stringify(JSON.parse(raw.toString('utf8'))));
    expect(verifyMetaSignature(reserialized, sig, secret)).toBe(false);
  });

  it.each([undefined, '', 'sha256=', 'sha1=abc', 'sha256=zz', `sha256=${'a'.repeat(63)}`, `sha256=${'a'.repeat(66)}`, 'a'.repeat(64)])(
    'returns false for a missing or malformed header %p',
    (header) => {
      expect(verifyMetaSignature(raw, header, secret)).toBe(false);
    },
  );

  it('returns false when no secret is configured', () => {
    expect(verifyMetaSignature(raw, signMetaPayload(raw, ''), '')).toBe(false);
  });
});
