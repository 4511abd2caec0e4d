import { Injectable } from '@nestjs/common';
import { PrismaService, type ApiKey } from '#db';
import { InvalidationBus } from '#queue';
import { AppError } from '../common/app-error.js';
import { newId } from '../common/ids.js';
import type { TenantContext } from '../common/tenant-context.js';
import { AuditService } from '../audit/audit.service.js';
import { ReadThroughCache } from '../cache/read-through-cache.js';
import { limitsFor, type OrganizationLimits } from '../organizations/plans.js';
import { displayPrefix, generateApiKey, hashApiKey, parseApiKey, type KeyMode } from './api-key-format.js';
import { API_KEYS_TOPIC, ApiKeysRepository } from './api-keys.repository.js';

export type ApiKeyScope = 'full' | 'read_only';

export interface Authenticated {
  ctx: Omit<TenantContext, 'via' | 'requestId'>;
  limits: OrganizationLimits;
}

/** lastUsedAt is informational: write it at most once a minute per key instead of on every request. */
const TOUCH_EVERY_MS = 60_000;

interface ResolvedKey {
  id: string;
  organizationId: string;
  scope: ApiKeyScope;
  mode: KeyMode;
  limits: OrganizationLimits;
}

@Injectable()
export class ApiKeysService {
  private readonly lastTouched = new Map<string, number>();
  /**
   * Every request resolves its key: cached per process (two queries saved per request), dropped in every process
   * the moment a key of the organization is revoked or its limits change (the repositories publish API_KEYS_TOPIC
   * after those writes commit), and at most 30 s old if Redis ever loses that message.
   */
  private readonly resolved: ReadThroughCache<ResolvedKey>;

  constructor(
    private readonly repo: ApiKeysRepository,
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
    bus: InvalidationBus,
  ) {
    this.resolved = new ReadThroughCache(bus, { topic: API_KEYS_TOPIC, ttlMs: 30_000, maxEntries: 10_000 });
  }

  /** Creates a key; the plaintext is returned once and never stored. */
  async create(
    ctx: TenantContext,
    input: { name: string; scope?: ApiKeyScope; mode?: KeyMode; plaintext?: string },
  ): Promise<{ apiKey: ApiKey; plaintext: string }> {
    const mode = input.mode ?? 'live';
    const plaintext = input.plaintext ?? generateApiKey(mode);
    const parsed = parseApiKey(plaintext);
    if (!parsed) throw AppError.validation('key', 'The key is not a well-formed kdv_live_/kdv_test_ key.');
    return this.prisma.transaction(async () => {
      const apiKey = await this.repo.create(ctx.organizationId, {
        id: newId('apiKey'),
        name: input.name,
        hash: hashApiKey(plaintext),
        displayPrefix: displayPrefix(plaintext),
        mode: parsed.mode,
        scope: input.scope ?? 'full',
      });
      await this.audit.record(ctx, { action: 'api_key.created', targetType: 'api_key', targetId: apiKey.id });
      return { apiKey, plaintext };
    });
  }

  /** Resolves a presented key; malformed keys fail without a database lookup. */
  async authenticate(plaintext: string | undefined): Promise<Authenticated> {
    if (!plaintext) throw new AppError('missing_api_key');
    const parsed = parseApiKey(plaintext);
    if (!parsed) throw new AppError('invalid_api_key');
    const hash = hashApiKey(plaintext);
    const key = await this.resolved.get(hash, () => this.resolve(hash));
    if (!key) throw new AppError('invalid_api_key');
    this.touchLater(key.organizationId, key.id);
    return {
      ctx: { organizationId: key.organizationId, apiKeyId: key.id, actorType: 'api_key', scope: key.scope, keyMode: key.mode },
      limits: key.limits,
    };
  }

  private async resolve(hash: string): Promise<{ value: ResolvedKey; group: string } | undefined> {
    const row = await this.repo.findActiveByHash(hash);
    if (!row) return undefined;
    const value = { id: row.id, organizationId: row.organizationId, scope: row.scope as ApiKeyScope, mode: row.mode as KeyMode, limits: limitsFor(row.organization) };
    return { value, group: row.organizationId };
  }

  list(ctx: TenantContext): Promise<ApiKey[]> {
    return this.repo.list(ctx.organizationId);
  }

  async revoke(ctx: TenantContext, id: string): Promise<ApiKey> {
    return this.prisma.transaction(async () => {
      const revoked = await this.repo.revoke(ctx.organizationId, id, new Date());
      if (!revoked) {
        const existing = await this.repo.findById(ctx.organizationId, id);
        if (!existing) throw AppError.notFound('api key', id);
        return existing; // already revoked: revoking again is a no-op
      }
      await this.audit.record(ctx, { action: 'api_key.revoked', targetType: 'api_key', targetId: id });
      return (await this.repo.findById(ctx.organizationId, id))!;
    });
  }

  private touchLater(organizationId: string, id: string): void {
    const now = Date.now();
    if (now - (this.lastTouched.get(id) ?? 0) < TOUCH_EVERY_MS) return;
    this.lastTouched.set(id, now);
    this.repo.touch(organizationId, id, new Date(now)).catch(() => this.lastTouched.delete(id));
  }
}
