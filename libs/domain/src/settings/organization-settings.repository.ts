import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService } from '#db';

export interface StoredSettings {
  settings: unknown;
  updatedAt: Date;
}

/** Organization.settings, the JSON column several features keep their per-organization settings in. */
@Injectable()
export class OrganizationSettingsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async find(organizationId: string): Promise<StoredSettings | null> {
    return this.prisma.db.organization.findUnique({
      where: { id: organizationId },
      select: { settings: true, updatedAt: true },
    });
  }

  /**
   * Sets and removes top-level keys in one statement (jsonb `||` and `-`), so concurrent updates of different
   * keys (by different features or people) never overwrite each other. Null when the organization is gone.
   */
  async merge(organizationId: string, set: Record<string, unknown>, remove: string[]): Promise<StoredSettings | null> {
    const rows = await this.prisma.db.$queryRaw<{ settings: unknown; updated_at: Date }[]>(Prisma.sql`
      UPDATE organization
         SET settings = (settings || ${JSON.stringify(set)}::jsonb) - ${remove}::text[],
             updated_at = now()
       WHERE id = ${organizationId}
   RETURNING settings, updated_at`);
    return rows[0] ? { settings: rows[0].settings, updatedAt: rows[0].updated_at } : null;
  }
}
