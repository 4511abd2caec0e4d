import { Injectable } from '@nestjs/common';
import { PrismaService, type Contact, type ContactNote, type Prisma } from '#db';
import { AppError } from '../common/app-error.js';
import { newId } from '../common/ids.js';
import { decodeCursor, toPage, type ListResult } from '../common/pagination.js';
import { normalizePhone, toWaId } from '../common/phone.js';
import type { TenantContext } from '../common/tenant-context.js';
import { AuditService } from '../audit/audit.service.js';
import { DomainEvents } from '../events/domain-events.js';
import { ContactNotesRepository } from './contact-notes.repository.js';
import { presentContact } from './contact.presenter.js';
import { ContactsRepository, type ContactPatch } from './contacts.repository.js';
import type { CreateContactDto } from './dto/create-contact.dto.js';
import type { CreateContactNoteDto } from './dto/create-contact-note.dto.js';
import type { ListContactNotesDto } from './dto/list-contact-notes.dto.js';
import type { ListContactsDto } from './dto/list-contacts.dto.js';
import type { UpdateContactDto } from './dto/update-contact.dto.js';
import { metadataProblem } from './dto/metadata.validator.js';
import { mergeMetadata, withoutNulls } from './contact-metadata.js';

/** What an identity upsert did, so the caller can emit contact.created / contact.updated after its commit. */
export interface ContactResolution {
  contact: Contact;
  created: boolean;
  /** Fields that changed on an existing contact (empty when nothing did). */
  changes: string[];
}

/** Who wrote to us, as a Meta webhook names them. `waId` may be empty for username-only users (2026+). */
export interface InboundIdentity {
  waId?: string | null;
  userId?: string | null;
  profileName?: string | null;
}

@Injectable()
export class ContactsService {
  constructor(
    private readonly repo: ContactsRepository,
    private readonly notes: ContactNotesRepository,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
    private readonly prisma: PrismaService,
  ) {}

  async create(ctx: TenantContext, input: CreateContactDto): Promise<Contact> {
    const phone = input.phone ? normalizePhone(input.phone, 'phone') : null;
    const userId = input.user_id ?? null;
    if (!phone && !userId) throw AppError.validation('phone', 'phone or user_id is required.');
    const contact = await this.prisma.transaction(async () => {
      const row = await this.repo.insertIfAbsent(ctx.organizationId, {
        id: newId('contact'),
        phone,
        waId: phone ? toWaId(phone) : null,
        userId,
        name: input.name ?? null,
        email: input.email ?? null,
        metadata: withoutNulls(input.metadata ?? {}),
      });
      if (!row) {
        const existing = (phone && (await this.repo.findByWaId(ctx.organizationId, toWaId(phone)))) || (userId && (await this.repo.findByUserId(ctx.organizationId, userId)));
        throw new AppError('already_exists', 'A contact with this phone or user_id already exists.', {
          param: phone ? 'phone' : 'user_id',
          ...(existing ? { contact_id: existing.id } : {}),
        });
      }
      await this.audit.record(ctx, { action: 'contact.created', targetType: 'contact', targetId: row.id });
      return row;
    });
    await this.events.emit(ctx.organizationId, 'contact.created', { contact: presentContact(contact) });
    return contact;
  }

  async get(ctx: TenantContext, id: string): Promise<Contact> {
    const contact = await this.repo.findById(ctx.organizationId, id);
    if (!contact) throw AppError.notFound('contact', id);
    return contact;
  }

  /** Contacts by id, for presenting lists of messages or conversations (unknown ids are skipped). */
  async getMany(ctx: TenantContext, ids: string[]): Promise<Map<string, Contact>> {
    const rows = await this.repo.findByIds(ctx.organizationId, [...new Set(ids)]);
    return new Map(rows.map((c) => [c.id, c]));
  }

  async update(ctx: TenantContext, id: string, input: UpdateContactDto): Promise<Contact> {
    const { contact, changes } = await this.prisma.transaction(async () => {
      const current = await this.get(ctx, id);
      const patch: ContactPatch = {};
      const changed: string[] = [];
      if (input.name !== undefined && input.name !== current.name) {
        patch.name = input.name;
        changed.push('name');
      }
      if (input.email !== undefined && input.email !== current.email) {
        patch.email = input.email;
        changed.push('email');
      }
      if (input.metadata !== undefined) {
        const merged = mergeMetadata(current.metadata as Record<string, unknown>, input.metadata);
        const problem = metadataProblem(merged);
        if (problem) throw AppError.validation('metadata', `metadata after the merge ${problem}.`);
        if (JSON.stringify(merged) !== JSON.stringify(current.metadata)) {
          patch.metadata = merged as Prisma.InputJsonValue;
          changed.push('metadata');
        }
      }
      if (changed.length === 0) return { contact: current, changes: changed };
      const updated = await this.repo.update(ctx.organizationId, id, patch);
      if (!updated) throw AppError.notFound('contact', id);
      await this.audit.record(ctx, { action: 'contact.updated', targetType: 'contact', targetId: id, metadata: { changes: changed } });
      return { contact: updated, changes: changed };
    });
    if (changes.length) await this.events.emit(ctx.organizationId, 'contact.updated', { contact: presentContact(contact), changes });
    return contact;
  }

  async list(ctx: TenantContext, q: ListContactsDto): Promise<ListResult<Contact>> {
    const limit = q.limit ?? 20;
    const cursor = decodeCursor(q.cursor);
    const rows = await this.repo.list(ctx.organizationId, {
      phone: q.phone ? normalizePhone(q.phone, 'phone') : undefined,
      search: q.search?.trim() || undefined,
      beforeId: cursor?.[0] as string | undefined,
      limit,
    });
    return toPage(rows, limit, (c) => [c.id]);
  }

  async addNote(ctx: TenantContext, contactId: string, input: CreateContactNoteDto): Promise<ContactNote> {
    return this.prisma.transaction(async () => {
      await this.get(ctx, contactId);
      const note = await this.notes.create(ctx.organizationId, { id: newId('note'), contactId, body: input.body, authorKeyId: ctx.apiKeyId });
      await this.audit.record(ctx, { action: 'contact_note.created', targetType: 'contact', targetId: contactId, metadata: { note_id: note.id } });
      return note;
    });
  }

  async listNotes(ctx: TenantContext, contactId: string, q: ListContactNotesDto): Promise<ListResult<ContactNote>> {
    await this.get(ctx, contactId);
    const limit = q.limit ?? 20;
    const cursor = decodeCursor(q.cursor);
    const rows = await this.notes.list(ctx.organizationId, contactId, { beforeId: cursor?.[0] as string | undefined, limit });
    return toPage(rows, limit, (n) => [n.id]);
  }

  /**
   * The contact an outbound message to `e164` goes to, created when new. Runs inside the caller's transaction;
   * the caller emits contact.created after its commit (see emitResolution).
   */
  async resolveForPhone(ctx: TenantContext, e164: string): Promise<ContactResolution> {
    const waId = toWaId(e164);
    const existing = await this.repo.findByWaId(ctx.organizationId, waId);
    if (existing) return { contact: existing, created: false, changes: [] };
    const inserted = await this.repo.insertIfAbsent(ctx.organizationId, { id: newId('contact'), waId, phone: e164 });
    if (inserted) return { contact: inserted, created: true, changes: [] };
    // A concurrent insert won the race: its row is the contact.
    const raced = await this.repo.findByWaId(ctx.organizationId, waId);
    if (!raced) throw new Error(`contact for ${waId} vanished during upsert`);
    return { contact: raced, created: false, changes: [] };
  }

  /**
   * The contact behind an inbound message: found by wa_id, else by Meta's user id, else created. Learns ids and
   * the profile name it did not know yet. Runs inside the caller's transaction.
   */
  async resolveInbound(ctx: TenantContext, who: InboundIdentity): Promise<ContactResolution> {
    const waId = who.waId || null;
    const userId = who.userId || null;
    if (!waId && !userId) throw new Error('an inbound identity needs wa_id or user_id');
    const find = async () => {
      const byWa = waId ? await this.repo.findByWaId(ctx.organizationId, waId) : null;
      const byUser = userId ? await this.repo.findByUserId(ctx.organizationId, userId) : null;
      return { byWa, byUser, found: byWa ?? byUser };
    };
    let { byWa, byUser, found } = await find();
    if (!found) {
      const inserted = await this.repo.insertIfAbsent(ctx.organizationId, {
        id: newId('contact'),
        waId,
        phone: waId ? `+${waId}` : null,
        userId,
        profileName: who.profileName ?? null,
      });
      if (inserted) return { contact: inserted, created: true, changes: [] };
      ({ byWa, byUser, found } = await find());
      if (!found) throw new Error('contact vanished during upsert');
    }
    const patch: ContactPatch = {};
    const changes: string[] = [];
    // Learn an id only when no other contact already holds it (both are unique per organization).
    if (waId && !found.waId && !byWa) {
      patch.waId = waId;
      patch.phone = `+${waId}`;
      changes.push('wa_id', 'phone');
    }
    if (userId && !found.userId && !byUser) {
      patch.userId = userId;
      changes.push('user_id');
    }
    if (who.profileName && who.profileName !== found.profileName) {
      patch.profileName = who.profileName;
      changes.push('profile_name');
    }
    if (changes.length === 0) return { contact: found, created: false, changes };
    const updated = await this.repo.update(ctx.organizationId, found.id, patch);
    return { contact: updated ?? found, created: false, changes };
  }

  /** Meta says the user stopped marketing messages (131050): remembered on the contact. */
  async markOptedOut(ctx: TenantContext, contactId: string, at: Date): Promise<Contact | null> {
    const r = await this.prisma.transaction(() => this.setMarketingOptOut(ctx, contactId, true, at, { reason: 'meta_131050' }));
    if (r) await this.emitResolution(ctx.organizationId, r);
    return r?.contact ?? null;
  }

  /**
   * Opts the contact out of marketing templates (or back in) and audits it with `why`. Runs inside the caller's
   * transaction; null when nothing changed. The caller emits contact.updated after its commit (emitResolution).
   */
  async setMarketingOptOut(ctx: TenantContext, contactId: string, optedOut: boolean, at: Date, why: Record<string, unknown>): Promise<ContactResolution | null> {
    const current = await this.repo.findById(ctx.organizationId, contactId);
    if (!current || current.optedOut === optedOut) return null;
    const updated = await this.repo.update(ctx.organizationId, contactId, { optedOut, optedOutAt: optedOut ? at : null });
    if (!updated) return null;
    await this.audit.record(ctx, { action: optedOut ? 'contact.opted_out' : 'contact.opted_in', targetType: 'contact', targetId: contactId, metadata: why });
    return { contact: updated, created: false, changes: ['opted_out', 'opted_out_at'] };
  }

  /** Emits what resolveForPhone / resolveInbound did; call after the surrounding transaction committed. */
  async emitResolution(organizationId: string, r: ContactResolution): Promise<void> {
    if (r.created) await this.events.emit(organizationId, 'contact.created', { contact: presentContact(r.contact) });
    else if (r.changes.length) await this.events.emit(organizationId, 'contact.updated', { contact: presentContact(r.contact), changes: r.changes });
  }
}
