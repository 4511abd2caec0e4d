import { Injectable } from '@nestjs/common';
import { PrismaService } from '#db';
import { AppError } from '../common/app-error.js';
import type { TenantContext } from '../common/tenant-context.js';
import { AuditService } from '../audit/audit.service.js';
import type { UpdateRetentionSettingsDto } from './dto/update-retention-settings.dto.js';
import {
  effectiveRetention,
  patchOverrides,
  RETENTION_KEYS,
  storedOverrides,
  type RetentionDays,
} from './retention-rules.js';
import { RetentionSettingsRepository } from './retention-settings.repository.js';

export interface RetentionSettingsView {
  /** The days in force. */
  days: RetentionDays;
  /** The keys the organization set itself (the others follow the defaults). */
  overridden: (keyof RetentionDays)[];
}

/** Per-organization retention settings, kept under Organization.settings.retention. */
@Injectable()
export class RetentionSettingsService {
  constructor(
    private readonly repo: RetentionSettingsRepository,
    private readonly audit: AuditService,
    private readonly prisma: PrismaService,
  ) {}

  async get(ctx: TenantContext): Promise<RetentionSettingsView> {
    return view(await this.repo.settingsOf(ctx.organizationId));
  }

  async update(ctx: TenantContext, input: UpdateRetentionSettingsDto): Promise<RetentionSettingsView> {
    const patch = Object.fromEntries(RETENTION_KEYS.filter((k) => input[k] !== undefined).map((k) => [k, input[k]]));
    if (Object.keys(patch).length === 0)
      throw AppError.validation('body', `Give at least one of ${RETENTION_KEYS.join(', ')}.`);
    return this.prisma.transaction(async () => {
      const before = storedOverrides(await this.repo.settingsOf(ctx.organizationId));
      const next = patchOverrides(before, patch);
      if (!(await this.repo.writeRetention(ctx.organizationId, next as Record<string, number>)))
        throw AppError.notFound('organization');
      await this.audit.record(ctx, {
        action: 'settings.retention_updated',
        targetType: 'organization',
        targetId: ctx.organizationId,
        metadata: { from: before, to: next },
      });
      return view({ retention: next });
    });
  }
}

function view(settings: unknown): RetentionSettingsView {
  return {
    days: effectiveRetention(settings),
    overridden: Object.keys(storedOverrides(settings)) as (keyof RetentionDays)[],
  };
}
