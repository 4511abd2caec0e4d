import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { OrganizationSettingsService, presentSettings, UpdateSettingsDto, type TenantContext } from '#domain';
import { Tenant } from '../http/tenant.decorator.js';

// No MCP tool: the guard rails limit assistants, so an assistant must not be able to read around or change them.
@ApiTags('settings')
@Controller('v1/settings')
export class SettingsController {
  constructor(private readonly settings: OrganizationSettingsService) {}

  @Get()
  @ApiOperation({
    summary: 'Organization settings: guard rails for assistant (MCP) sends and opt-out / opt-in keywords',
  })
  async get(@Tenant() ctx: TenantContext) {
    const { settings, updatedAt } = await this.settings.get(ctx);
    return presentSettings(ctx.organizationId, settings, updatedAt);
  }

  @Patch()
  @ApiOperation({ summary: 'Change some settings (null restores a default); audited' })
  async update(@Tenant() ctx: TenantContext, @Body() body: UpdateSettingsDto) {
    const { settings, updatedAt } = await this.settings.update(ctx, body);
    return presentSettings(ctx.organizationId, settings, updatedAt);
  }
}
