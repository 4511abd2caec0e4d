import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService, type Contact } from '#db';
import { escapeLike } from '../common/like-pattern.js';

export interface ErasureCounts {
  messages: number;
  conversations: number;
  notes: number;
  labels: number;
  media: number;
  broadcastRecipients: number;
  webhookDeliveries: number;
  auditRowsScrubbed: number;
}

/**
 * Everything stored about one contact, removed. Run inside one transaction (ContactErasureService); the order
 * matters only in that media ids and audit targets are read from the messages before those are deleted.
 */
@Injectable()
export class ContactErasureRepository {
  constructor(private readonly prisma: PrismaService) {}

  findContact(organizationId: string, id: string): Promise<Contact | null> {
    return this.prisma.db.contact.findFirst({ where: { organizationId, id } });
  }

  async erase(organizationId: string, contact: Contact): Promise<ErasureCounts> {
    const db = this.prisma.db;
    const contactId = contact.id;
    // Personal data in audit metadata (e.g. the number a message went to): the rows stay, their metadata goes.
    const auditRowsScrubbed = await db.$executeRaw(Prisma.sql`
      UPDATE audit_log SET metadata = '{"erased": true}'::jsonb
      WHERE organization_id = ${organizationId} AND target_id IN (
        SELECT ${contactId}
        UNION ALL SELECT id FROM message WHERE organization_id = ${organizationId} AND contact_id = ${contactId}
        UNION ALL SELECT id FROM conversation WHERE organization_id = ${organizationId} AND contact_id = ${contactId})`);
    // Media the contact sent us (ingest records our med_ id in the inbound message's body). Media the business
    // uploaded may be shared by many sends and is not the contact's: it stays, under the media retention.
    const mediaIds = await db.$queryRaw<{ id: string }[]>(Prisma.sql`
      SELECT DISTINCT content->>'media_id' AS id FROM message
      WHERE organization_id = ${organizationId} AND contact_id = ${contactId} AND direction = 'inbound' AND content ? 'media_id'`);
    const media = mediaIds.length
      ? (
          await db.media.deleteMany({
            where: { organizationId, id: { in: mediaIds.map((m) => m.id).filter(Boolean) } },
          })
        ).count
      : 0;
    const messages = (await db.message.deleteMany({ where: { organizationId, contactId } })).count;
    const conversations = (await db.conversation.deleteMany({ where: { organizationId, contactId } })).count;
    const notes = (await db.contactNote.deleteMany({ where: { organizationId, contactId } })).count;
    const labels = (await db.contactLabel.deleteMany({ where: { organizationId, contactId } })).count;
    const broadcastRecipients = (
      await db.broadcastRecipient.deleteMany({
        where: {
          organizationId,
          OR: [{ contactId }, ...(contact.phone ? [{ to: contact.phone, contactId: null }] : [])],
        },
      })
    ).count;
    const webhookDeliveries = await this.deleteWebhookDeliveriesNaming(organizationId, contactId);
    await db.contact.deleteMany({ where: { organizationId, id: contactId } });
    return { messages, conversations, notes, labels, media, broadcastRecipients, webhookDeliveries, auditRowsScrubbed };
  }

  /** Customer webhook deliveries whose event names the contact (message, conversation and contact events all do). */
  private async deleteWebhookDeliveriesNaming(organizationId: string, contactId: string): Promise<number> {
    const pattern = `%"${escapeLike(contactId)}"%`;
    const rows = await this.prisma.db.$queryRaw<{ id: string }[]>(Prisma.sql`
      SELECT id FROM webhook_delivery WHERE organization_id = ${organizationId} AND payload::text LIKE ${pattern}`);
    if (rows.length === 0) return 0;
    const ids = rows.map((r) => r.id);
    await this.prisma.db.webhookDeliveryAttempt.deleteMany({ where: { organizationId, deliveryId: { in: ids } } });
    return (await this.prisma.db.webhookDelivery.deleteMany({ where: { organizationId, id: { in: ids } } })).count;
  }

  /**
   * Processed raw Meta payloads (a system table) that name the contact's WhatsApp id and one of the organization's
   * numbers. Pending ones are left to ingest (which would recreate the contact from them, as a new message would).
   */
  async deleteRawPayloadsNaming(organizationId: string, identity: string): Promise<number> {
    const numbers = await this.prisma.db.phoneNumber.findMany({
      where: { organizationId },
      select: { metaPhoneNumberId: true },
    });
    if (numbers.length === 0) return 0;
    const who = `%"${escapeLike(identity)}"%`;
    const ours = numbers.map((n) => Prisma.sql`payload::text LIKE ${`%"${escapeLike(n.metaPhoneNumberId)}"%`}`);
    return this.prisma.db.$executeRaw(Prisma.sql`
      DELETE FROM inbound_event
      WHERE status IN ('processed', 'failed') AND payload::text LIKE ${who} AND (${Prisma.join(ours, ' OR ')})`);
  }
}
