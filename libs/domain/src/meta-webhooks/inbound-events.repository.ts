import { Injectable } from '@nestjs/common';
import { PrismaService, type InboundEvent, type Prisma } from '#db';

/**
 * Raw Meta webhook payloads. A system table: a payload is stored before we know whose it is (it may name several
 * numbers of several organizations), so there is no organizationId here; ingest resolves each change's owner.
 */
@Injectable()
export class InboundEventsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** One statement for many payloads (the receiver's group commit). */
  async insertManyForSystem(rows: Array<{ id: string; payload: Prisma.InputJsonValue }>): Promise<void> {
    await this.prisma.db.inboundEvent.createMany({ data: rows });
  }

  /** Counts an attempt at a pending event and returns it; null when it is gone or no longer pending. One statement. */
  async beginAttemptForSystem(id: string): Promise<InboundEvent | null> {
    const [row] = await this.prisma.db.inboundEvent.updateManyAndReturn({ where: { id, status: 'pending' }, data: { attempts: { increment: 1 } } });
    return row ?? null;
  }

  async finishForSystem(id: string, status: 'processed' | 'failed', note: string | null): Promise<boolean> {
    const r = await this.prisma.db.inboundEvent.updateMany({
      where: { id, status: 'pending' },
      data: { status, error: note ? note.slice(0, 2000) : null, processedAt: new Date() },
    });
    return r.count === 1;
  }

  findPendingForSystem(receivedBefore: Date, limit: number): Promise<Pick<InboundEvent, 'id'>[]> {
    return this.prisma.db.inboundEvent.findMany({
      where: { status: 'pending', receivedAt: { lt: receivedBefore } },
      select: { id: true },
      orderBy: { receivedAt: 'asc' },
      take: limit,
    });
  }
}
