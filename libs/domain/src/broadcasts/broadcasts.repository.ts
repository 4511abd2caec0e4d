import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService, type Broadcast, type BroadcastRecipient, type Template } from '#db';
import type { CountGroup } from './broadcast-rules.js';

export type NewBroadcast = Omit<Prisma.BroadcastUncheckedCreateInput, 'organizationId' | 'createdAt' | 'updatedAt'> & {
  id: string;
};
export type BroadcastPatch = Omit<Prisma.BroadcastUncheckedUpdateManyInput, 'id' | 'organizationId'>;
export type RecipientPatch = Pick<
  Prisma.BroadcastRecipientUncheckedUpdateManyInput,
  'status' | 'messageId' | 'contactId' | 'skipReason'
>;

export interface NewRecipient {
  id: string;
  to: string;
  parameters: Prisma.InputJsonValue;
}

/** A recipient with what its message says (null until the message exists). */
export interface RecipientRow {
  id: string;
  broadcastId: string;
  to: string;
  contactId: string | null;
  parameters: unknown;
  status: string;
  skipReason: string | null;
  messageId: string | null;
  createdAt: Date;
  messageStatus: string | null;
  errorCode: string | null;
  sentAt: Date | null;
  deliveredAt: Date | null;
  readAt: Date | null;
  failedAt: Date | null;
  replied: boolean;
}

/** Message statuses that have not reached Meta yet: a broadcast's "in flight" share of the delivery queue. */
const IN_FLIGHT = ['queued', 'sending'];

/**
 * A recipient replied when an inbound message reached the same conversation after its broadcast message was sent
 * (our clock: when we stored the inbound message).
 */
const REPLIED = Prisma.sql`coalesce(m.status IN ('sent', 'delivered', 'read') AND EXISTS (
  SELECT 1 FROM message i
  WHERE i.organization_id = m.organization_id AND i.conversation_id = m.conversation_id AND i.direction = 'inbound'
    AND i.created_at > coalesce(m.sent_at, m.delivered_at, m.read_at)), false)`;

/** SQL of the status a recipient shows (see recipientStatus in broadcast-rules). */
const EFFECTIVE_STATUS = Prisma.sql`(CASE WHEN r.status <> 'queued' THEN r.status
  WHEN m.status IN ('sent', 'delivered', 'read', 'failed', 'canceled') THEN m.status ELSE 'queued' END)`;

@Injectable()
export class BroadcastsRepository {
  constructor(private readonly prisma: PrismaService) {}

  insert(organizationId: string, b: NewBroadcast): Promise<Broadcast> {
    return this.prisma.db.broadcast.create({ data: { ...b, organizationId } });
  }

  findById(organizationId: string, id: string): Promise<Broadcast | null> {
    return this.prisma.db.broadcast.findFirst({ where: { organizationId, id } });
  }

  list(organizationId: string, f: { status?: string; beforeId?: string; limit: number }): Promise<Broadcast[]> {
    return this.prisma.db.broadcast.findMany({
      where: {
        organizationId,
        ...(f.status ? { status: f.status } : {}),
        ...(f.beforeId ? { id: { lt: f.beforeId } } : {}),
      },
      orderBy: { id: 'desc' },
      take: f.limit + 1,
    });
  }

  /** Compare-and-set on the broadcast's status. */
  async transition(
    organizationId: string,
    id: string,
    from: readonly string[],
    patch: BroadcastPatch,
  ): Promise<boolean> {
    const r = await this.prisma.db.broadcast.updateMany({
      where: { organizationId, id, status: { in: [...from] } },
      data: patch,
    });
    return r.count === 1;
  }

  findTemplateById(organizationId: string, id: string): Promise<Template | null> {
    return this.prisma.db.template.findFirst({ where: { organizationId, id } });
  }

  findTemplate(organizationId: string, wabaId: string, name: string, language: string): Promise<Template | null> {
    return this.prisma.db.template.findFirst({ where: { organizationId, wabaId, name, language } });
  }

  /** Inserts the recipients not in the broadcast yet (ON CONFLICT DO NOTHING on (broadcast, to)); returns the inserted. */
  insertRecipients(
    organizationId: string,
    broadcastId: string,
    rows: NewRecipient[],
  ): Promise<Pick<BroadcastRecipient, 'id' | 'to'>[]> {
    if (rows.length === 0) return Promise.resolve([]);
    return this.prisma.db.broadcastRecipient.createManyAndReturn({
      data: rows.map((r) => ({ ...r, organizationId, broadcastId })),
      skipDuplicates: true,
      select: { id: true, to: true },
    });
  }

  countRecipients(organizationId: string, broadcastId: string, status?: string): Promise<number> {
    return this.prisma.db.broadcastRecipient.count({
      where: { organizationId, broadcastId, ...(status ? { status } : {}) },
    });
  }

  /** The next recipients to send to, in the order they were added. */
  pendingRecipients(organizationId: string, broadcastId: string, limit: number): Promise<BroadcastRecipient[]> {
    if (limit <= 0) return Promise.resolve([]);
    return this.prisma.db.broadcastRecipient.findMany({
      where: { organizationId, broadcastId, status: 'pending' },
      orderBy: { id: 'asc' },
      take: limit,
    });
  }

  /** Compare-and-set `pending → …`: false when the recipient was canceled (or handled) meanwhile. */
  async claimRecipient(organizationId: string, id: string, patch: RecipientPatch): Promise<boolean> {
    const r = await this.prisma.db.broadcastRecipient.updateMany({
      where: { organizationId, id, status: 'pending' },
      data: patch,
    });
    return r.count === 1;
  }

  async updatePendingRecipients(organizationId: string, broadcastId: string, patch: RecipientPatch): Promise<number> {
    const r = await this.prisma.db.broadcastRecipient.updateMany({
      where: { organizationId, broadcastId, status: 'pending' },
      data: patch,
    });
    return r.count;
  }

  /** The broadcast's messages not at Meta yet. */
  countInFlight(organizationId: string, broadcastId: string): Promise<number> {
    return this.prisma.db.message.count({ where: { organizationId, broadcastId, status: { in: IN_FLIGHT } } });
  }

  /** Cancels the broadcast's messages no worker has claimed yet (compare-and-set on `queued`); returns their ids. */
  async cancelQueuedMessages(organizationId: string, broadcastId: string, at: Date): Promise<string[]> {
    const rows = await this.prisma.db.message.updateManyAndReturn({
      where: { organizationId, broadcastId, status: 'queued' },
      data: { status: 'canceled', canceledAt: at, nextAttemptAt: null },
      select: { id: true },
    });
    return rows.map((r) => r.id);
  }

  /** Recipients grouped by their own status, their message's status and whether they replied (see deriveCounts). */
  async countGroups(organizationId: string, broadcastIds: string[]): Promise<Map<string, CountGroup[]>> {
    const out = new Map<string, CountGroup[]>(broadcastIds.map((id) => [id, []]));
    if (broadcastIds.length === 0) return out;
    const rows = await this.prisma.db.$queryRaw<
      { broadcast_id: string; rs: string; ms: string | null; replied: boolean; n: number }[]
    >(Prisma.sql`
      SELECT broadcast_id, rs, ms, replied, count(*)::int AS n FROM (
        SELECT r.broadcast_id, r.status AS rs, m.status AS ms, ${REPLIED} AS replied
        FROM broadcast_recipient r
        LEFT JOIN message m ON m.organization_id = r.organization_id AND m.id = r.message_id
        WHERE r.organization_id = ${organizationId} AND r.broadcast_id IN (${Prisma.join(broadcastIds)})
      ) x
      GROUP BY 1, 2, 3, 4`);
    for (const r of rows)
      out.get(r.broadcast_id)?.push({ recipientStatus: r.rs, messageStatus: r.ms, replied: r.replied, n: Number(r.n) });
    return out;
  }

  async listRecipients(
    organizationId: string,
    broadcastId: string,
    f: { status?: string; afterId?: string; limit: number },
  ): Promise<RecipientRow[]> {
    const conds = [Prisma.sql`r.organization_id = ${organizationId}`, Prisma.sql`r.broadcast_id = ${broadcastId}`];
    if (f.afterId) conds.push(Prisma.sql`r.id > ${f.afterId}`);
    if (f.status) conds.push(Prisma.sql`${EFFECTIVE_STATUS} = ${f.status}`);
    return this.prisma.db.$queryRaw<RecipientRow[]>(Prisma.sql`
      SELECT r.id, r.broadcast_id AS "broadcastId", r."to", r.contact_id AS "contactId", r.parameters, r.status,
        r.skip_reason AS "skipReason", r.message_id AS "messageId", r.created_at AS "createdAt",
        m.status AS "messageStatus", m.error_code AS "errorCode", m.sent_at AS "sentAt", m.delivered_at AS "deliveredAt",
        m.read_at AS "readAt", m.failed_at AS "failedAt", ${REPLIED} AS replied
      FROM broadcast_recipient r
      LEFT JOIN message m ON m.organization_id = r.organization_id AND m.id = r.message_id
      WHERE ${Prisma.join(conds, ' AND ')}
      ORDER BY r.id ASC
      LIMIT ${f.limit + 1}`);
  }

  /** Sweep (system, across organizations): broadcasts being sent, whose job may have been lost with Redis or a crash. */
  findSendingForSystem(limit: number): Promise<Pick<Broadcast, 'id' | 'organizationId'>[]> {
    return this.prisma.db.broadcast.findMany({
      where: { status: 'sending' },
      select: { id: true, organizationId: true },
      orderBy: { id: 'asc' },
      take: limit,
    });
  }
}
