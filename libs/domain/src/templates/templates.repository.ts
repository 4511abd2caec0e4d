import { Injectable } from '@nestjs/common';
import { PrismaService, type Template } from '#db';
import { InvalidationBus } from '#queue';
import { ReadThroughCache } from '../cache/read-through-cache.js';

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

/** Invalidation topic of cached templates; its keys are organization ids. */
const TEMPLATES_TOPIC = 'templates';

/**
 * Every template send looks its template up by name and language, so that lookup is cached per process outside
 * transactions. Both writes below (sync's upsert, status changes) publish an invalidation after they commit.
 */
@Injectable()
export class TemplatesRepository {
  private readonly byNameLanguage: ReadThroughCache<Template>;

  constructor(
    private readonly prisma: PrismaService,
    private readonly bus: InvalidationBus,
  ) {
    this.byNameLanguage = new ReadThroughCache(bus, { topic: TEMPLATES_TOPIC, ttlMs: 30_000, maxEntries: 10_000 });
  }

  /** Insert or overwrite by (organization, WABA, name, language): one atomic statement, safe for concurrent syncs. */
  async upsert(organizationId: string, key: { id: string; wabaId: string; name: string; language: string }, fields: TemplateFields): Promise<Template> {
    const data = { ...fields, components: fields.components as object[] };
    const row = await this.prisma.db.template.upsert({
      where: { organizationId_wabaId_name_language: { organizationId, wabaId: key.wabaId, name: key.name, language: key.language } },
      create: { ...key, organizationId, ...data },
      update: data,
    });
    this.changed(organizationId);
    return row;
  }

  findById(organizationId: string, id: string): Promise<Template | null> {
    return this.prisma.db.template.findFirst({ where: { organizationId, id } });
  }

  async findByNameLanguage(organizationId: string, wabaId: string, name: string, language: string): Promise<Template | null> {
    const load = () => this.prisma.db.template.findFirst({ where: { organizationId, wabaId, name, language } });
    if (this.prisma.inTransaction) return load(); // must see this transaction's own writes
    const row = await this.byNameLanguage.get(JSON.stringify([organizationId, wabaId, name, language]), async () => {
      const found = await load();
      return found ? { value: found, group: organizationId } : undefined;
    });
    return row ?? null;
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
    this.changed(organizationId);
    return r.count === 1 ? this.findById(organizationId, id) : null;
  }

  /** Template status webhooks carry Meta's template id and the WABA; the rows may belong to several organizations. */
  findByMetaIdForSystem(wabaId: string, metaTemplateId: string): Promise<Template[]> {
    return this.prisma.db.template.findMany({ where: { wabaId, metaTemplateId }, orderBy: { id: 'asc' } });
  }

  findByNameLanguageForSystem(wabaId: string, name: string, language: string): Promise<Template[]> {
    return this.prisma.db.template.findMany({ where: { wabaId, name, language }, orderBy: { id: 'asc' } });
  }

  /** Called after each write: the invalidation goes out now, or once the surrounding transaction commits. */
  private changed(organizationId: string): void {
    this.prisma.afterCommit(() => this.bus.publish(TEMPLATES_TOPIC, organizationId));
  }
}
