import { Injectable } from '@nestjs/common';
import { PrismaService, type AuditLog, type Prisma } from '#db';

export interface AuditFilter {
  actorId?: string;
  action?: string;
  targetId?: string;
  since?: Date;
  until?: Date;
  afterId?: string;
  limit: number;
}

@Injectable()
export class AuditRepository {
  constructor(private readonly prisma: PrismaService) {}

  async insert(organizationId: string, row: Omit<Prisma.AuditLogUncheckedCreateInput, 'organizationId'>): Promise<void> {
    await this.prisma.db.auditLog.create({ data: { ...row, organizationId } });
  }

  list(organizationId: string, f: AuditFilter): Promise<AuditLog[]> {
    return this.prisma.db.auditLog.findMany({
      where: {
        organizationId,
        ...(f.actorId ? { actorId: f.actorId } : {}),
        ...(f.action ? { action: f.action } : {}),
        ...(f.targetId ? { targetId: f.targetId } : {}),
        ...(f.since || f.until ? { createdAt: { ...(f.since ? { gte: f.since } : {}), ...(f.until ? { lt: f.until } : {}) } } : {}),
        ...(f.afterId ? { id: { lt: f.afterId } } : {}),
      },
      orderBy: { id: 'desc' },
      take: f.limit + 1,
    });
  }
}
