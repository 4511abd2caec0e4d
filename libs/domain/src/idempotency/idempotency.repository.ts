import { Injectable } from '@nestjs/common';
import { PrismaService, type IdempotencyRecord } from '#db';

@Injectable()
export class IdempotencyRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Inserts an in-progress record; false when one already exists for (organization, key). */
  async tryInsert(organizationId: string, key: string, requestHash: string, expiresAt: Date): Promise<boolean> {
    const inserted = await this.prisma.db.$executeRaw`
      INSERT INTO idempotency_record (organization_id, key, request_hash, status, expires_at, created_at)
      VALUES (${organizationId}, ${key}, ${requestHash}, 'in_progress', ${expiresAt}, now())
      ON CONFLICT (organization_id, key) DO NOTHING`;
    return inserted === 1;
  }

  find(organizationId: string, key: string): Promise<IdempotencyRecord | null> {
    return this.prisma.db.idempotencyRecord.findUnique({ where: { organizationId_key: { organizationId, key } } });
  }

  /** Takes over an expired or abandoned record atomically (only if it is still the one we saw). */
  async replace(organizationId: string, key: string, seenCreatedAt: Date, requestHash: string, expiresAt: Date): Promise<boolean> {
    const r = await this.prisma.db.idempotencyRecord.updateMany({
      where: { organizationId, key, createdAt: seenCreatedAt },
      data: { requestHash, status: 'in_progress', responseStatus: null, responseBody: undefined, createdAt: new Date(), expiresAt },
    });
    return r.count === 1;
  }

  async complete(organizationId: string, key: string, status: number, body: unknown): Promise<void> {
    await this.prisma.db.idempotencyRecord.updateMany({
      where: { organizationId, key },
      data: { status: 'completed', responseStatus: status, responseBody: (body ?? null) as object },
    });
  }

  async remove(organizationId: string, key: string): Promise<void> {
    await this.prisma.db.idempotencyRecord.deleteMany({ where: { organizationId, key } });
  }

  /** Retention sweep (system). */
  async deleteExpired(now: Date): Promise<number> {
    const r = await this.prisma.db.idempotencyRecord.deleteMany({ where: { expiresAt: { lt: now } } });
    return r.count;
  }
}
