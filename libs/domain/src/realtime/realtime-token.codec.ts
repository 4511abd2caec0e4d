import crypto from 'node:crypto';
import { isId } from '../common/ids.js';

export interface RealtimeTokenClaims {
  organizationId: string;
  /** The key that minted the token: connecting re-checks that it is still active, so revoking it ends the token. */
  apiKeyId: string;
  scope: 'full' | 'read_only';
  /** Whole seconds since the epoch. */
  expiresAt: number;
}

export type RealtimeTokenCheck = { ok: true; claims: RealtimeTokenClaims } | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

interface WirePayload {
  v: 1;
  org: string;
  key: string;
  scope: string;
  exp: number;
}

const PREFIX = 'rt_';
const SHAPE = /^rt_([A-Za-z0-9_-]{1,1024})\.([A-Za-z0-9_-]{43})$/;
/** HKDF label: the realtime signing key is independent of every other use of ENCRYPTION_KEY. */
const KEY_LABEL = 'kdv realtime token v1';

/**
 * Stateless realtime tokens: `rt_<base64url JSON payload>.<base64url HMAC-SHA256 of the payload segment>`. Nothing is
 * stored; any api replica with the same ENCRYPTION_KEY verifies them.
 */
export class RealtimeTokenCodec {
  private readonly signingKey: Buffer;

  constructor(encryptionKey: Buffer) {
    this.signingKey = Buffer.from(crypto.hkdfSync('sha256', encryptionKey, Buffer.alloc(0), KEY_LABEL, 32));
  }

  static looksLikeToken(value: string): boolean {
    return value.startsWith(PREFIX);
  }

  sign(claims: RealtimeTokenClaims): string {
    const payload: WirePayload = { v: 1, org: claims.organizationId, key: claims.apiKeyId, scope: claims.scope, exp: claims.expiresAt };
    const segment = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${PREFIX}${segment}.${this.mac(segment).toString('base64url')}`;
  }

  /** Checks shape, signature (constant time) and expiry, in that order; `now` in milliseconds. */
  verify(token: string, now = Date.now()): RealtimeTokenCheck {
    const m = SHAPE.exec(token);
    if (!m) return { ok: false, reason: 'malformed' };
    const [, segment, sig] = m;
    const presented = Buffer.from(sig, 'base64url');
    const expected = this.mac(segment);
    if (presented.length !== expected.length || !crypto.timingSafeEqual(presented, expected)) return { ok: false, reason: 'bad_signature' };
    const claims = parseClaims(segment);
    if (!claims) return { ok: false, reason: 'malformed' };
    if (claims.expiresAt * 1000 <= now) return { ok: false, reason: 'expired' };
    return { ok: true, claims };
  }

  private mac(segment: string): Buffer {
    return crypto.createHmac('sha256', this.signingKey).update(segment).digest();
  }
}

function parseClaims(segment: string): RealtimeTokenClaims | undefined {
  let p: Partial<WirePayload>;
  try {
    p = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as Partial<WirePayload>;
  } catch {
    return undefined;
  }
  if (p?.v !== 1 || !isId('organization', p.org) || !isId('apiKey', p.key) || (p.scope !== 'full' && p.scope !== 'read_only')) return undefined;
  if (typeof p.exp !== 'number' || !Number.isSafeInteger(p.exp)) return undefined;
  return { organizationId: p.org, apiKeyId: p.key, scope: p.scope, expiresAt: p.exp };
}
