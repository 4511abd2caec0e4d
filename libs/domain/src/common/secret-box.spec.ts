import crypto from 'node:crypto';
import type { AppConfig } from '#config';
import { SecretBox } from './secret-box.js';

const box = (key = crypto.randomBytes(32)) => new SecretBox({ encryptionKey: key } as AppConfig);

describe('SecretBox', () => {
  it('round-trips text, including non-ASCII and the empty string', () => {
    const b = box();
    for (const s of ['EAAG-token-123', 'rahasia 🔐 ü', '']) expect(b.decrypt(b.encrypt(s))).toBe(s);
  });

  it('writes the versioned format and never the plaintext', () => {
    const sealed = box().encrypt('EAAGsecret');
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('EAAGsecret');
    // 12-byte iv + 16-byte tag + 10 bytes of ciphertext
    expect(Buffer.from(sealed.slice(3), 'base64url')).toHaveLength(12 + 16 + 10);
  });

  it('uses a fresh nonce each time', () => {
    const b = box();
    expect(b.encrypt('same')).not.toBe(b.encrypt('same'));
  });

  it('refuses another key', () => {
    const sealed = box().encrypt('x');
    expect(() => box().decrypt(sealed)).toThrow(/authentication failed/);
  });

  it('refuses a tampered ciphertext', () => {
    const b = box();
    const raw = Buffer.from(b.encrypt('hello world').slice(3), 'base64url');
    raw[raw.length - 1] ^= 1;
    expect(() => b.decrypt(`v1.${raw.toString('base64url')}`)).toThrow(/authentication failed/);
  });

  it('binds the optional context as associated data', () => {
    const b = box();
    const sealed = b.encrypt('token', 'pn_a');
    expect(b.decrypt(sealed, 'pn_a')).toBe('token');
    expect(() => b.decrypt(sealed, 'pn_b')).toThrow(/authentication failed/);
    expect(() => b.decrypt(sealed)).toThrow(/authentication failed/);
  });

  it('refuses unknown versions and truncated values', () => {
    const b = box();
    expect(() => b.decrypt('v2.' + b.encrypt('x').slice(3))).toThrow(/unsupported format/);
    expect(() => b.decrypt('plaintext-token')).toThrow(/unsupported format/);
    expect(() => b.decrypt('v1.AAAA')).toThrow(/too short/);
  });

  it('refuses keys that are not 32 bytes', () => {
    expect(() => box(crypto.randomBytes(16))).toThrow(/32-byte/);
  });
});
