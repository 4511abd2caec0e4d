import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService, type Message } from '#db';
import { escapeLike } from '../common/like-pattern.js';

export type NewMessage = Omit<Prisma.MessageUncheckedCreateInput, 'organizationId' | 'createdAt' | 'updatedAt'> & { id: string };

export type MessagePatch = Omit<Prisma.MessageUncheckedUpdateManyInput, 'id' | 'organizationId'>;

export interface MessageFilter {
  conversationId?: string;
  contactId?: string;
  direction?: string;
  status?: string;
  since?: Date;
  until?: Date;
  /** Full-text (PostgreSQL `simple` configuration) over `body`, or a case-insensitive substring of it. */
  q?: string;
  beforeId?: string;
  limit: number;
}

@Injectable()
export class MessagesRepository {
  constructor(private readonly prisma: PrismaService) {}

  insert(organizationId: string, m: NewMessage): Promise<Message> {
    return this.prisma.db.message.create({ data: { ...m, organizationId } });
  }

  /**
   * Inbound messages are stored once: the (phone_number_id, wamid) unique index decides (ON CONFLICT DO NOTHING,
   * which does not abort the transaction). Null when the wamid was already stored.
   */
  async insertIfNew(organizationId: string, m: NewMessage): Promise<Message | null> {
    const rows = await this.prisma.db.message.createManyAndReturn({ data: [{ ...m, organizationId }], skipDuplicates: true });
    return rows[0] ?? null;
  }

  findById(organizationId: string, id: string): Promise<Message | null> {
    return this.prisma.db.message.findFirst({ where: { organizationId, id } });
  }

  findByWamid(organizationId: string, phoneNumberId: string, wamid: string): Promise<Message | null> {
    return this.prisma.db.message.findFirst({ where: { organizationId, phoneNumberId, wamid } });
  }

  /** Compare-and-set: applies `patch` only while the row is in one of `from`. True when it did. */
  async transition(organizationId: string, id: string, from: readonly string[], patch: MessagePatch, extra: Prisma.MessageWhereInput = {}): Promise<boolean> {
    const r = await this.prisma.db.message.updateMany({ where: { ...extra, organizationId, id, status: { in: [...from] } }, data: patch });
    return r.count === 1;
  }

  /**
   * `transition`, answering the row exactly as this update left it (one statement): a re-read could already show a
   * concurrent update's later move. Null when the row was not in one of `from`.
   */
  async transitionReturning(organizationId: string, id: string, from: readonly string[], patch: MessagePatch): Promise<Message | null> {
    const rows = await this.prisma.db.message.updateManyAndReturn({ where: { organizationId, id, status: { in: [...from] } }, data: patch });
    return rows[0] ?? null;
  }

  /** An earlier outbound message of the same conversation that has not reached Meta yet (per-recipient order). */
  findEarlierUnsent(organizationId: string, conversationId: string, id: string): Promise<Message | null> {
    return this.prisma.db.message.findFirst({
      where: { organizationId, conversationId, id: { lt: id }, direction: 'outbound', status: { in: ['queued', 'sending'] } },
      orderBy: { id: 'desc' },
    });
  }

  /** The newest messages of a conversation or a contact, newest first. */
  recent(organizationId: string, where: { conversationId?: string; contactId?: string }, limit: number): Promise<Message[]> {
    if (limit <= 0) return Promise.resolve([]);
    return this.prisma.db.message.findMany({ where: { organizationId, ...where }, orderBy: { id: 'desc' }, take: limit });
  }

  latestInbound(organizationId: string, conversationId: string): Promise<Message | null> {
    return this.prisma.db.message.findFirst({
      where: { organizationId, conversationId, direction: 'inbound', wamid: { not: null } },
      orderBy: { id: 'desc' },
    });
  }

  /** Inbound messages up to `upToId` that were not read yet: read now (Meta marks earlier messages read too). */
  async markInboundRead(organizationId: string, conversationId: string, upToId: string, at: Date): Promise<number> {
    const r = await this.prisma.db.message.updateMany({
      where: { organizationId, conversationId, direction: 'inbound', readAt: null, id: { lte: upToId } },
      data: { readAt: at },
    });
    return r.count;
  }

  async list(organizationId: string, f: MessageFilter): Promise<Message[]> {
    const where: Prisma.MessageWhereInput = {
      organizationId,
      ...(f.conversationId ? { conversationId: f.conversationId } : {}),
      ...(f.contactId ? { contactId: f.contactId } : {}),
      ...(f.direction ? { direction: f.direction } : {}),
      ...(f.status ? { status: f.status } : {}),
      ...(f.since || f.until ? { createdAt: { ...(f.since ? { gte: f.since } : {}), ...(f.until ? { lt: f.until } : {}) } } : {}),
      ...(f.beforeId ? { id: { lt: f.beforeId } } : {}),
    };
    if (!f.q) return this.prisma.db.message.findMany({ where, orderBy: { id: 'desc' }, take: f.limit + 1 });
    const ids = await this.searchIds(organizationId, f);
    if (ids.length === 0) return [];
    const rows = await this.prisma.db.message.findMany({ where: { organizationId, id: { in: ids } } });
    return rows.sort((a, b) => (a.id < b.id ? 1 : -1));
  }

  /** Full text needs SQL Prisma cannot express; the page of ids comes from here, the rows from Prisma. */
  private async searchIds(organizationId: string, f: MessageFilter): Promise<string[]> {
    const conds: Prisma.Sql[] = [Prisma.sql`m.organization_id = ${organizationId}`];
    if (f.conversationId) conds.push(Prisma.sql`m.conversation_id = ${f.conversationId}`);
    if (f.contactId) conds.push(Prisma.sql`m.contact_id = ${f.contactId}`);
    if (f.direction) conds.push(Prisma.sql`m.direction = ${f.direction}`);
    if (f.status) conds.push(Prisma.sql`m.status = ${f.status}`);
    if (f.since) conds.push(Prisma.sql`m.created_at >= ${f.since}`);
    if (f.until) conds.push(Prisma.sql`m.created_at < ${f.until}`);
    if (f.beforeId) conds.push(Prisma.sql`m.id < ${f.beforeId}`);
    const pattern = `%${escapeLike(f.q!)}%`;
    conds.push(
      Prisma.sql`(to_tsvector('simple', coalesce(m.body, '')) @@ plainto_tsquery('simple', ${f.q}) OR m.body ILIKE ${pattern})`,
    );
    const rows = await this.prisma.db.$queryRaw<{ id: string }[]>(
      Prisma.sql`SELECT m.id FROM message m WHERE ${Prisma.join(conds, ' AND ')} ORDER BY m.id DESC LIMIT ${f.limit + 1}`,
    );
    return rows.map((r) => r.id);
  }

  // System sweeps: across organizations by design (recovery after a crash or a Redis loss), using the
  // (status, updated_at) index. Every row they return carries its organizationId for the follow-up calls.

  /** `queued` rows that are due (no retry delay pending) and were last touched before `touchedBefore`. */
  findQueuedDueForSystem(now: Date, touchedBefore: Date, limit: number): Promise<Pick<Message, 'id' | 'organizationId' | 'source'>[]> {
    return this.prisma.db.message.findMany({
      where: { status: 'queued', updatedAt: { lt: touchedBefore }, OR: [{ nextAttemptAt: null }, { nextAttemptAt: { lte: now } }] },
      select: { id: true, organizationId: true, source: true },
      orderBy: { id: 'asc' },
      take: limit,
    });
  }

  /** `sending` rows claimed before `claimedBefore` with no wamid recorded: the worker died around the Graph call. */
  findStaleSendingForSystem(claimedBefore: Date, limit: number): Promise<Pick<Message, 'id' | 'organizationId' | 'sendingAt'>[]> {
    return this.prisma.db.message.findMany({
      where: { status: 'sending', wamid: null, sendingAt: { lt: claimedBefore } },
      select: { id: true, organizationId: true, sendingAt: true },
      orderBy: { id: 'asc' },
      take: limit,
    });
  }

  /** `scheduled` rows whose send_at is at or before `until` (due ones, and those due before the next sweep). */
  findScheduledDueForSystem(until: Date, limit: number): Promise<Pick<Message, 'id' | 'organizationId' | 'sendAt'>[]> {
    return this.prisma.db.message.findMany({
      where: { status: 'scheduled', sendAt: { lte: until } },
      select: { id: true, organizationId: true, sendAt: true },
      orderBy: { sendAt: 'asc' },
      take: limit,
    });
  }
}
