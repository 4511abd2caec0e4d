import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { ApiKeysService, AppError, RateLimitService, type OrganizationLimits, type RequestClass, type TenantContext } from '#domain';
import type { AppRequest } from './request-types.js';

/**
 * Authentication and rate limiting shared by both front doors: the REST guard calls it per route, the MCP
 * endpoint per tool call (a tool counts as read or write by what it does).
 */
@Injectable()
export class RequestAuthenticator {
  constructor(
    private readonly apiKeys: ApiKeysService,
    private readonly rateLimits: RateLimitService,
  ) {}

  /** Bearer token or X-API-Key; resolves the tenant or throws a 401. */
  async authenticate(req: AppRequest, via: TenantContext['via']): Promise<{ ctx: TenantContext; limits: OrganizationLimits }> {
    const { ctx, limits } = await this.apiKeys.authenticate(presentedKey(req));
    const tenant: TenantContext = { ...ctx, via, requestId: req.id };
    req.tenant = tenant;
    return { ctx: tenant, limits };
  }

  /** Scope check + token bucket; sets X-RateLimit-* (and Retry-After on 429) on the response either way. */
  async admit(req: AppRequest, res: Response, ctx: TenantContext, limits: OrganizationLimits, cls: RequestClass): Promise<void> {
    if (cls === 'write' && ctx.scope === 'read_only') throw new AppError('insufficient_scope');
    const decision = await this.rateLimits.consume(ctx.organizationId, limits, cls);
    req.rateLimit = decision;
    res.setHeader('X-RateLimit-Limit', String(decision.limit));
    res.setHeader('X-RateLimit-Remaining', String(decision.remaining));
    res.setHeader('X-RateLimit-Reset', String(decision.resetAt));
    if (!decision.allowed) {
      res.setHeader('Retry-After', String(decision.retryAfter));
      throw new AppError('rate_limited', `Too many ${cls} requests: the limit is ${decision.limit} per minute.`, {
        retry_after: decision.retryAfter,
      });
    }
  }
}

export function presentedKey(req: AppRequest): string | undefined {
  const auth = req.header('authorization');
  if (auth) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    return m ? m[1] : auth.trim() || undefined;
  }
  return req.header('x-api-key')?.trim() || undefined;
}

export function requestClassOf(method: string): RequestClass {
  return ['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase()) ? 'read' : 'write';
}
