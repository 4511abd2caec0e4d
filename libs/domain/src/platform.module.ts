import { Global, Module } from '@nestjs/common';
import { AuditModule } from './audit/audit.module.js';
import { IdempotencyRepository } from './idempotency/idempotency.repository.js';
import { IdempotencyService } from './idempotency/idempotency.service.js';
import { OrganizationsModule } from './organizations/organizations.module.js';
import { RateLimitService } from './rate-limits/rate-limit.service.js';
import { Metrics } from './observability/metrics.js';
import { DomainEvents } from './events/domain-events.js';

/** Cross-cutting domain services every front door needs: organizations, keys, audit, limits, idempotency. */
@Global()
@Module({
  imports: [AuditModule, OrganizationsModule],
  providers: [IdempotencyRepository, IdempotencyService, RateLimitService, Metrics, DomainEvents],
  exports: [AuditModule, OrganizationsModule, IdempotencyService, RateLimitService, Metrics, DomainEvents],
})
export class PlatformModule {}
