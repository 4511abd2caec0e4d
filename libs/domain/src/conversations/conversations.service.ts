import { Injectable, Logger } from '@nestjs/common';
import { PrismaService, type Contact, type ContactNote, type Conversation, type Message } from '#db';
import { GraphApiError, GraphClient } from '#whatsapp';
import { AppError } from '../common/app-error.js';
import { newId } from '../common/ids.js';
import { decodeCursor, toPage, type ListResult } from '../common/pagination.js';
import type { TenantContext } from '../common/tenant-context.js';
import { AuditService } from '../audit/audit.service.js';
import { ContactsService } from '../contacts/contacts.service.js';
import { DomainEvents } from '../events/domain-events.js';
import type { MessageRecord } from '../messages/message.presenter.js';
import { MessagesRepository } from '../messages/messages.repository.js';
import { PhoneNumbersService } from '../phone-numbers/phone-numbers.service.js';
import { presentConversation, type ConversationRecord } from './conversation.presenter.js';
import { ConversationsRepository, type ConversationFilter, type ConversationPatch } from './conversations.repository.js';
import type { GetContactContextDto } from './dto/get-contact-context.dto.js';
import type { GetConversationDto } from './dto/get-conversation.dto.js';
import type { ListConversationMessagesDto } from './dto/list-conversation-messages.dto.js';
import type { ListConversationsDto } from './dto/list-conversations.dto.js';
import type { UpdateConversationDto } from './dto/update-conversation.dto.js';

/** What an upsert did, so the caller can emit conversation.created / conversation.updated after its commit. */
export interface ConversationTouch {
  conversation: Conversation;
  created: boolean;
  changes: string[];
}

export interface ReadReceipt {
  /** The inbound wamid Meta was told about (it marks the earlier ones read too); null when there was none. */
  message_id: string | null;
  status: 'sent' | 'failed' | 'skipped' | 'none';
  error?: { code: string; meta_code: number | null; meta_title: string | null };
}

export interface ContactContext {
  contact: Contact;
  conversation: ConversationRecord | null;
  /** The contact's latest messages across numbers, oldest first. */
  messages: MessageRecord[];
  notes: ContactNote[];
}

@Injectable()
export class ConversationsService {
  private readonly logger = new Logger('Conversations');

  constructor(
    private readonly repo: ConversationsRepository,
    private readonly messages: MessagesRepository,
    private readonly contacts: ContactsService,
    private readonly phoneNumbers: PhoneNumbersService,
    private readonly graph: GraphClient,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
    private readonly prisma: PrismaService,
  ) {}

  /** Newest first by last message; filters combine with AND. */
  async list(ctx: TenantContext, q: ListConversationsDto): Promise<ListResult<ConversationRecord>> {
    const limit = q.limit ?? 20;
    const filter: ConversationFilter = { limit, status: q.status, contactId: q.contact_id };
    if (q.phone_number_id) filter.phoneNumberId = (await this.phoneNumbers.get(ctx, q.phone_number_id)).id;
    if (q.since) filter.since = new Date(q.since);
    if (q.until) filter.until = new Date(q.until);
    const term = q.q?.trim();
    if (term) {
      const digits = term.replace(/\D/g, '');
      if (/^[+\d\s().-]+$/.test(term) && digits.length >= 3) filter.contactDigits = digits;
      else filter.contactText = term;
    }
    const cursor = decodeCursor(q.cursor);
    if (cursor) {
      const [at, id] = cursor;
      const date = typeof at === 'string' ? new Date(at) : undefined;
      if (!date || Number.isNaN(date.getTime()) || typeof id !== 'string') throw new AppError('invalid_cursor', undefined, { param: 'cursor' });
      filter.after = { lastMessageAt: date, id };
    }
    const rows = await this.repo.list(ctx.organizationId, filter);
    const page = toPage(rows, limit, (c) => [c.lastMessageAt?.toISOString() ?? new Date(0).toISOString(), c.id]);
    return { ...page, data: await this.withContacts(ctx, page.data) };
  }

  async get(ctx: TenantContext, id: string): Promise<ConversationRecord> {
    const conversation = await this.find(ctx, id);
    return { ...conversation, contact: await this.contacts.get(ctx, conversation.contactId).catch(() => null) };
  }

  /** The conversation with its latest `message_limit` messages, oldest first (the order a chat shows them). */
  async getWithMessages(ctx: TenantContext, id: string, q: GetConversationDto): Promise<{ conversation: ConversationRecord; messages: MessageRecord[] }> {
    const conversation = await this.get(ctx, id);
    const rows = await this.messages.recent(ctx.organizationId, { conversationId: id }, q.message_limit ?? 20);
    const contact = conversation.contact ?? null;
    return { conversation, messages: rows.reverse().map((m) => ({ ...m, contact })) };
  }

  /** Messages of the conversation, newest first, paginated. */
  async listMessages(ctx: TenantContext, id: string, q: ListConversationMessagesDto): Promise<ListResult<MessageRecord>> {
    const conversation = await this.get(ctx, id);
    const limit = q.limit ?? 20;
    const cursor = decodeCursor(q.cursor);
    const rows = await this.messages.list(ctx.organizationId, { conversationId: id, beforeId: cursor?.[0] as string | undefined, limit });
    const page = toPage(rows, limit, (m) => [m.id]);
    return { ...page, data: page.data.map((m) => ({ ...m, contact: conversation.contact ?? null })) };
  }

  async update(ctx: TenantContext, id: string, input: UpdateConversationDto): Promise<ConversationRecord> {
    const { conversation, changes } = await this.prisma.transaction(async () => {
      const current = await this.find(ctx, id);
      const patch: ConversationPatch = {};
      const changed: string[] = [];
      if (input.status !== undefined && input.status !== current.status) {
        patch.status = input.status;
        changed.push('status');
      }
      if (input.assignee !== undefined) {
        const assigneeId = input.assignee?.id ?? null;
        const assigneeName = input.assignee?.name ?? null;
        if (assigneeId !== current.assigneeId || assigneeName !== current.assigneeName) {
          Object.assign(patch, { assigneeId, assigneeName });
          changed.push('assignee');
        }
      }
      if (changed.length === 0) return { conversation: current, changes: changed };
      const updated = await this.repo.update(ctx.organizationId, id, patch);
      if (!updated) throw AppError.notFound('conversation', id);
      await this.audit.record(ctx, {
        action: 'conversation.updated',
        targetType: 'conversation',
        targetId: id,
        metadata: { changes: changed, ...(patch.status ? { status: patch.status } : {}), ...(changed.includes('assignee') ? { assignee_id: patch.assigneeId } : {}) },
      });
      return { conversation: updated, changes: changed };
    });
    if (changes.length) await this.emitUpdated(ctx.organizationId, conversation, changes);
    return { ...conversation, contact: await this.contacts.get(ctx, conversation.contactId).catch(() => null) };
  }

  /**
   * Zeroes the unread count, marks the inbound messages read here, and tells Meta (the latest inbound wamid; Meta
   * marks the earlier ones read too). Meta is called directly, after the commit: a failure there is reported in
   * `readReceipt`, the local read stands.
   */
  async markRead(ctx: TenantContext, id: string): Promise<{ conversation: ConversationRecord; readReceipt: ReadReceipt }> {
    const current = await this.find(ctx, id);
    const phone = await this.phoneNumbers.resolve(ctx, current.phoneNumberId);
    const latest = await this.messages.latestInbound(ctx.organizationId, id);
    const conversation = await this.prisma.transaction(async () => {
      if (latest) await this.messages.markInboundRead(ctx.organizationId, id, latest.id, new Date());
      const updated = current.unreadCount === 0 ? current : await this.repo.update(ctx.organizationId, id, { unreadCount: 0 });
      if (!updated) throw AppError.notFound('conversation', id);
      if (current.unreadCount !== 0)
        await this.audit.record(ctx, { action: 'conversation.read', targetType: 'conversation', targetId: id, metadata: { unread_count: current.unreadCount } });
      return updated;
    });
    if (current.unreadCount !== 0) await this.emitUpdated(ctx.organizationId, conversation, ['unread_count']);
    const readReceipt = await this.sendReadReceipt(phone, latest);
    return { conversation: { ...conversation, contact: await this.contacts.get(ctx, conversation.contactId).catch(() => null) }, readReceipt };
  }

  /** Contact + their latest conversation + their latest messages + latest notes: what an agent reads first. */
  async contactContext(ctx: TenantContext, contactId: string, q: GetContactContextDto = {}): Promise<ContactContext> {
    const contact = await this.contacts.get(ctx, contactId);
    const [conversation, messages, notes] = await Promise.all([
      this.repo.latestForContact(ctx.organizationId, contactId),
      this.messages.recent(ctx.organizationId, { contactId }, q.message_limit ?? 20),
      this.contacts.listNotes(ctx, contactId, { limit: 5 }),
    ]);
    return {
      contact,
      conversation: conversation ? { ...conversation, contact } : null,
      messages: messages.reverse().map((m) => ({ ...m, contact })),
      notes: notes.data,
    };
  }

  // ---- used by messages and the webhook ingest, inside their transactions ----

  findForPair(ctx: TenantContext, phoneNumberId: string, contactId: string): Promise<Conversation | null> {
    return this.repo.findByKey(ctx.organizationId, phoneNumberId, contactId);
  }

  /**
   * The (number, contact) conversation, created when new (its latest-message fields start at `at`). Counters are
   * not touched here: the caller first stores the message, then records it (recordOutbound / recordInbound).
   */
  async ensure(ctx: TenantContext, phoneNumberId: string, contactId: string, at: Date, preview: string | null): Promise<{ conversation: Conversation; created: boolean }> {
    const existing = await this.repo.findByKey(ctx.organizationId, phoneNumberId, contactId);
    if (existing) return { conversation: existing, created: false };
    const inserted = await this.repo.insertIfAbsent(ctx.organizationId, { id: newId('conversation'), phoneNumberId, contactId, lastMessageAt: at, lastMessagePreview: preview });
    if (inserted) return { conversation: inserted, created: true };
    const raced = await this.repo.findByKey(ctx.organizationId, phoneNumberId, contactId);
    if (!raced) throw new Error('conversation vanished during upsert');
    return { conversation: raced, created: false };
  }

  /** An outbound message was stored: the latest-message fields move forward. */
  async recordOutbound(ctx: TenantContext, conversation: Conversation, created: boolean, at: Date, preview: string | null): Promise<ConversationTouch> {
    if (created) return { conversation, created, changes: [] };
    await this.repo.recordOutbound(ctx.organizationId, conversation.id, at, preview);
    return { conversation: (await this.repo.findById(ctx.organizationId, conversation.id))!, created, changes: ['last_message_at'] };
  }

  /**
   * An inbound message was stored for the first time: the window refreshes from its timestamp, one more unread,
   * and a resolved conversation reopens.
   */
  async recordInbound(ctx: TenantContext, conversation: Conversation, created: boolean, at: Date, preview: string | null): Promise<ConversationTouch> {
    await this.repo.recordInbound(ctx.organizationId, conversation.id, at, preview);
    const updated = (await this.repo.findById(ctx.organizationId, conversation.id))!;
    const changes = ['last_message_at', 'last_inbound_at', 'window_expires_at', 'unread_count'];
    if (conversation.status !== updated.status) changes.push('status');
    return { conversation: updated, created, changes };
  }

  /** Emits what ensure + recordOutbound / recordInbound did; call after the surrounding transaction committed. */
  async emitTouch(organizationId: string, t: ConversationTouch): Promise<void> {
    if (t.created) await this.events.emit(organizationId, 'conversation.created', { conversation: presentConversation(t.conversation) }, this.scope(t.conversation));
    else if (t.changes.length) await this.emitUpdated(organizationId, t.conversation, t.changes);
  }

  private async emitUpdated(organizationId: string, conversation: Conversation, changes: string[]): Promise<void> {
    await this.events.emit(organizationId, 'conversation.updated', { conversation: presentConversation(conversation), changes }, this.scope(conversation));
  }

  private scope(c: Conversation) {
    return { conversationId: c.id, phoneNumberId: c.phoneNumberId };
  }

  private async find(ctx: TenantContext, id: string): Promise<Conversation> {
    const conversation = await this.repo.findById(ctx.organizationId, id);
    if (!conversation) throw AppError.notFound('conversation', id);
    return conversation;
  }

  private async withContacts(ctx: TenantContext, rows: Conversation[]): Promise<ConversationRecord[]> {
    const contacts = await this.contacts.getMany(ctx, rows.map((c) => c.contactId));
    return rows.map((c) => ({ ...c, contact: contacts.get(c.contactId) ?? null }));
  }

  private async sendReadReceipt(phone: Awaited<ReturnType<PhoneNumbersService['resolve']>>, latest: Message | null): Promise<ReadReceipt> {
    if (!latest?.wamid) return { message_id: null, status: 'none' };
    if (phone.status !== 'active') return { message_id: latest.wamid, status: 'skipped' };
    try {
      await this.graph.markRead(this.phoneNumbers.credentialsFor(phone), phone.metaPhoneNumberId, latest.wamid);
      return { message_id: latest.wamid, status: 'sent' };
    } catch (err) {
      if (!(err instanceof GraphApiError)) throw err;
      const c = err.classification;
      if (c.pauseNumber) await this.phoneNumbers.pause(phone.organizationId, phone.id, `${c.ourCode}: ${err.message}`);
      this.logger.warn({ phoneNumberId: phone.id, code: err.code, err: err.message }, 'read receipt failed');
      return { message_id: latest.wamid, status: 'failed', error: { code: c.ourCode, meta_code: err.code ?? null, meta_title: err.title ?? null } };
    }
  }
}
