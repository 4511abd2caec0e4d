import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService } from '#db';

/**
 * Bounded deletions for the retention job: each call removes at most `limit` rows (oldest first within the
 * organization's index), so a large backlog is worked off over several short statements instead of one long lock.
 */
@Injectable()
export class RetentionRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Finished deliveries created before `before`, with their attempts. Pending ones are still being retried: kept. */
  async deleteWebhookDeliveries(organizationId: string, before: Date, limit: number): Promise<number> {
    return this.prisma.transaction(async () => {
      const rows = await this.prisma.db.webhookDelivery.findMany({
        where: { organizationId, createdAt: { lt: before }, status: { not: 'pending' } },
        select: { id: true },
        orderBy: { createdAt: 'asc' },
        take: limit,
      });
      if (rows.length === 0) return 0;
      const ids = rows.map((r) => r.id);
      await this.prisma.db.webhookDeliveryAttempt.deleteMany({ where: { organizationId, deliveryId: { in: ids } } });
      const r = await this.prisma.db.webhookDelivery.deleteMany({ where: { organizationId, id: { in: ids } } });
      return r.count;
    });
  }

  /** Drops the bytes of media created before `before`; the row stays (status `deleted`) for the messages naming it. */
  async eraseMediaBytes(organizationId: string, before: Date, limit: number): Promise<number> {
    return this.prisma.db.$executeRaw(Prisma.sql`
      UPDATE media SET data = NULL, status = 'deleted', error = 'removed by the retention policy'
      WHERE id IN (
        SELECT id FROM media
        WHERE organization_id = ${organizationId} AND created_at < ${before} AND status <> 'deleted'
        ORDER BY created_at LIMIT ${limit})`);
  }

  async deleteAuditLogs(organizationId: string, before: Date, limit: number): Promise<number> {
    return this.prisma.db.$executeRaw(Prisma.sql`
      DELETE FROM audit_log WHERE id IN (
        SELECT id FROM audit_log WHERE organization_id = ${organizationId} AND created_at < ${before}
        ORDER BY created_at LIMIT ${limit})`);
  }

  /** System table (no tenant): processed or failed raw payloads received before `before`; pending ones are kept. */
  async deleteInboundEventsForSystem(before: Date, limit: number): Promise<number> {
    return this.prisma.db.$executeRaw(Prisma.sql`
      DELETE FROM inbound_event WHERE id IN (
        SELECT id FROM inbound_event WHERE status IN ('processed', 'failed') AND received_at < ${before}
        ORDER BY received_at LIMIT ${limit})`);
  }

  /** Expired idempotency records (system): their 24 h are over, so no retry can replay them any more. */
  async deleteExpiredIdempotencyForSystem(now: Date, limit: number): Promise<number> {
    return this.prisma.db.$executeRaw(Prisma.sql`
      DELETE FROM idempotency_record WHERE (organization_id, key) IN (
        SELECT organization_id, key FROM idempotency_record WHERE expires_at < ${now} LIMIT ${limit})`);
  }
}
