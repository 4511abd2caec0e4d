import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  RETENTION_DEFAULTS,
  RetentionSettingsService,
  UpdateRetentionSettingsDto,
  type RetentionSettingsView,
  type TenantContext,
} from '#domain';
import { Tenant } from '../http/tenant.decorator.js';

// No MCP tools: data retention is an administrator's setting, not an assistant's.
@ApiTags('settings')
@Controller('v1/settings/retention')
export class RetentionSettingsController {
  constructor(private readonly settings: RetentionSettingsService) {}

  @Get()
  @ApiOperation({ summary: 'How many days raw payloads, webhook deliveries, media bytes and audit rows are kept' })
  async get(@Tenant() ctx: TenantContext) {
    return present(await this.settings.get(ctx));
  }

  @Patch()
  @ApiOperation({ summary: 'Change retention days (null returns a key to its default); enforced by a periodic job' })
  async update(@Tenant() ctx: TenantContext, @Body() body: UpdateRetentionSettingsDto) {
    return present(await this.settings.update(ctx, body));
  }
}

function present(v: RetentionSettingsView) {
  return { object: 'retention_settings', ...v.days, overridden: v.overridden, defaults: RETENTION_DEFAULTS };
}
