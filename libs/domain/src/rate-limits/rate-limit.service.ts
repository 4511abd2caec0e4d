import { Injectable } from '@nestjs/common';
import { TokenBuckets } from '#queue';
import type { OrganizationLimits } from '../organizations/plans.js';

export type RequestClass = 'read' | 'write';

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Epoch seconds when the bucket is full again. */
  resetAt: number;
  /** Whole seconds to wait before retrying (0 when allowed). */
  retryAfter: number;
}

/**
 * Per-organization token buckets, one per request class. Capacity = the per-minute limit, refilled continuously,
 * so there is no window edge to double-burst across. Redis-backed (one atomic script) when REDIS_URL is set, which
 * makes the limit exact across api processes; in memory in the embedded default.
 */
@Injectable()
export class RateLimitService {
  constructor(private readonly buckets: TokenBuckets) {}

  async consume(organizationId: string, limits: OrganizationLimits, cls: RequestClass): Promise<RateLimitDecision> {
    const perMinute = cls === 'write' ? limits.writesPerMinute : limits.readsPerMinute;
    const r = await this.buckets.take(`rl:${cls}:${organizationId}`, perMinute, perMinute / 60, 1);
    return {
      allowed: r.allowed,
      limit: perMinute,
      remaining: Math.max(0, Math.floor(r.remaining)),
      resetAt: Math.ceil(r.resetAtMs / 1000),
      retryAfter: r.allowed ? 0 : Math.max(1, Math.ceil(r.retryAfterMs / 1000)),
    };
  }
}
