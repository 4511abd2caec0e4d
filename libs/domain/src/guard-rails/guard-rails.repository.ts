import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService } from '#db';
import { idFloor } from '../common/ids.js';

/**
 * The facts the guard rails decide on, read from PostgreSQL (exact across api replicas), and the transaction-level
 * advisory locks that make check-then-insert atomic: a second send to the same recipient, or a second send to a
 * new recipient, waits until the first one committed or rolled back.
 */
@Injectable()
export class GuardRailsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Serializes assistant sends to one recipient of one organization until the surrounding transaction ends. */
  async lockRecipient(organizationId: string, to: string): Promise<void> {
    await this.prisma.db.$executeRaw(
      Prisma.sql`SELECT pg_advisory_xact_lock(hashtext(${`mcp-recipient:${organizationId}`}), hashtext(${to}))`,
    );
  }

  /** Serializes assistant sends to new recipients of one organization until the surrounding transaction ends. */
  async lockNewRecipients(organizationId: string): Promise<void> {
    await this.prisma.db.$executeRaw(
      Prisma.sql`SELECT pg_advisory_xact_lock(hashtext(${`mcp-new-recipients:${organizationId}`}), 0)`,
    );
  }

  /** Creation times of assistant (MCP) messages to the contact since `since`, on any of the organization's numbers, oldest first. */
  async assistantSendTimes(organizationId: string, contactId: string, since: Date): Promise<Date[]> {
    const conversations = await this.prisma.db.conversation.findMany({
      where: { organizationId, contactId },
      select: { id: true },
    });
    if (conversations.length === 0) return [];
    const rows = await this.prisma.db.message.findMany({
      where: {
        organizationId,
        conversationId: { in: conversations.map((c) => c.id) },
        id: { gte: idFloor('message', since) },
        direction: 'outbound',
        source: 'mcp',
      },
      select: { createdAt: true },
      orderBy: { id: 'asc' },
    });
    return rows.map((r) => r.createdAt);
  }

  /** Whether the organization ever exchanged a message with the contact (a conversation exists only with messages). */
  async hasConversation(organizationId: string, contactId: string): Promise<boolean> {
    return (
      (await this.prisma.db.conversation.findFirst({ where: { organizationId, contactId }, select: { id: true } })) !==
      null
    );
  }

  /** Contacts whose very first message with the organization was an assistant send since `since`. */
  async countAssistantFirstContactsSince(organizationId: string, since: Date): Promise<number> {
    const rows = await this.prisma.db.$queryRaw<{ n: number }[]>(Prisma.sql`
      SELECT count(DISTINCT m.contact_id)::int AS n
        FROM message m
       WHERE m.organization_id = ${organizationId}
         AND m.id >= ${idFloor('message', since)}
         AND m.direction = 'outbound'
         AND m.source = 'mcp'
         AND NOT EXISTS (
               SELECT 1
                 FROM conversation c
                 JOIN message p ON p.organization_id = c.organization_id AND p.conversation_id = c.id
                WHERE c.organization_id = ${organizationId}
                  AND c.contact_id = m.contact_id
                  AND p.id < m.id)`);
    return rows[0]?.n ?? 0;
  }
}
