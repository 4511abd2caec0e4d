import { QueueDriver } from '#queue';
import { AppError } from '../common/app-error.js';
import { validateDto } from '../common/validation.js';
import type { TenantContext } from '../common/tenant-context.js';
import { ContactsService } from '../contacts/contacts.service.js';
import { ConversationsService } from '../conversations/conversations.service.js';
import { MetaWebhookIngestService } from '../meta-webhooks/meta-webhook-ingest.service.js';
import { SendMessageDto } from './dto/send-message.dto.js';
import { MessagesRepository } from './messages.repository.js';
import { MessagesService } from './messages.service.js';
import { MessagesSweeper } from './messages.sweeper.js';
import { createMessagingTestModule, inboundText, metaPayload, statusOf, type MessagingTestModule } from './testing/messaging-test-module.js';
import type { PhoneNumber } from '#db';

const HOUR = 3600_000;

describe('messaging domain (PostgreSQL)', () => {
  let t: MessagingTestModule;
  let messages: MessagesService;
  let conversations: ConversationsService;
  let contacts: ContactsService;
  let ingest: MetaWebhookIngestService;
  let repo: MessagesRepository;
  let a: { ctx: TenantContext; phone: PhoneNumber };
  let b: { ctx: TenantContext; phone: PhoneNumber };

  beforeAll(async () => {
    t = await createMessagingTestModule({ RECONCILE_AFTER_MS: '1000' });
    messages = t.moduleRef.get(MessagesService);
    conversations = t.moduleRef.get(ConversationsService);
    contacts = t.moduleRef.get(ContactsService);
    ingest = t.moduleRef.get(MetaWebhookIngestService);
    repo = t.moduleRef.get(MessagesRepository);
    a = await t.organization();
    b = await t.organization();
  });
  afterAll(() => t?.close());

  const send = async (ctx: TenantContext, body: object) => messages.send(ctx, await validateDto(SendMessageDto, body));
  const inbound = (phone: PhoneNumber, from: string, wamid: string, at: Date, text = 'halo') =>
    ingest.process(metaPayload(phone.metaPhoneNumberId, inboundText(from, wamid, at, text)));
  const counts = async () => ({
    contacts: await t.prisma.db.contact.count(),
    conversations: await t.prisma.db.conversation.count(),
    messages: await t.prisma.db.message.count(),
  });

  describe('inbound ingest', () => {
    it('opens a conversation and its 24 h window from the message timestamp, once per wamid', async () => {
      const at = new Date(Date.now() - 60_000);
      const payload = metaPayload(a.phone.metaPhoneNumberId, inboundText('628111000001', 'wamid.in-1', at, 'halo kak'));
      const first = await ingest.process(payload);
      const again = await ingest.process(payload);
      expect(first).toMatchObject({ messages: 1, duplicates: 0 });
      expect(again).toMatchObject({ messages: 0, duplicates: 1 });

      const rows = await t.prisma.db.message.findMany({ where: { wamid: 'wamid.in-1' } });
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ direction: 'inbound', status: 'received', type: 'text', body: 'halo kak', organizationId: a.ctx.organizationId });
      const conv = await conversations.get(a.ctx, rows[0].conversationId);
      expect(conv.unreadCount).toBe(1);
      expect(conv.lastInboundAt?.getTime()).toBe(Math.floor(at.getTime() / 1000) * 1000);
      expect(conv.windowExpiresAt!.getTime() - conv.lastInboundAt!.getTime()).toBe(24 * HOUR);
      expect(conv.contact).toMatchObject({ phone: '+628111000001', waId: '628111000001', profileName: 'Budi' });
      expect(t.events.filter((e) => e.type === 'message.received' && (e.data as { message: { wamid: string } }).message.wamid === 'wamid.in-1')).toHaveLength(1);
    });

    it('keeps the window at the latest inbound timestamp when messages arrive out of order, and counts each once', async () => {
      const late = new Date(Date.now() - 10 * 60_000);
      const early = new Date(Date.now() - 30 * HOUR);
      const batch = metaPayload(a.phone.metaPhoneNumberId, {
        contacts: [{ profile: { name: 'Sari' }, wa_id: '628111000002' }],
        messages: [
          { from: '628111000002', id: 'wamid.in-late', timestamp: String(Math.floor(late.getTime() / 1000)), type: 'text', text: { body: 'second' } },
          { from: '628111000002', id: 'wamid.in-early', timestamp: String(Math.floor(early.getTime() / 1000)), type: 'text', text: { body: 'first' } },
          { from: '628111000002', id: 'wamid.in-late', timestamp: String(Math.floor(late.getTime() / 1000)), type: 'text', text: { body: 'second' } },
        ],
      });
      await Promise.all([ingest.process(batch), ingest.process(batch)]);
      const conv = (await conversations.list(a.ctx, { q: '628111000002' })).data[0];
      expect(conv.unreadCount).toBe(2);
      expect(conv.lastInboundAt?.getTime()).toBe(Math.floor(late.getTime() / 1000) * 1000);
      expect(conv.lastMessagePreview).toBe('second');
      expect(await t.prisma.db.message.count({ where: { conversationId: conv.id } })).toBe(2);
    });

    it('reopens a resolved conversation on the next inbound message', async () => {
      await inbound(a.phone, '628111000003', 'wamid.in-3a', new Date());
      const conv = (await conversations.list(a.ctx, { q: '628111000003' })).data[0];
      await conversations.update(a.ctx, conv.id, { status: 'resolved' });
      await inbound(a.phone, '628111000003', 'wamid.in-3b', new Date());
      expect((await conversations.get(a.ctx, conv.id)).status).toBe('open');
      const updated = t.events.filter((e) => e.type === 'conversation.updated' && (e.data as { changes?: string[] }).changes?.includes('status'));
      expect(updated.length).toBeGreaterThanOrEqual(2);
    });

    it('knows username-only users by their Meta user id and links the phone when it appears', async () => {
      await ingest.process(
        metaPayload(a.phone.metaPhoneNumberId, {
          contacts: [{ profile: { name: 'Anon' }, wa_id: '', user_id: 'BSUID.777' }],
          messages: [{ from: 'BSUID.777', id: 'wamid.user-1', timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: 'hi' } }],
        }),
      );
      const byUser = await t.prisma.db.contact.findFirst({ where: { organizationId: a.ctx.organizationId, userId: 'BSUID.777' } });
      expect(byUser).toMatchObject({ waId: null, phone: null, profileName: 'Anon' });
      await ingest.process(
        metaPayload(a.phone.metaPhoneNumberId, {
          contacts: [{ profile: { name: 'Anon' }, wa_id: '628111000077', user_id: 'BSUID.777' }],
          messages: [{ from: '628111000077', id: 'wamid.user-2', timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: 'hi again' } }],
        }),
      );
      const linked = await t.prisma.db.contact.findMany({ where: { organizationId: a.ctx.organizationId, OR: [{ userId: 'BSUID.777' }, { waId: '628111000077' }] } });
      expect(linked).toHaveLength(1);
      expect(linked[0]).toMatchObject({ id: byUser!.id, waId: '628111000077', phone: '+628111000077' });
    });

    it('notes and skips changes for numbers nobody connected', async () => {
      const before = await counts();
      const r = await ingest.process(metaPayload('999999999', inboundText('628111000009', 'wamid.unknown', new Date(), 'x')));
      expect(r.notes.join()).toMatch(/no connected number has phone_number_id 999999999/);
      expect(await counts()).toEqual(before);
    });
  });

  describe('sending', () => {
    it('refuses free-form messages when the contact never wrote, storing nothing; templates are not refused for the window', async () => {
      const before = await counts();
      const err = await send(a.ctx, { to: '+62 811-1000-100', type: 'text', text: { body: 'hello' } }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect(err).toMatchObject({ code: 'outside_24h_window', status: 422 });
      expect((err as AppError).hint).toMatch(/template/);
      expect(await counts()).toEqual(before);
      // A template is checked against the synced templates instead (none here), never against the window.
      await expect(send(a.ctx, { to: '628111000100', type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } })).rejects.toMatchObject({
        code: 'template_not_found',
      });
    });

    it('refuses free-form messages once the window has closed', async () => {
      await inbound(a.phone, '628111000101', 'wamid.old', new Date(Date.now() - 25 * HOUR));
      await expect(send(a.ctx, { to: '628111000101', type: 'image', image: { link: 'https://cdn.example.com/a.jpg' } })).rejects.toMatchObject({
        code: 'outside_24h_window',
        details: expect.objectContaining({ conversation_id: expect.stringMatching(/^cnv_/) }),
      });
    });

    it('accepts inside the window: one queued row, its conversation, an audit entry and a job, in one go', async () => {
      await inbound(a.phone, '628111000102', 'wamid.w-1', new Date());
      const msg = await send(a.ctx, { to: '+628111000102', type: 'text', text: { body: 'your package arrives tomorrow' } });
      expect(msg).toMatchObject({ status: 'queued', direction: 'outbound', bizOpaqueCallbackData: msg.id, body: 'your package arrives tomorrow', source: 'api' });
      expect(msg.contact?.phone).toBe('+628111000102');
      const audit = await t.prisma.db.auditLog.findFirst({ where: { organizationId: a.ctx.organizationId, targetId: msg.id, action: 'message.created' } });
      expect(audit).not.toBeNull();
      const conv = await conversations.get(a.ctx, msg.conversationId);
      expect(conv.lastMessagePreview).toBe('your package arrives tomorrow');
      expect(t.events.some((e) => e.type === 'message.created' && (e.data as { message: { id: string } }).message.id === msg.id)).toBe(true);
      const queue = await t.moduleRef.get(QueueDriver).getCounts();
      expect(queue['message-delivery'].waiting).toBeGreaterThanOrEqual(1);
    });

    it('resolves a quoted or reacted-to message given by our id to its wamid', async () => {
      await inbound(a.phone, '628111000103', 'wamid.quote-me', new Date());
      const quoted = (await t.prisma.db.message.findFirst({ where: { wamid: 'wamid.quote-me' } }))!;
      const reply = await send(a.ctx, { to: '628111000103', type: 'text', text: { body: 'yes' }, context: { message_id: quoted.id } });
      expect(reply.contextWamid).toBe('wamid.quote-me');
      const reaction = await send(a.ctx, { to: '628111000103', type: 'reaction', reaction: { message_id: quoted.id, emoji: '👍' } });
      expect(reaction.content).toEqual({ message_id: 'wamid.quote-me', emoji: '👍' });
      await expect(send(b.ctx, { to: '628111000103', type: 'reaction', reaction: { message_id: quoted.id, emoji: '👍' } })).rejects.toMatchObject({
        code: 'not_found',
      });
    });

    it('refuses sends from a paused number', async () => {
      const c = await t.organization();
      await t.prisma.db.phoneNumber.update({ where: { id: c.phone.id }, data: { status: 'paused', pausedReason: 'token expired' } });
      await expect(send(c.ctx, { to: '628111000104', type: 'text', text: { body: 'x' } })).rejects.toMatchObject({ code: 'phone_number_paused' });
    });
  });

  describe('statuses', () => {
    async function queuedMessage(from: string): Promise<{ id: string; organizationId: string }> {
      await inbound(a.phone, from, `wamid.open-${from}`, new Date());
      return send(a.ctx, { to: from, type: 'text', text: { body: 'order shipped' } });
    }

    it('claims a queued message for exactly one of many concurrent workers', async () => {
      const m = await queuedMessage('628111000200');
      const claims = await Promise.all(
        Array.from({ length: 12 }, () => repo.transition(m.organizationId, m.id, ['queued'], { status: 'sending', sendingAt: new Date(), attempts: { increment: 1 } })),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect((await repo.findById(m.organizationId, m.id))!.attempts).toBe(1);
    });

    it('completes a sending row from a status webhook echoing our id, then moves forward only, whatever the order', async () => {
      const m = await queuedMessage('628111000201');
      await repo.transition(m.organizationId, m.id, ['queued'], { status: 'sending', sendingAt: new Date() });
      const t0 = Math.floor(Date.now() / 1000) * 1000;
      const st = (s: string, dt: number) => statusOf('wamid.out-201', s, new Date(t0 + dt), { biz_opaque_callback_data: m.id });
      const pricing = { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'service' };
      const sentWithPricing = { ...st('sent', 1000), pricing };
      const shuffled = [st('read', 3000), sentWithPricing, st('delivered', 2000), sentWithPricing, st('read', 3000), st('delivered', 2000)];
      await Promise.all(shuffled.map((s) => ingest.process(metaPayload(a.phone.metaPhoneNumberId, { statuses: [s] }))));
      const row = (await repo.findById(m.organizationId, m.id))!;
      expect(row).toMatchObject({ status: 'read', wamid: 'wamid.out-201', pricing });
      expect(row.sentAt?.getTime()).toBe(t0 + 1000);
      expect(row.deliveredAt?.getTime()).toBe(t0 + 2000);
      expect(row.readAt?.getTime()).toBe(t0 + 3000);
      // Each event moved the status forward: previous → current pairs only ever climb.
      const rank: Record<string, number> = { queued: 0, sending: 0, sent: 1, delivered: 2, read: 3 };
      const moves = t.events
        .filter((e) => e.type === 'message.status_updated' && (e.data as { message: { id: string } }).message.id === m.id)
        .map((e) => e.data as { message: { status: string }; previous_status: string });
      expect(moves.length).toBeGreaterThanOrEqual(1);
      expect(moves.length).toBeLessThanOrEqual(3);
      for (const mv of moves) expect(rank[mv.message.status]).toBeGreaterThan(rank[mv.previous_status]);
      expect(moves.at(-1)!.message.status).toBe('read');
    });

    it('finds a message by wamid when the echo is missing; a late sent never overwrites read', async () => {
      const m = await queuedMessage('628111000202');
      await repo.transition(m.organizationId, m.id, ['queued'], { status: 'sent', wamid: 'wamid.out-202', sentAt: new Date() });
      const at = new Date();
      const pricing = { billable: true, pricing_model: 'PMP', type: 'regular', category: 'utility' };
      for (const s of ['read', 'sent', 'delivered'])
        await ingest.process(metaPayload(a.phone.metaPhoneNumberId, { statuses: [statusOf('wamid.out-202', s, at, s === 'sent' ? { pricing } : {})] }));
      const row = (await repo.findById(m.organizationId, m.id))!;
      expect(row.status).toBe('read');
      expect(row.pricing).toEqual(pricing); // carried by the late `sent`, kept although the status did not move
      expect(row.deliveredAt).not.toBeNull(); // the skipped-over status still gets its time
      // …kept between the times around it, though Meta's whole-second timestamp is earlier than our sent_at.
      expect(row.deliveredAt!.getTime()).toBeGreaterThanOrEqual(row.sentAt!.getTime());
      expect(row.deliveredAt!.getTime()).toBeLessThanOrEqual(row.readAt!.getTime());
    });

    it('fails with Meta\'s code, title and details; failed is final', async () => {
      const m = await queuedMessage('628111000203');
      await repo.transition(m.organizationId, m.id, ['queued'], { status: 'sent', wamid: 'wamid.out-203', sentAt: new Date() });
      const errors = [{ code: 131026, title: 'Message undeliverable', error_data: { details: 'Receiver is incapable of receiving this message' } }];
      await ingest.process(metaPayload(a.phone.metaPhoneNumberId, { statuses: [statusOf('wamid.out-203', 'failed', new Date(), { errors })] }));
      await ingest.process(metaPayload(a.phone.metaPhoneNumberId, { statuses: [statusOf('wamid.out-203', 'read', new Date())] }));
      const failed = await messages.get(a.ctx, m.id);
      expect(failed).toMatchObject({
        status: 'failed',
        errorCode: 'meta_undeliverable',
        metaErrorCode: 131026,
        metaErrorTitle: 'Message undeliverable',
        metaErrorDetails: 'Receiver is incapable of receiving this message',
      });
      expect(failed.readAt).toBeNull();
      expect(t.events.some((e) => e.type === 'message.failed' && (e.data as { message: { id: string } }).message.id === m.id)).toBe(true);
      const flagged = await t.prisma.db.auditLog.findFirst({ where: { organizationId: a.ctx.organizationId, action: 'contact.flagged_undeliverable', targetId: failed.contactId } });
      expect(flagged).not.toBeNull();
    });

    it('ignores statuses of another organization\'s message even when they echo its id', async () => {
      const m = await queuedMessage('628111000204');
      await repo.transition(m.organizationId, m.id, ['queued'], { status: 'sending', sendingAt: new Date() });
      const r = await ingest.process(metaPayload(b.phone.metaPhoneNumberId, { statuses: [statusOf('wamid.forged', 'read', new Date(), { biz_opaque_callback_data: m.id })] }));
      expect(r.notes.join()).toMatch(/unknown message/);
      expect((await repo.findById(m.organizationId, m.id))!.status).toBe('sending');
    });
  });

  describe('recovery sweep', () => {
    it('re-enqueues lost queued rows, resends stale sending rows counting the duplicate, releases due scheduled sends', async () => {
      const sweeper = t.moduleRef.get(MessagesSweeper);
      await inbound(a.phone, '628111000300', 'wamid.sweep', new Date());
      const lost = await send(a.ctx, { to: '628111000300', type: 'text', text: { body: 'lost job' } });
      const stale = await send(a.ctx, { to: '628111000300', type: 'text', text: { body: 'stale claim' } });
      const scheduled = await send(a.ctx, { to: '628111000300', type: 'text', text: { body: 'later' } });
      const past = new Date(Date.now() - 10 * 60_000);
      await t.prisma.db.message.update({ where: { id: lost.id }, data: { updatedAt: past } });
      await t.prisma.db.message.update({ where: { id: stale.id }, data: { status: 'sending', sendingAt: past } });
      await t.prisma.db.message.update({ where: { id: scheduled.id }, data: { status: 'scheduled', sendAt: new Date(Date.now() - 1000) } });
      const r = await sweeper.sweep();
      expect(r.reconciled).toBeGreaterThanOrEqual(1);
      expect(r.scheduled).toBeGreaterThanOrEqual(1);
      expect(r.requeued).toBeGreaterThanOrEqual(1);
      expect((await repo.findById(a.ctx.organizationId, stale.id))!).toMatchObject({ status: 'queued', possibleDuplicates: 1 });
      expect((await repo.findById(a.ctx.organizationId, scheduled.id))!.status).toBe('queued');
      // A queued row waiting for its retry is left alone until then.
      await t.prisma.db.message.update({ where: { id: lost.id }, data: { nextAttemptAt: new Date(Date.now() + HOUR), updatedAt: past } });
      const waiting = await repo.findQueuedDueForSystem(new Date(), new Date(), 1000);
      expect(waiting.map((w) => w.id)).not.toContain(lost.id);
    });
  });

  describe('reading', () => {
    it('searches message bodies by words (full text) and by substring', async () => {
      await inbound(a.phone, '628111000400', 'wamid.search', new Date(), 'Is my package arriving tomorrow?');
      const words = await messages.list(a.ctx, { q: 'package tomorrow' });
      expect(words.data.map((m) => m.wamid)).toContain('wamid.search');
      const part = await messages.list(a.ctx, { q: 'ackag' });
      expect(part.data.map((m) => m.wamid)).toContain('wamid.search');
      expect((await messages.list(b.ctx, { q: 'package' })).data).toHaveLength(0);
    });

    it('lists conversations newest first with a stable cursor, and filters by contact name, phone and status', async () => {
      const c = await t.organization();
      const base = Math.floor((Date.now() - 60_000) / 1000) * 1000; // whole seconds: Meta timestamps have no milliseconds
      for (let i = 0; i < 5; i++) await inbound(c.phone, `62822200000${i}`, `wamid.list-${i}`, new Date(base + i * 1000), `m${i}`);
      const page1 = await conversations.list(c.ctx, { limit: 2 });
      const page2 = await conversations.list(c.ctx, { limit: 2, cursor: page1.nextCursor! });
      const page3 = await conversations.list(c.ctx, { limit: 2, cursor: page2.nextCursor! });
      const phones = [...page1.data, ...page2.data, ...page3.data].map((x) => x.contact?.phone);
      expect(phones).toEqual(['+628222000004', '+628222000003', '+628222000002', '+628222000001', '+628222000000']);
      expect(page3.hasMore).toBe(false);
      expect((await conversations.list(c.ctx, { q: '+62 822-2000-003' })).data.map((x) => x.contact?.phone)).toEqual(['+628222000003']);
      expect((await conversations.list(c.ctx, { q: 'bud' })).data).toHaveLength(5);
      expect((await conversations.list(c.ctx, { status: 'resolved' })).data).toHaveLength(0);
      expect((await conversations.list(c.ctx, { phone_number_id: c.phone.metaPhoneNumberId })).data).toHaveLength(5);
      expect((await conversations.list(c.ctx, { since: new Date(base + 2500).toISOString() })).data).toHaveLength(2);
    });

    it('marks a conversation read locally even when the read receipt cannot reach Meta', async () => {
      await inbound(a.phone, '628111000500', 'wamid.read-1', new Date());
      const conv = (await conversations.list(a.ctx, { q: '628111000500' })).data[0];
      const { conversation, readReceipt } = await conversations.markRead(a.ctx, conv.id);
      expect(conversation.unreadCount).toBe(0);
      expect(readReceipt).toMatchObject({ message_id: 'wamid.read-1', status: 'failed' });
      expect((await t.prisma.db.message.findFirst({ where: { wamid: 'wamid.read-1' } }))!.readAt).not.toBeNull();
    });
  });

  describe('tenant isolation', () => {
    it('answers not found for every object of another organization, and never lists them', async () => {
      await inbound(a.phone, '628111000600', 'wamid.iso', new Date(), 'secret words');
      const msg = (await t.prisma.db.message.findFirst({ where: { wamid: 'wamid.iso' } }))!;
      const nf = { code: 'not_found', status: 404 };
      await expect(messages.get(b.ctx, msg.id)).rejects.toMatchObject(nf);
      await expect(messages.typing(b.ctx, msg.id)).rejects.toMatchObject(nf);
      await expect(messages.list(b.ctx, { conversation_id: msg.conversationId })).rejects.toMatchObject(nf);
      await expect(messages.list(b.ctx, { contact_id: msg.contactId })).rejects.toMatchObject(nf);
      await expect(conversations.get(b.ctx, msg.conversationId)).rejects.toMatchObject(nf);
      await expect(conversations.getWithMessages(b.ctx, msg.conversationId, {})).rejects.toMatchObject(nf);
      await expect(conversations.listMessages(b.ctx, msg.conversationId, {})).rejects.toMatchObject(nf);
      await expect(conversations.update(b.ctx, msg.conversationId, { status: 'resolved' })).rejects.toMatchObject(nf);
      await expect(conversations.markRead(b.ctx, msg.conversationId)).rejects.toMatchObject(nf);
      await expect(conversations.contactContext(b.ctx, msg.contactId)).rejects.toMatchObject(nf);
      await expect(conversations.list(b.ctx, { phone_number_id: a.phone.id })).rejects.toMatchObject(nf);
      await expect(conversations.list(b.ctx, { phone_number_id: a.phone.metaPhoneNumberId })).rejects.toMatchObject(nf);
      await expect(contacts.get(b.ctx, msg.contactId)).rejects.toMatchObject(nf);
      await expect(contacts.update(b.ctx, msg.contactId, { name: 'x' })).rejects.toMatchObject(nf);
      await expect(contacts.addNote(b.ctx, msg.contactId, { body: 'x' })).rejects.toMatchObject(nf);
      await expect(contacts.listNotes(b.ctx, msg.contactId, {})).rejects.toMatchObject(nf);
      await expect(send(b.ctx, { phone_number_id: a.phone.id, to: '628111000600', type: 'text', text: { body: 'x' } })).rejects.toMatchObject(nf);
      expect((await conversations.list(b.ctx, { q: '628111000600' })).data).toHaveLength(0);
      expect((await contacts.list(b.ctx, { phone: '628111000600' })).data).toHaveLength(0);
      expect((await messages.list(b.ctx, { q: 'secret' })).data).toHaveLength(0);
      // Nothing changed on A's side.
      expect((await conversations.get(a.ctx, msg.conversationId)).status).toBe('open');
      expect((await contacts.get(a.ctx, msg.contactId)).name).toBeNull();
    });
  });
});
