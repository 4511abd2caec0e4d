import { Injectable } from '@nestjs/common';
import { PrismaService, type ApiKey } from '#db';
import { AppError } from '../common/app-error.js';
import { newId } from '../common/ids.js';
import type { TenantContext } from '../common/tenant-context.js';
import { AuditService } from '../audit/audit.service.js';
import { limitsFor, type OrganizationLimits } from '../organizations/plans.js';
import { displayPrefix, generateApiKey, hashApiKey, parseApiKey, type KeyMode } from './api-key-format.js';
import { ApiKeysRepository } from './api-keys.repository.js';

export type ApiKeyScope = 'full' | 'read_only';

export interface Authenticated {
  ctx: Omit<TenantContext, 'via' | 'requestId'>;
  limits: OrganizationLimits;
}

/** lastUsedAt is informational: write it at most once a minute per key instead of on every request. */
const TOUCH_EVERY_MS = 60_000;

@Injectable()
export class ApiKeysService {
  private readonly lastTouched = new Map<string, number>();

  constructor(
    private readonly repo: ApiKeysRepository,
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
  ) {}

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
    const row = await this.repo.findActiveByHash(hashApiKey(plaintext));
    if (!row) throw new AppError('invalid_api_key');
    this.touchLater(row.organizationId, row.id);
    return {
      ctx: {
        organizationId: row.organizationId,
        apiKeyId: row.id,
        actorType: 'api_key',
        scope: row.scope as ApiKeyScope,
        keyMode: row.mode as KeyMode,
      },
      limits: limitsFor(row.organization),
    };
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
