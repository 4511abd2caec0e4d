import { Injectable } from '@nestjs/common';
import { AppConfig } from '#config';
import { rooms } from '#realtime';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import type { KeyMode } from '../api-keys/api-key-format.js';
import { AppError } from '../common/app-error.js';
import { isId } from '../common/ids.js';
import type { TenantContext } from '../common/tenant-context.js';
import { RealtimeAccessRepository } from './realtime-access.repository.js';
import { RealtimeTokenCodec } from './realtime-token.codec.js';

export const REALTIME_TOKEN_TTL = { default: 600, min: 60, max: 3600 } as const;

/** What a socket asks to (un)subscribe to: exactly one of the two. */
export interface RealtimeTarget {
  conversationId?: string;
  phoneNumberId?: string;
}

const META_PHONE_NUMBER_ID = /^\d{1,32}$/;

/**
 * Who may open a realtime connection and which rooms a connection may join. The gateway is only a transport:
 * every rule (token signing, revocation, ownership of conversations and numbers) lives here.
 */
@Injectable()
export class RealtimeAccessService {
  private readonly codec: RealtimeTokenCodec;

  constructor(
    config: AppConfig,
    private readonly apiKeys: ApiKeysService,
    private readonly repo: RealtimeAccessRepository,
  ) {
    this.codec = new RealtimeTokenCodec(config.encryptionKey);
  }

  /** A short-lived token for browsers, bound to the calling key (revoking the key ends the token). */
  mintToken(ctx: TenantContext, input: { ttlSeconds?: number } = {}, now = Date.now()): { token: string; expiresAt: Date } {
    if (!ctx.apiKeyId) throw new AppError('missing_api_key', 'Realtime tokens are minted with an API key.');
    const ttl = input.ttlSeconds ?? REALTIME_TOKEN_TTL.default;
    if (!Number.isInteger(ttl) || ttl < REALTIME_TOKEN_TTL.min || ttl > REALTIME_TOKEN_TTL.max)
      throw AppError.validation('ttl_seconds', `ttl_seconds must be an integer from ${REALTIME_TOKEN_TTL.min} to ${REALTIME_TOKEN_TTL.max}.`);
    const expiresAt = Math.floor(now / 1000) + ttl;
    const token = this.codec.sign({ organizationId: ctx.organizationId, apiKeyId: ctx.apiKeyId, scope: ctx.scope, expiresAt });
    return { token, expiresAt: new Date(expiresAt * 1000) };
  }

  /** The handshake credential: an API key or a realtime token. Throws a catalogued 401 AppError otherwise. */
  async authenticate(credential: unknown): Promise<TenantContext> {
    if (typeof credential !== 'string' || credential === '')
      throw new AppError('missing_api_key', 'Connect with auth: { token } set to an API key or a realtime token.');
    if (!RealtimeTokenCodec.looksLikeToken(credential)) {
      const { ctx } = await this.apiKeys.authenticate(credential);
      return { ...ctx, via: 'realtime' };
    }
    const check = this.codec.verify(credential);
    if (!check.ok)
      throw new AppError(
        'invalid_realtime_token',
        check.reason === 'expired' ? 'The realtime token has expired; mint a new one with POST /v1/realtime/tokens.' : undefined,
      );
    const { organizationId, apiKeyId, scope } = check.claims;
    const key = await this.repo.findActiveApiKey(organizationId, apiKeyId);
    if (!key) throw new AppError('invalid_realtime_token', 'The API key that minted this realtime token has been revoked.');
    return { organizationId, apiKeyId, actorType: 'api_key', scope, keyMode: key.mode as KeyMode, via: 'realtime' };
  }

  /** The room for `subscribe`, after checking that the object belongs to the caller's organization. */
  async roomToJoin(ctx: TenantContext, target: RealtimeTarget): Promise<string> {
    const which = exactlyOne(target);
    if (which.kind === 'conversation') {
      const found = isId('conversation', which.id) && (await this.repo.findConversation(ctx.organizationId, which.id));
      if (!found) throw AppError.notFound('conversation', which.id);
      return rooms.conversation(ctx.organizationId, found.id);
    }
    return rooms.phoneNumber(ctx.organizationId, await this.connectedPhoneNumberId(ctx, which.id));
  }

  /**
   * The room for `unsubscribe`. Our own ids name the room directly (rooms are per organization, so this reveals
   * nothing and still works after the number was disconnected); Meta's numeric id needs the lookup.
   */
  async roomToLeave(ctx: TenantContext, target: RealtimeTarget): Promise<string> {
    const which = exactlyOne(target);
    if (which.kind === 'conversation') return rooms.conversation(ctx.organizationId, which.id);
    if (isId('phoneNumber', which.id)) return rooms.phoneNumber(ctx.organizationId, which.id);
    return rooms.phoneNumber(ctx.organizationId, await this.connectedPhoneNumberId(ctx, which.id));
  }

  private async connectedPhoneNumberId(ctx: TenantContext, ref: string): Promise<string> {
    const where = isId('phoneNumber', ref) ? { id: ref } : META_PHONE_NUMBER_ID.test(ref) ? { metaPhoneNumberId: ref } : undefined;
    const found = where && (await this.repo.findConnectedPhoneNumber(ctx.organizationId, where));
    if (!found) throw AppError.notFound('phone number', ref);
    return found.id;
  }
}

function exactlyOne(target: RealtimeTarget): { kind: 'conversation' | 'phone_number'; id: string } {
  const { conversationId, phoneNumberId } = target;
  if (!conversationId === !phoneNumberId)
    throw AppError.validation('conversation_id', 'Pass exactly one of conversation_id or phone_number_id.');
  return conversationId ? { kind: 'conversation', id: conversationId } : { kind: 'phone_number', id: phoneNumberId! };
}
