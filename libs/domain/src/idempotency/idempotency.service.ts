import crypto from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppError } from '../common/app-error.js';
import { IdempotencyRepository } from './idempotency.repository.js';

const TTL_MS = 24 * 60 * 60 * 1000;
/** An in-progress record older than this belongs to a request that died; a retry may take it over. */
const ABANDONED_AFTER_MS = 5 * 60 * 1000;
const KEY_RE = /^[\x21-\x7e]{1,255}$/;

export type IdempotencyBegin =
  | { kind: 'proceed' }
  | { kind: 'replay'; status: number; body: unknown };

/**
 * Idempotency-Key on POST, scoped per organization and kept 24 h in PostgreSQL (so it holds across api processes
 * and restarts): same key + same request replays the first answer; same key + another request is refused (422);
 * a duplicate while the first is in flight gets 409.
 */
@Injectable()
export class IdempotencyService {
  constructor(private readonly repo: IdempotencyRepository) {}

  static requestHash(method: string, path: string, body: unknown): string {
    return crypto.createHash('sha256').update(`${method} ${path}\n${canonicalJson(body)}`).digest('hex');
  }

  async begin(organizationId: string, key: string, requestHash: string): Promise<IdempotencyBegin> {
    if (!KEY_RE.test(key)) throw new AppError('invalid_idempotency_key', undefined, { param: 'Idempotency-Key' });
    const expiresAt = new Date(Date.now() + TTL_MS);
    if (await this.repo.tryInsert(organizationId, key, requestHash, expiresAt)) return { kind: 'proceed' };
    const existing = await this.repo.find(organizationId, key);
    if (!existing) return this.begin(organizationId, key, requestHash); // deleted meanwhile (a 5xx): try again
    const stale =
      existing.expiresAt.getTime() < Date.now() ||
      (existing.status === 'in_progress' && Date.now() - existing.createdAt.getTime() > ABANDONED_AFTER_MS);
    if (stale) {
      if (await this.repo.replace(organizationId, key, existing.createdAt, requestHash, expiresAt)) return { kind: 'proceed' };
      return this.begin(organizationId, key, requestHash);
    }
    if (existing.requestHash !== requestHash) throw new AppError('idempotency_key_reuse', undefined, { param: 'Idempotency-Key' });
    if (existing.status === 'in_progress') throw new AppError('idempotency_in_progress', undefined, { param: 'Idempotency-Key' });
    return { kind: 'replay', status: existing.responseStatus ?? 200, body: existing.responseBody };
  }

  /** Server errors are not remembered: the client may retry them with the same key. */
  async finish(organizationId: string, key: string, status: number, body: unknown): Promise<void> {
    if (status >= 500) await this.repo.remove(organizationId, key);
    else await this.repo.complete(organizationId, key, status, body);
  }
}

/** JSON with sorted object keys, so `{a,b}` and `{b,a}` count as the same request. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return '';
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
