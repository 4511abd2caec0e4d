import { Injectable } from '@nestjs/common';
import { PrismaService, type Contact, type Prisma } from '#db';
import { escapeLike } from '../common/like-pattern.js';

export interface NewContact {
  id: string;
  waId?: string | null;
  phone?: string | null;
  userId?: string | null;
  name?: string | null;
  profileName?: string | null;
  email?: string | null;
  metadata?: Prisma.InputJsonValue;
}

export interface ContactFilter {
  phone?: string;
  search?: string;
  beforeId?: string;
  limit: number;
}

export type ContactPatch = Partial<
  Pick<Contact, 'name' | 'email' | 'profileName' | 'waId' | 'phone' | 'userId' | 'optedOut' | 'optedOutAt'> & { metadata: Prisma.InputJsonValue }
>;

@Injectable()
export class ContactsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Inserts unless a contact with the same wa_id or user_id exists (ON CONFLICT DO NOTHING: a conflict does not
   * abort the surrounding transaction). Returns the new row, or null when one already existed.
   */
  async insertIfAbsent(organizationId: string, c: NewContact): Promise<Contact | null> {
    const rows = await this.prisma.db.contact.createManyAndReturn({ data: [{ ...c, organizationId }], skipDuplicates: true });
    return rows[0] ?? null;
  }

  findById(organizationId: string, id: string): Promise<Contact | null> {
    return this.prisma.db.contact.findFirst({ where: { organizationId, id } });
  }

  findByIds(organizationId: string, ids: string[]): Promise<Contact[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.prisma.db.contact.findMany({ where: { organizationId, id: { in: ids } } });
  }

  findByWaId(organizationId: string, waId: string): Promise<Contact | null> {
    return this.prisma.db.contact.findFirst({ where: { organizationId, waId } });
  }

  findByUserId(organizationId: string, userId: string): Promise<Contact | null> {
    return this.prisma.db.contact.findFirst({ where: { organizationId, userId } });
  }

  /** Null when the contact does not exist in this organization. */
  async update(organizationId: string, id: string, patch: ContactPatch): Promise<Contact | null> {
    const r = await this.prisma.db.contact.updateMany({ where: { organizationId, id }, data: patch });
    return r.count === 1 ? this.findById(organizationId, id) : null;
  }

  list(organizationId: string, f: ContactFilter): Promise<Contact[]> {
    const and: Prisma.ContactWhereInput[] = [];
    if (f.phone) and.push({ phone: f.phone });
    if (f.search) {
      // Prisma's `contains` passes % and _ through as LIKE wildcards: a search for "50%" must not match "500".
      const s = escapeLike(f.search);
      const or: Prisma.ContactWhereInput[] = [
        { name: { contains: s, mode: 'insensitive' } },
        { profileName: { contains: s, mode: 'insensitive' } },
        { email: { contains: s, mode: 'insensitive' } },
      ];
      const digits = f.search.replace(/\D/g, '');
      if (digits.length >= 3 && /^[+\d\s().-]+$/.test(f.search)) or.push({ phone: { contains: digits } });
      and.push({ OR: or });
    }
    if (f.beforeId) and.push({ id: { lt: f.beforeId } });
    return this.prisma.db.contact.findMany({ where: { organizationId, AND: and }, orderBy: { id: 'desc' }, take: f.limit + 1 });
  }
}
