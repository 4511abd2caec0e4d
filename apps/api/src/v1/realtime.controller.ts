import { Body, Controller, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { TenantContext } from '#domain';
import { CreateRealtimeTokenDto } from '#domain/realtime/dto/create-realtime-token.dto.js';
import { RealtimeAccessService } from '#domain/realtime/realtime-access.service.js';
import { CountsAs } from '../http/public.decorator.js';
import { Tenant } from '../http/tenant.decorator.js';

@ApiTags('realtime')
@Controller('v1/realtime/tokens')
export class RealtimeController {
  constructor(private readonly access: RealtimeAccessService) {}

  @Post()
  @CountsAs('read') // changes nothing the organization owns: read-only (dashboard) keys may mint tokens
  @ApiOperation({
    summary: 'Mint a short-lived token for Socket.IO',
    description:
      'For browsers, which must never hold a secret key: connect to namespace /v1 with `auth: { token }`. The token ' +
      "carries the calling key's organization and scope and stops working when that key is revoked.",
  })
  create(@Tenant() ctx: TenantContext, @Body() body: CreateRealtimeTokenDto) {
    const { token, expiresAt } = this.access.mintToken(ctx, { ttlSeconds: body.ttl_seconds });
    return { object: 'realtime_token', token, expires_at: expiresAt.toISOString() };
  }
}
