import crypto from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '#config';

const VERSION = 'v1';
const IV_BYTES = 12; // GCM's native nonce size: no extra GHASH pass, and 2^32 random nonces per key stay safe
const TAG_BYTES = 16;

/**
 * Secrets at rest (Graph access tokens, app secrets, webhook signing secrets): AES-256-GCM with config.encryptionKey.
 * Stored form: `v1.<base64url(iv ‖ tag ‖ ciphertext)>`; the version prefix lets a later key or algorithm coexist
 * with rows written today. `context` (optional) is bound as associated data, so a ciphertext copied into another
 * row (another organization's, another column) fails to decrypt instead of being used there.
 */
@Injectable()
export class SecretBox {
  private readonly key: Buffer;

  constructor(config: AppConfig) {
    if (config.encryptionKey.length !== 32) throw new Error('SecretBox needs a 32-byte key');
    this.key = config.encryptionKey;
  }

  encrypt(plaintext: string, context?: string): string {
    const iv = crypto.randomBytes(IV_BYTES);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    if (context !== undefined) cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
  }

  /** Throws when the value is malformed, of an unknown version, tampered with, or sealed with another key/context. */
  decrypt(sealed: string, context?: string): string {
    const dot = sealed.indexOf('.');
    const version = dot > 0 ? sealed.slice(0, dot) : '';
    if (version !== VERSION) throw new Error(`SecretBox: unsupported format ${JSON.stringify(version || sealed.slice(0, 8))}`);
    const raw = Buffer.from(sealed.slice(dot + 1), 'base64url');
    if (raw.length < IV_BYTES + TAG_BYTES) throw new Error('SecretBox: ciphertext too short');
    const decipher = crypto.createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    if (context !== undefined) decipher.setAAD(Buffer.from(context, 'utf8'));
    try {
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new Error('SecretBox: authentication failed (wrong key or context, or tampered ciphertext)');
    }
  }
}
