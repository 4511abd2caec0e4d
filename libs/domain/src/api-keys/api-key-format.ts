import crypto from 'node:crypto';

/**
 * `kdv_<mode>_<24 random base62><6 base62 checksum>`: 24 base62 characters carry ~142 bits of randomness; the
 * checksum (sha256 of the rest) lets us reject typos and forged shapes without touching the database.
 */
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const KEY_RE = /^kdv_(live|test)_([0-9A-Za-z]{24})([0-9A-Za-z]{6})$/;

export type KeyMode = 'live' | 'test';

function base62(bytes: Buffer, length: number): string {
  let n = BigInt(`0x${bytes.toString('hex')}`);
  let out = '';
  for (let i = 0; i < length; i++) {
    out = BASE62[Number(n % 62n)] + out;
    n /= 62n;
  }
  return out;
}

function checksum(body: string): string {
  return base62(crypto.createHash('sha256').update(body).digest(), 6);
}

export function generateApiKey(mode: KeyMode = 'live'): string {
  // Rejection-free: 24 base62 digits of a 160-bit number are uniform enough (bias < 2^-17 per key space).
  const random = base62(crypto.randomBytes(20), 24);
  const body = `kdv_${mode}_${random}`;
  return body + checksum(body);
}

/** Parses a key's shape and checksum; null when malformed (no lookup needed). */
export function parseApiKey(key: string): { mode: KeyMode } | null {
  const m = KEY_RE.exec(key);
  if (!m) return null;
  const body = `kdv_${m[1]}_${m[2]}`;
  const expected = checksum(body);
  if (!crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(m[3]))) return null;
  return { mode: m[1] as KeyMode };
}

export function hashApiKey(key: string): string {
  return crypto.createHash('sha256').update(key).digest('hex');
}

/** What listings show: enough to tell keys apart, never enough to use one. */
export function displayPrefix(key: string): string {
  return `${key.slice(0, 13)}…${key.slice(-4)}`;
}
