import crypto from 'node:crypto';
import { newId } from '../common/ids.js';
import { RealtimeTokenCodec, type RealtimeTokenClaims } from './realtime-token.codec.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

function claims(over: Partial<RealtimeTokenClaims> = {}): RealtimeTokenClaims {
  return { organizationId: newId('organization'), apiKeyId: newId('apiKey'), scope: 'full', expiresAt: NOW / 1000 + 600, ...over };
}

/** Replaces one character of the signature segment or the payload segment with another base64url character. */
function flipChar(token: string, index: number): string {
  const c = token[index];
  return token.slice(0, index) + (c === 'A' ? 'B' : 'A') + token.slice(index + 1);
}

describe('RealtimeTokenCodec', () => {
  const codec = new RealtimeTokenCodec(crypto.randomBytes(32));

  it('round-trips the claims of a token it signed', () => {
    const c = claims({ scope: 'read_only' });
    const token = codec.sign(c);
    expect(token).toMatch(/^rt_[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(codec.verify(token, NOW)).toEqual({ ok: true, claims: c });
  });

  it('rejects a token at and after its expiry second, accepts it just before', () => {
    const token = codec.sign(claims({ expiresAt: NOW / 1000 + 60 }));
    expect(codec.verify(token, NOW + 59_999).ok).toBe(true);
    expect(codec.verify(token, NOW + 60_000)).toEqual({ ok: false, reason: 'expired' });
    expect(codec.verify(token, NOW + 3_600_000)).toEqual({ ok: false, reason: 'expired' });
  });

  it('rejects a tampered signature or payload', () => {
    const token = codec.sign(claims());
    const dot = token.indexOf('.');
    expect(codec.verify(flipChar(token, token.length - 5), NOW)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(codec.verify(flipChar(token, 5), NOW)).toEqual({ ok: false, reason: 'bad_signature' });
    // A payload naming another organization, re-encoded but carrying the original signature.
    const payload = JSON.parse(Buffer.from(token.slice(3, dot), 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...payload, org: newId('organization') })).toString('base64url');
    expect(codec.verify(`rt_${forged}${token.slice(dot)}`, NOW)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('rejects a token signed with another encryption key', () => {
    const other = new RealtimeTokenCodec(crypto.randomBytes(32));
    expect(codec.verify(other.sign(claims()), NOW)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('derives its signing key from the encryption key, so replicas sharing ENCRYPTION_KEY accept each other', () => {
    const key = crypto.randomBytes(32);
    const token = new RealtimeTokenCodec(key).sign(claims());
    expect(new RealtimeTokenCodec(Buffer.from(key)).verify(token, NOW).ok).toBe(true);
  });

  it('rejects malformed input without throwing', () => {
    for (const bad of ['', 'rt_', 'rt_abc', 'rt_abc.def', 'kdv_live_abc', `rt_${'a'.repeat(2000)}.${'b'.repeat(43)}`, 'rt_a b.c'])
      expect(codec.verify(bad, NOW)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('rejects a correctly signed payload that lacks valid claims', () => {
    // Sign arbitrary payloads with the codec's own key by going through sign() with claims that fail validation.
    const bad = codec.sign(claims({ organizationId: 'not-an-org-id' }));
    expect(codec.verify(bad, NOW)).toEqual({ ok: false, reason: 'malformed' });
    const badScope = codec.sign(claims({ scope: 'admin' as never }));
    expect(codec.verify(badScope, NOW)).toEqual({ ok: false, reason: 'malformed' });
  });
});
