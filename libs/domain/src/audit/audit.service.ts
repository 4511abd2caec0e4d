import { Injectable } from '@nestjs/common';
import type { AuditLog } from '#db';
import { newId } from '../common/ids.js';
import type { TenantContext } from '../common/tenant-context.js';
import { decodeCursor, toPage, type ListResult } from '../common/pagination.js';
import { AuditRepository } from './audit.repository.js';

export interface AuditEntry {
  action: string;
  targetType?: string;
  targetId?: string;
  metadata?: Record<string, unknown>;
}

/**
 * Every write records who did what to which object. Call inside the service's transaction so the audit row and
 * the change commit (or roll back) together.
 */
@Injectable()
export class AuditService {
  constructor(private readonly repo: AuditRepository) {}

  async record(ctx: TenantContext, entry: AuditEntry): Promise<void> {
    await this.repo.insert(ctx.organizationId, {
      id: newId('audit'),
      actorType: ctx.actorType,
      actorId: ctx.apiKeyId,
      action: entry.action,
      targetType: entry.targetType ?? null,
      targetId: entry.targetId ?? null,
      metadata: (entry.metadata ?? {}) as object,
      requestId: ctx.requestId ?? null,
    });
  }

  async list(
    ctx: TenantContext,
    q: { actorId?: string; action?: string; targetId?: string; since?: Date; until?: Date; cursor?: string; limit: number },
  ): Promise<ListResult<AuditLog>> {
    const cursor = decodeCursor(q.cursor);
    const rows = await this.repo.list(ctx.organizationId, { ...q, afterId: cursor?.[0] as string | undefined });
    return toPage(rows, q.limit, (r) => [r.id]);
  }
}
