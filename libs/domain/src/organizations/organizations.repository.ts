import { Injectable } from '@nestjs/common';
import { PrismaService, type Organization } from '#db';
import { InvalidationBus } from '#queue';
import { API_KEYS_TOPIC } from '../api-keys/api-keys.repository.js';

export interface NewOrganization {
  id: string;
  name: string;
  plan: string;
  rateLimitWritesPerMinute?: number | null;
  rateLimitReadsPerMinute?: number | null;
}

@Injectable()
export class OrganizationsRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly bus: InvalidationBus,
  ) {}

  create(input: NewOrganization): Promise<Organization> {
    return this.prisma.db.organization.create({ data: input });
  }

  /** The tenant is the organization itself here: its id is the scope. */
  findById(organizationId: string): Promise<Organization | null> {
    return this.prisma.db.organization.findUnique({ where: { id: organizationId } });
  }

  /** System-level (CLI, bootstrap): is the database still empty? */
  count(): Promise<number> {
    return this.prisma.db.organization.count();
  }

  list(): Promise<Organization[]> {
    return this.prisma.db.organization.findMany({ orderBy: { id: 'asc' } });
  }

  async update(
    organizationId: string,
    data: Partial<Pick<Organization, 'name' | 'plan' | 'rateLimitWritesPerMinute' | 'rateLimitReadsPerMinute'>>,
  ): Promise<Organization> {
    const updated = await this.prisma.db.organization.update({ where: { id: organizationId }, data });
    // Every process's resolved keys carry the organization's plan and limits.
    this.prisma.afterCommit(() => this.bus.publish(API_KEYS_TOPIC, organizationId));
    return updated;
  }
}
