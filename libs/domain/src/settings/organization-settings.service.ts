import { Injectable } from '@nestjs/common';
import { PrismaService } from '#db';
import { AppError } from '../common/app-error.js';
import type { TenantContext } from '../common/tenant-context.js';
import { AuditService } from '../audit/audit.service.js';
import type { UpdateSettingsDto } from './dto/update-settings.dto.js';
import { planSettingsUpdate, resolveSettings, type OrganizationSettings } from './organization-settings.js';
import { OrganizationSettingsRepository } from './organization-settings.repository.js';

export interface SettingsView {
  settings: OrganizationSettings;
  updatedAt: Date | null;
}

/** The organization's guard rails and opt-out keywords: read by sends and ingest, changed by people (audited). */
@Injectable()
export class OrganizationSettingsService {
  constructor(
    private readonly repo: OrganizationSettingsRepository,
    private readonly audit: AuditService,
    private readonly prisma: PrismaService,
  ) {}

  async get(ctx: TenantContext): Promise<SettingsView> {
    const row = await this.repo.find(ctx.organizationId);
    if (!row) throw AppError.notFound('organization');
    return { settings: resolveSettings(row.settings), updatedAt: row.updatedAt };
  }

  /** The effective settings, for rules applied on the organization's behalf (sends, inbound keywords). */
  async effective(organizationId: string): Promise<OrganizationSettings> {
    return resolveSettings((await this.repo.find(organizationId))?.settings);
  }

  async update(ctx: TenantContext, input: UpdateSettingsDto): Promise<SettingsView> {
    return this.prisma.transaction(async () => {
      const { settings: current } = await this.get(ctx);
      const { set, remove } = planSettingsUpdate(current, {
        mcpMaxMessagesPerRecipientPerHour: input.mcp_max_messages_per_recipient_per_hour,
        mcpMaxNewRecipientsPerDay: input.mcp_max_new_recipients_per_day,
        mcpRecipientAllowList: input.mcp_recipient_allow_list,
        optOutKeywords: input.opt_out_keywords,
        optInKeywords: input.opt_in_keywords,
      });
      const keys = [...Object.keys(set), ...remove];
      if (keys.length === 0) return this.get(ctx);
      const row = await this.repo.merge(ctx.organizationId, set, remove);
      if (!row) throw AppError.notFound('organization');
      await this.audit.record(ctx, {
        action: 'settings.updated',
        targetType: 'organization',
        targetId: ctx.organizationId,
        metadata: { changes: keys, set, reset: remove },
      });
      return { settings: resolveSettings(row.settings), updatedAt: row.updatedAt };
    });
  }
}
