import type { Request } from 'express';
import type { RateLimitDecision, TenantContext } from '#domain';

/** What our middleware and guard attach to an express request. */
export interface AppRequest extends Request {
  id: string;
  rawBody?: Buffer;
  tenant?: TenantContext;
  rateLimit?: RateLimitDecision;
}
