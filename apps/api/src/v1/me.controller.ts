import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { OrganizationsService, presentOrganization, type TenantContext } from '#domain';
import { Tenant } from '../http/tenant.decorator.js';

@ApiTags('organization')
@Controller('v1/me')
export class MeController {
  constructor(private readonly organizations: OrganizationsService) {}

  @Get()
  @ApiOperation({ summary: 'The organization that owns the API key, its plan and its limits' })
  async me(@Tenant() ctx: TenantContext) {
    const { organization, limits } = await this.organizations.get(ctx);
    return presentOrganization(organization, limits);
  }
}
