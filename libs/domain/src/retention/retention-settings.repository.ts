import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService } from '#db';

/**
 * The `retention` key of Organization.settings. Written with jsonb_set so the other keys of the settings object
 * (guard rails, opt-out keywords, owned by their own services) are never overwritten by a retention change.
 */
@Injectable()
export class RetentionSettingsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async settingsOf(organizationId: string): Promise<unknown> {
    const org = await this.prisma.db.organization.findUnique({
      where: { id: organizationId },
      select: { settings: true },
    });
    return org?.settings ?? null;
  }

  /** Replaces settings.retention atomically; false when the organization does not exist. */
  async writeRetention(organizationId: string, retention: Record<string, number>): Promise<boolean> {
    const n = await this.prisma.db.$executeRaw(Prisma.sql`
      UPDATE organization
      SET settings = jsonb_set(coalesce(settings, '{}'::jsonb), '{retention}', ${JSON.stringify(retention)}::jsonb, true), updated_at = now()
      WHERE id = ${organizationId}`);
    return n === 1;
  }

  /** Every organization's settings (system: the retention job walks all tenants). */
  listSettingsForSystem(afterId: string | undefined, limit: number): Promise<{ id: string; settings: unknown }[]> {
    return this.prisma.db.organization.findMany({
      where: afterId ? { id: { gt: afterId } } : {},
      select: { id: true, settings: true },
      orderBy: { id: 'asc' },
      take: limit,
    });
  }
}
