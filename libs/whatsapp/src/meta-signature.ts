import crypto from 'node:crypto';

/** `X-Hub-Signature-256` value Meta sends: `sha256=` + hex HMAC-SHA256 of the raw body with the app secret. */
export function signMetaPayload(raw: Buffer | string, secret: string): string {
  return `sha256=${crypto.createHmac('sha256', secret).update(raw).digest('hex')}`;
}

/**
 * Checks `X-Hub-Signature-256` against the exact bytes received (never a re-serialized body: Meta escapes
 * non-ASCII and `/`, so re-encoding changes the bytes). Constant time; false when missing or malformed.
 */
export function verifyMetaSignature(raw: Buffer, header: string | undefined, secret: string): boolean {
  if (!header || !secret) return false;
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  if (!match) return false;
  const expected = crypto.createHmac('sha256', secret).update(raw).digest();
  const given = Buffer.from(match[1], 'hex');
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}
