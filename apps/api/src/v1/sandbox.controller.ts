import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { SandboxInboundDto, SandboxInboundService, type TenantContext } from '#domain';
import { Tenant } from '../http/tenant.decorator.js';

// No MCP tool: simulating customers is a developer/test affordance, not an assistant's job.
@ApiTags('sandbox')
@Controller('v1/sandbox')
export class SandboxController {
  constructor(private readonly inbound: SandboxInboundService) {}

  @Post('inbound')
  @HttpCode(202)
  @ApiOperation({ summary: 'Sandbox numbers: a customer sends a message of any type; it arrives through the real signed-webhook path' })
  async inject(@Tenant() ctx: TenantContext, @Body() body: SandboxInboundDto) {
    const { wamid, delivered } = await this.inbound.inject(ctx, body);
    return { object: 'sandbox_inbound', wamid, webhook_delivered: delivered };
  }
}
