import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService, type Conversation } from '#db';
import { escapeLike } from '../common/like-pattern.js';

export interface ConversationFilter {
  phoneNumberId?: string;
  status?: string;
  contactId?: string;
  /** Contact match: exact E.164, a run of phone digits, or a part of the name / profile name. */
  contactPhone?: string;
  contactDigits?: string;
  contactText?: string;
  since?: Date;
  until?: Date;
  /** Keyset cursor: rows strictly after (lastMessageAt, id) in newest-first order. */
  after?: { lastMessageAt: Date; id: string };
  limit: number;
}

export type ConversationPatch = Partial<Pick<Conversation, 'status' | 'assigneeId' | 'assigneeName' | 'unreadCount'>>;

@Injectable()
export class ConversationsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** One conversation per (number, contact): ON CONFLICT DO NOTHING; null when it already existed. */
  async insertIfAbsent(
    organizationId: string,
    c: { id: string; phoneNumberId: string; contactId: string; lastMessageAt: Date; lastMessagePreview: string | null },
  ): Promise<Conversation | null> {
    const rows = await this.prisma.db.conversation.createManyAndReturn({ data: [{ ...c, organizationId }], skipDuplicates: true });
    return rows[0] ?? null;
  }

  findById(organizationId: string, id: string): Promise<Conversation | null> {
    return this.prisma.db.conversation.findFirst({ where: { organizationId, id } });
  }

  findByKey(organizationId: string, phoneNumberId: string, contactId: string): Promise<Conversation | null> {
    return this.prisma.db.conversation.findFirst({ where: { organizationId, phoneNumberId, contactId } });
  }

  latestForContact(organizationId: string, contactId: string): Promise<Conversation | null> {
    return this.prisma.db.conversation.findFirst({ where: { organizationId, contactId }, orderBy: [{ lastMessageAt: 'desc' }, { id: 'desc' }] });
  }

  async update(organizationId: string, id: string, patch: ConversationPatch): Promise<Conversation | null> {
    const r = await this.prisma.db.conversation.updateMany({ where: { organizationId, id }, data: patch });
    return r.count === 1 ? this.findById(organizationId, id) : null;
  }

  /** An outbound message: the latest-message fields move forward only (messages may be recorded out of order). */
  async recordOutbound(organizationId: string, id: string, at: Date, preview: string | null): Promise<void> {
    await this.prisma.db.$executeRaw`
      UPDATE conversation SET
        last_message_preview = CASE WHEN last_message_at IS NULL OR last_message_at <= ${at} THEN ${preview} ELSE last_message_preview END,
        last_message_at = GREATEST(last_message_at, ${at}),
        updated_at = now()
      WHERE organization_id = ${organizationId} AND id = ${id}`;
  }

  /**
   * A new inbound message: the window runs from the latest inbound timestamp (inbound messages may be ingested out
   * of order), one more unread, and a resolved conversation reopens. One statement, so concurrent ingests add up.
   */
  async recordInbound(organizationId: string, id: string, at: Date, preview: string | null): Promise<void> {
    await this.prisma.db.$executeRaw`
      UPDATE conversation SET
        last_inbound_at = GREATEST(last_inbound_at, ${at}),
        window_expires_at = GREATEST(last_inbound_at, ${at}) + interval '24 hours', -- WINDOW_MS
        last_message_preview = CASE WHEN last_message_at IS NULL OR last_message_at <= ${at} THEN ${preview} ELSE last_message_preview END,
        last_message_at = GREATEST(last_message_at, ${at}),
        unread_count = unread_count + 1,
        status = CASE WHEN status = 'resolved' THEN 'open' ELSE status END,
        updated_at = now()
      WHERE organization_id = ${organizationId} AND id = ${id}`;
  }

  async list(organizationId: string, f: ConversationFilter): Promise<Conversation[]> {
    const conds: Prisma.Sql[] = [Prisma.sql`c.organization_id = ${organizationId}`];
    if (f.phoneNumberId) conds.push(Prisma.sql`c.phone_number_id = ${f.phoneNumberId}`);
    if (f.status) conds.push(Prisma.sql`c.status = ${f.status}`);
    if (f.contactId) conds.push(Prisma.sql`c.contact_id = ${f.contactId}`);
    if (f.since) conds.push(Prisma.sql`c.last_message_at >= ${f.since}`);
    if (f.until) conds.push(Prisma.sql`c.last_message_at < ${f.until}`);
    if (f.after) conds.push(Prisma.sql`(c.last_message_at, c.id) < (${f.after.lastMessageAt}, ${f.after.id})`);
    const match: Prisma.Sql[] = [];
    if (f.contactPhone) match.push(Prisma.sql`k.phone = ${f.contactPhone}`);
    if (f.contactDigits) match.push(Prisma.sql`k.phone LIKE ${`%${escapeLike(f.contactDigits)}%`}`);
    if (f.contactText) {
      const pattern = `%${escapeLike(f.contactText)}%`;
      match.push(Prisma.sql`k.name ILIKE ${pattern}`, Prisma.sql`k.profile_name ILIKE ${pattern}`);
    }
    if (match.length)
      conds.push(
        Prisma.sql`EXISTS (SELECT 1 FROM contact k WHERE k.organization_id = c.organization_id AND k.id = c.contact_id AND (${Prisma.join(match, ' OR ')}))`,
      );
    const ids = await this.prisma.db.$queryRaw<{ id: string }[]>(
      Prisma.sql`SELECT c.id FROM conversation c WHERE ${Prisma.join(conds, ' AND ')}
                 ORDER BY c.last_message_at DESC NULLS LAST, c.id DESC LIMIT ${f.limit + 1}`,
    );
    if (ids.length === 0) return [];
    const rows = await this.prisma.db.conversation.findMany({ where: { organizationId, id: { in: ids.map((r) => r.id) } } });
    const order = new Map(ids.map((r, i) => [r.id, i]));
    return rows.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  }
}
