import { Injectable } from '@nestjs/common';
import { PrismaService, type Template } from '#db';

export interface TemplateFields {
  metaTemplateId: string | null;
  category: string;
  status: string;
  parameterFormat: string;
  components: unknown[];
  rejectedReason: string | null;
}

export interface TemplateFilter {
  /** Restrict to these WABAs (a number's filter); undefined means every WABA. */
  wabaIds?: string[];
  status?: string;
  nameContains?: string;
  afterId?: string;
  limit: number;
}

export const DELETED = 'DELETED';

@Injectable()
export class TemplatesRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Insert or overwrite by (organization, WABA, name, language): one atomic statement, safe for concurrent syncs. */
  upsert(organizationId: string, key: { id: string; wabaId: string; name: string; language: string }, fields: TemplateFields): Promise<Template> {
    const data = { ...fields, components: fields.components as object[] };
    return this.prisma.db.template.upsert({
      where: { organizationId_wabaId_name_language: { organizationId, wabaId: key.wabaId, name: key.name, language: key.language } },
      create: { ...key, organizationId, ...data },
      update: data,
    });
  }

  findById(organizationId: string, id: string): Promise<Template | null> {
    return this.prisma.db.template.findFirst({ where: { organizationId, id } });
  }

  findByNameLanguage(organizationId: string, wabaId: string, name: string, language: string): Promise<Template | null> {
    return this.prisma.db.template.findFirst({ where: { organizationId, wabaId, name, language } });
  }

  listByName(organizationId: string, wabaId: string, name: string): Promise<Template[]> {
    return this.prisma.db.template.findMany({ where: { organizationId, wabaId, name }, orderBy: { language: 'asc' } });
  }

  listByWaba(organizationId: string, wabaId: string): Promise<Template[]> {
    return this.prisma.db.template.findMany({ where: { organizationId, wabaId } });
  }

  list(organizationId: string, f: TemplateFilter): Promise<Template[]> {
    return this.prisma.db.template.findMany({
      where: {
        organizationId,
        ...(f.wabaIds ? { wabaId: { in: f.wabaIds } } : {}),
        // Deleted templates are history; they show only when asked for by status.
        status: f.status ?? { not: DELETED },
        ...(f.nameContains ? { name: { contains: f.nameContains, mode: 'insensitive' as const } } : {}),
        ...(f.afterId ? { id: { gt: f.afterId } } : {}),
      },
      orderBy: { id: 'asc' },
      take: f.limit + 1,
    });
  }

  async update(organizationId: string, id: string, changes: Partial<TemplateFields>): Promise<Template | null> {
    const { components, ...rest } = changes;
    const data = { ...rest, ...(components ? { components: components as object[] } : {}) };
    const r = await this.prisma.db.template.updateMany({ where: { organizationId, id }, data });
    return r.count === 1 ? this.findById(organizationId, id) : null;
  }

  /** Template status webhooks carry Meta's template id and the WABA; the rows may belong to several organizations. */
  findByMetaIdForSystem(wabaId: string, metaTemplateId: string): Promise<Template[]> {
    return this.prisma.db.template.findMany({ where: { wabaId, metaTemplateId }, orderBy: { id: 'asc' } });
  }

  findByNameLanguageForSystem(wabaId: string, name: string, language: string): Promise<Template[]> {
    return this.prisma.db.template.findMany({ where: { wabaId, name, language }, orderBy: { id: 'asc' } });
  }
}
