import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { TenantContext } from '#domain';
import type { AppRequest } from './request-types.js';

/** The caller's tenant context, set by the auth guard. */
export const Tenant = createParamDecorator((_data: unknown, ctx: ExecutionContext): TenantContext => {
  const req = ctx.switchToHttp().getRequest<AppRequest>();
  if (!req.tenant) throw new Error('Tenant context missing: route is public or the guard did not run');
  return req.tenant;
});
