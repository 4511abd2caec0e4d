import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditService, ListAuditLogsDto, listEnvelope, presentAuditLog, type TenantContext } from '#domain';
import { Tenant } from '../http/tenant.decorator.js';

@ApiTags('audit')
@Controller('v1/audit_logs')
export class AuditLogsController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({ summary: 'Who did what, newest first (filters: actor key, action, target, time range)' })
  async list(@Tenant() ctx: TenantContext, @Query() q: ListAuditLogsDto) {
    const page = await this.audit.list(ctx, {
      actorId: q.actor_id,
      action: q.action,
      targetId: q.target_id,
      since: q.since,
      until: q.until,
      cursor: q.cursor,
      limit: q.limit ?? 20,
    });
    return listEnvelope(page, presentAuditLog);
  }
}
