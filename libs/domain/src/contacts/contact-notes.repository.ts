import { Injectable } from '@nestjs/common';
import { PrismaService, type ContactNote } from '#db';

@Injectable()
export class ContactNotesRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(organizationId: string, note: { id: string; contactId: string; body: string; authorKeyId: string | null }): Promise<ContactNote> {
    return this.prisma.db.contactNote.create({ data: { ...note, organizationId } });
  }

  list(organizationId: string, contactId: string, f: { beforeId?: string; limit: number }): Promise<ContactNote[]> {
    return this.prisma.db.contactNote.findMany({
      where: { organizationId, contactId, ...(f.beforeId ? { id: { lt: f.beforeId } } : {}) },
      orderBy: { id: 'desc' },
      take: f.limit + 1,
    });
  }
}
