import { Injectable } from '@nestjs/common';
import { PrismaService, type Label } from '#db';

@Injectable()
export class LabelsRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(organizationId: string, row: { id: string; name: string; color: string }): Promise<Label> {
    return this.prisma.db.label.create({ data: { ...row, organizationId } });
  }

  list(organizationId: string): Promise<Label[]> {
    return this.prisma.db.label.findMany({ where: { organizationId }, orderBy: { name: 'asc' } });
  }

  findById(organizationId: string, id: string): Promise<Label | null> {
    return this.prisma.db.label.findFirst({ where: { organizationId, id } });
  }

  findByName(organizationId: string, name: string): Promise<Label | null> {
    return this.prisma.db.label.findFirst({ where: { organizationId, name: { equals: name, mode: 'insensitive' } } });
  }

  update(organizationId: string, id: string, data: { name?: string; color?: string }): Promise<Label> {
    return this.prisma.db.label.update({ where: { id, organizationId }, data });
  }

  async delete(organizationId: string, id: string): Promise<void> {
    await this.prisma.db.contactLabel.deleteMany({ where: { organizationId, labelId: id } });
    await this.prisma.db.label.deleteMany({ where: { organizationId, id } });
  }

  /** Which of these contact ids exist in the organization. */
  async existingContactIds(organizationId: string, ids: string[]): Promise<Set<string>> {
    const rows = await this.prisma.db.contact.findMany({ where: { organizationId, id: { in: ids } }, select: { id: true } });
    return new Set(rows.map((r) => r.id));
  }

  async linkedContactIds(organizationId: string, labelId: string, contactIds: string[]): Promise<Set<string>> {
    const rows = await this.prisma.db.contactLabel.findMany({ where: { organizationId, labelId, contactId: { in: contactIds } }, select: { contactId: true } });
    return new Set(rows.map((r) => r.contactId));
  }

  /** Inserts missing links; returns how many were new. */
  async attach(organizationId: string, labelId: string, contactIds: string[]): Promise<number> {
    const r = await this.prisma.db.contactLabel.createMany({
      data: contactIds.map((contactId) => ({ organizationId, labelId, contactId })),
      skipDuplicates: true,
    });
    return r.count;
  }

  async detach(organizationId: string, labelId: string, contactIds: string[]): Promise<number> {
    const r = await this.prisma.db.contactLabel.deleteMany({ where: { organizationId, labelId, contactId: { in: contactIds } } });
    return r.count;
  }

  async labelsOfContact(organizationId: string, contactId: string): Promise<Label[]> {
    const links = await this.prisma.db.contactLabel.findMany({ where: { organizationId, contactId }, select: { labelId: true } });
    if (!links.length) return [];
    return this.prisma.db.label.findMany({ where: { organizationId, id: { in: links.map((l) => l.labelId) } }, orderBy: { name: 'asc' } });
  }
}
