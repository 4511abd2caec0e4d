import { Injectable } from '@nestjs/common';
import { PrismaService, type Organization } from '#db';
import { AppError } from '../common/app-error.js';
import { newId } from '../common/ids.js';
import { systemContext, type TenantContext } from '../common/tenant-context.js';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { AuditService } from '../audit/audit.service.js';
import { limitsFor, PLANS, type OrganizationLimits, type PlanName } from './plans.js';
import { OrganizationsRepository } from './organizations.repository.js';

export interface OrganizationView {
  organization: Organization;
  limits: OrganizationLimits;
}

@Injectable()
export class OrganizationsService {
  constructor(
    private readonly repo: OrganizationsRepository,
    private readonly apiKeys: ApiKeysService,
    private readonly audit: AuditService,
    private readonly prisma: PrismaService,
  ) {}

  /** System operation (CLI, bootstrap): a new organization, optionally with its first key. */
  async create(input: {
    name: string;
    plan?: string;
    firstKey?: { name: string; plaintext?: string; scope?: 'full' | 'read_only'; mode?: 'live' | 'test' };
    actor?: 'cli' | 'system';
  }): Promise<{ organization: Organization; plaintextKey?: string; apiKeyId?: string }> {
    const plan = input.plan ?? 'free';
    if (!(plan in PLANS)) throw AppError.validation('plan', `plan must be one of ${Object.keys(PLANS).join(', ')}`);
    return this.prisma.transaction(async () => {
      const organization = await this.repo.create({ id: newId('organization'), name: input.name, plan });
      const ctx: TenantContext = { ...systemContext(organization.id), actorType: input.actor ?? 'system' };
      await this.audit.record(ctx, { action: 'organization.created', targetType: 'organization', targetId: organization.id });
      if (!input.firstKey) return { organization };
      const { apiKey, plaintext } = await this.apiKeys.create(ctx, input.firstKey);
      return { organization, plaintextKey: plaintext, apiKeyId: apiKey.id };
    });
  }

  async get(ctx: TenantContext): Promise<OrganizationView> {
    const organization = await this.repo.findById(ctx.organizationId);
    if (!organization) throw AppError.notFound('organization');
    return { organization, limits: limitsFor(organization) };
  }

  async setLimits(
    organizationId: string,
    input: { plan?: PlanName; writesPerMinute?: number | null; readsPerMinute?: number | null },
  ): Promise<Organization> {
    const ctx: TenantContext = { ...systemContext(organizationId), actorType: 'cli' };
    return this.prisma.transaction(async () => {
      if (!(await this.repo.findById(organizationId))) throw AppError.notFound('organization', organizationId);
      const org = await this.repo.update(organizationId, {
        ...(input.plan ? { plan: input.plan } : {}),
        ...(input.writesPerMinute !== undefined ? { rateLimitWritesPerMinute: input.writesPerMinute } : {}),
        ...(input.readsPerMinute !== undefined ? { rateLimitReadsPerMinute: input.readsPerMinute } : {}),
      });
      await this.audit.record(ctx, { action: 'organization.limits_updated', targetType: 'organization', targetId: org.id, metadata: input });
      return org;
    });
  }

  list(): Promise<Organization[]> {
    return this.repo.list();
  }

  /**
   * First boot. With BOOTSTRAP_API_KEY: an organization owning exactly that key. Without it (embedded default):
   * a demo organization whose fresh key the caller prints once. Does nothing once any organization exists.
   */
  async bootstrap(bootstrapKey: string | undefined): Promise<{ created: false } | { created: true; organizationId: string; plaintextKey: string; generated: boolean }> {
    if ((await this.repo.count()) > 0) return { created: false };
    const { organization, plaintextKey } = await this.create({
      name: bootstrapKey ? 'Bootstrap organization' : 'Demo organization',
      firstKey: { name: bootstrapKey ? 'bootstrap' : 'demo', plaintext: bootstrapKey },
    });
    return { created: true, organizationId: organization.id, plaintextKey: plaintextKey!, generated: !bootstrapKey };
  }
}
