import type { PhoneNumber } from '#db';
import { QueueDriver } from '#queue';
import { AppError } from '../common/app-error.js';
import { newId } from '../common/ids.js';
import type { TenantContext } from '../common/tenant-context.js';
import { validateDto } from '../common/validation.js';
import { ConversationsService } from '../conversations/conversations.service.js';
import { MetaWebhookIngestService } from '../meta-webhooks/meta-webhook-ingest.service.js';
import { SendMessageDto } from './dto/send-message.dto.js';
import { presentMessage } from './message.presenter.js';
import { MessagesRepository } from './messages.repository.js';
import { MessagesService } from './messages.service.js';
import { MessagesSweeper } from './messages.sweeper.js';
import { ScheduledSends } from './scheduled-sends.service.js';
import {
  createMessagingTestModule,
  inboundText,
  metaPayload,
  type MessagingTestModule,
} from './testing/messaging-test-module.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

/**
 * Scheduled sends, template fallback and the marketing opt-out refusal against PostgreSQL: the delivery processors
 * do not run here, so each test drives the release (as the delayed job or the sweep would) and reads the rows.
 */
describe('scheduled sends, fallback templates, opt-out refusal (PostgreSQL)', () => {
  let t: MessagingTestModule;
  let messages: MessagesService;
  let scheduled: ScheduledSends;
  let repo: MessagesRepository;
  let conversations: ConversationsService;
  let ingest: MetaWebhookIngestService;
  let a: { ctx: TenantContext; phone: PhoneNumber };
  let b: { ctx: TenantContext; phone: PhoneNumber };
  let n = 0;
  const customer = () => `62811200${String(n++).padStart(4, '0')}`;

  beforeAll(async () => {
    t = await createMessagingTestModule();
    messages = t.moduleRef.get(MessagesService);
    scheduled = t.moduleRef.get(ScheduledSends);
    repo = t.moduleRef.get(MessagesRepository);
    conversations = t.moduleRef.get(ConversationsService);
    ingest = t.moduleRef.get(MetaWebhookIngestService);
    a = await t.organization();
    b = await t.organization();
    for (const [name, category] of [
      ['order_note', 'UTILITY'],
      ['spring_sale', 'MARKETING'],
    ] as const)
      await t.prisma.db.template.create({
        data: {
          id: newId('template'),
          organizationId: a.ctx.organizationId,
          wabaId: a.phone.wabaId,
          name,
          language: 'en',
          category,
          status: 'APPROVED',
          components: [{ type: 'BODY', text: 'Hello' }],
        },
      });
    await t.prisma.db.template.create({
      data: {
        id: newId('template'),
        organizationId: a.ctx.organizationId,
        wabaId: a.phone.wabaId,
        name: 'paused_note',
        language: 'en',
        category: 'UTILITY',
        status: 'PAUSED',
        components: [{ type: 'BODY', text: 'x' }],
      },
    });
  });
  afterAll(() => t?.close());

  const send = async (ctx: TenantContext, body: object) => messages.send(ctx, await validateDto(SendMessageDto, body));
  const inbound = (to: string, at: Date, text = 'halo') =>
    ingest.process(metaPayload(a.phone.metaPhoneNumberId, inboundText(to, `wamid.${newId('message')}`, at, text)));
  const inMinutes = (m: number) => new Date(Date.now() + m * MIN).toISOString();
  const tpl = (name: string) => ({ name, language: { code: 'en' } });
  const row = async (id: string) => (await repo.findById(a.ctx.organizationId, id))!;
  const eventsFor = (id: string, type: string) =>
    t.events.filter((e) => e.type === type && (e.data as { message: { id: string } }).message.id === id);

  describe('scheduling', () => {
    it('stores a scheduled row (no queued_at), emits message.created, arms a delayed job and leaves the conversation alone', async () => {
      const to = customer();
      await inbound(to, new Date());
      const before = await conversations.findForPair(
        a.ctx,
        a.phone.id,
        (await t.prisma.db.contact.findFirst({ where: { waId: to } }))!.id,
      );
      const delayedBefore = (await t.moduleRef.get(QueueDriver).getCounts())['message-delivery'].delayed;
      const sendAt = inMinutes(5);
      const m = await send(a.ctx, { to, type: 'text', text: { body: 'see you at 10' }, send_at: sendAt });
      expect(m).toMatchObject({ status: 'scheduled', queuedAt: null, type: 'text' });
      expect(m.sendAt?.toISOString()).toBe(sendAt);
      expect(presentMessage(m)).toMatchObject({ status: 'scheduled', send_at: sendAt, queued_at: null });
      expect(eventsFor(m.id, 'message.created')).toHaveLength(1);
      expect((await t.moduleRef.get(QueueDriver).getCounts())['message-delivery'].delayed).toBe(delayedBefore + 1);
      const after = await conversations.findForPair(a.ctx, a.phone.id, m.contactId);
      expect(after!.lastMessagePreview).toBe(before!.lastMessagePreview);
      expect(
        (await t.prisma.db.auditLog.findFirst({ where: { targetId: m.id, action: 'message.created' } }))!.metadata,
      ).toMatchObject({ send_at: sendAt });
    });

    it('refuses send_at in the past or beyond 30 days, storing nothing', async () => {
      const to = customer();
      await inbound(to, new Date());
      const before = await t.prisma.db.message.count();
      for (const sendAt of [inMinutes(-1), inMinutes(31 * 24 * 60)])
        await expect(send(a.ctx, { to, type: 'text', text: { body: 'x' }, send_at: sendAt })).rejects.toMatchObject({
          code: 'send_at_out_of_range',
          status: 422,
        });
      expect(await t.prisma.db.message.count()).toBe(before);
    });

    it('validates everything at acceptance: a closed window without fallback, a template that is not approved', async () => {
      await expect(
        send(a.ctx, { to: customer(), type: 'text', text: { body: 'x' }, send_at: inMinutes(5) }),
      ).rejects.toMatchObject({ code: 'outside_24h_window' });
      await expect(
        send(a.ctx, { to: customer(), type: 'template', template: tpl('paused_note'), send_at: inMinutes(5) }),
      ).rejects.toMatchObject({ code: 'template_not_approved' });
    });

    it('is released at send_at: not before, then queued with a status event and the conversation moved', async () => {
      const to = customer();
      await inbound(to, new Date());
      const m = await send(a.ctx, { to, type: 'text', text: { body: 'reminder' }, send_at: inMinutes(2) });
      expect(await scheduled.release(await row(m.id))).toEqual({ kind: 'not_due', waitMs: expect.any(Number) });
      expect((await row(m.id)).status).toBe('scheduled');
      const at = new Date(m.sendAt!.getTime() + 10);
      const released = await scheduled.release(await row(m.id), at);
      expect(released.kind).toBe('queued');
      expect(await row(m.id)).toMatchObject({ status: 'queued', queuedAt: at, type: 'text' });
      const status = t.events.filter(
        (e) => e.type === 'message.status_updated' && (e.data as { message: { id: string } }).message.id === m.id,
      );
      expect(
        status.map((e) => (e.data as { previous_status: string; message: { status: string } }).message.status),
      ).toEqual(['queued']);
      expect((status[0].data as { previous_status: string }).previous_status).toBe('scheduled');
      expect((await conversations.findForPair(a.ctx, a.phone.id, m.contactId))!.lastMessagePreview).toBe('reminder');
      // A second release (the sweep, another worker) finds nothing to do.
      expect(await scheduled.release(await row(m.id), at)).toEqual({ kind: 'gone' });
    });

    it('fails at send_at when the window closed meanwhile and there is no fallback', async () => {
      const to = customer();
      await inbound(to, new Date(Date.now() - 23 * HOUR));
      const m = await send(a.ctx, { to, type: 'text', text: { body: 'late' }, send_at: inMinutes(2 * 60) });
      expect(await scheduled.release(await row(m.id), new Date(Date.now() + 2 * HOUR + MIN))).toEqual({
        kind: 'failed',
      });
      const failed = await row(m.id);
      expect(failed).toMatchObject({ status: 'failed', errorCode: 'outside_24h_window' });
      expect(presentMessage(failed).error).toMatchObject({
        code: 'outside_24h_window',
        message: expect.stringMatching(/template/),
      });
      expect(eventsFor(m.id, 'message.failed')).toHaveLength(1);
    });

    it('sends the fallback template at send_at when the window closed meanwhile, keeping the original', async () => {
      const to = customer();
      await inbound(to, new Date(Date.now() - 23 * HOUR));
      const m = await send(a.ctx, {
        to,
        type: 'text',
        text: { body: 'your order shipped' },
        send_at: inMinutes(2 * 60),
        fallback_template: tpl('order_note'),
      });
      expect(presentMessage(m)).toMatchObject({
        type: 'text',
        fallback_used: false,
        fallback_template: tpl('order_note'),
      });
      expect((await scheduled.release(await row(m.id), new Date(Date.now() + 2 * HOUR + MIN))).kind).toBe('queued');
      const sent = await row(m.id);
      expect(sent).toMatchObject({
        status: 'queued',
        type: 'template',
        content: tpl('order_note'),
        body: 'order_note',
      });
      expect(presentMessage(sent)).toMatchObject({
        type: 'template',
        template: tpl('order_note'),
        fallback_used: true,
        original: { type: 'text', text: { body: 'your order shipped' } },
      });
    });

    it('keeps the free-form message when the window is still open at send_at', async () => {
      const to = customer();
      await inbound(to, new Date());
      const m = await send(a.ctx, {
        to,
        type: 'text',
        text: { body: 'still open' },
        send_at: inMinutes(1),
        fallback_template: tpl('order_note'),
      });
      expect((await scheduled.release(await row(m.id), new Date(Date.now() + 2 * MIN))).kind).toBe('queued');
      expect(presentMessage(await row(m.id))).toMatchObject({ type: 'text', fallback_used: false });
    });

    it('refuses a marketing template at send_at when the contact opted out meanwhile', async () => {
      const to = customer();
      const m = await send(a.ctx, { to, type: 'template', template: tpl('spring_sale'), send_at: inMinutes(1) });
      await inbound(to, new Date(), 'stop');
      expect(await scheduled.release(await row(m.id), new Date(Date.now() + 2 * MIN))).toEqual({ kind: 'failed' });
      expect(await row(m.id)).toMatchObject({ status: 'failed', errorCode: 'contact_opted_out' });
    });

    it('the sweep releases overdue rows and arms the ones due before its next run', async () => {
      const to = customer();
      await inbound(to, new Date());
      const overdue = await send(a.ctx, { to, type: 'text', text: { body: 'overdue' }, send_at: inMinutes(1) });
      await t.prisma.db.message.update({ where: { id: overdue.id }, data: { sendAt: new Date(Date.now() - 1000) } });
      const soon = await send(a.ctx, { to, type: 'text', text: { body: 'soon' }, send_at: inMinutes(3 * 60) });
      // As after a restart: the row is due within the sweep's look-ahead but no job exists yet.
      await t.prisma.db.message.update({ where: { id: soon.id }, data: { sendAt: new Date(Date.now() + 1000) } });
      const jobs = async () => {
        const c = (await t.moduleRef.get(QueueDriver).getCounts())['message-delivery'];
        return c.waiting + c.delayed;
      };
      const jobsBefore = await jobs();
      const r = await t.moduleRef.get(MessagesSweeper).sweep();
      expect(r.scheduled).toBeGreaterThanOrEqual(1);
      // `soon` got its job; `overdue` already had one (armed at acceptance), so enqueueing it again was a no-op.
      expect(await jobs()).toBe(jobsBefore + 1);
      expect((await row(overdue.id)).status).toBe('queued');
      expect((await row(soon.id)).status).toBe('scheduled');
    });
  });

  describe('cancel', () => {
    it('cancels a scheduled message once (audited, status event), answers a repeat, and then never releases it', async () => {
      const to = customer();
      await inbound(to, new Date());
      const m = await send(a.ctx, { to, type: 'text', text: { body: 'cancel me' }, send_at: inMinutes(10) });
      const canceled = await scheduled.cancel(a.ctx, m.id);
      expect(canceled).toMatchObject({ status: 'canceled', canceledAt: expect.any(Date) });
      expect(presentMessage(canceled)).toMatchObject({ status: 'canceled', canceled_at: expect.any(String) });
      expect((await scheduled.cancel(a.ctx, m.id)).status).toBe('canceled');
      expect(await t.prisma.db.auditLog.count({ where: { targetId: m.id, action: 'message.canceled' } })).toBe(1);
      expect(
        eventsFor(m.id, 'message.status_updated').map(
          (e) => (e.data as { message: { status: string } }).message.status,
        ),
      ).toEqual(['canceled']);
      expect(await scheduled.release(await row(m.id), new Date(Date.now() + HOUR))).toEqual({ kind: 'gone' });
    });

    it("refuses messages that are not scheduled, and hides other organizations' messages", async () => {
      const to = customer();
      await inbound(to, new Date());
      const now = await send(a.ctx, { to, type: 'text', text: { body: 'now' } });
      await expect(scheduled.cancel(a.ctx, now.id)).rejects.toMatchObject({ code: 'invalid_state', status: 422 });
      const later = await send(a.ctx, { to, type: 'text', text: { body: 'later' }, send_at: inMinutes(10) });
      const err = await scheduled.cancel(b.ctx, later.id).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect(err).toMatchObject({ code: 'not_found', status: 404 });
      expect((await row(later.id)).status).toBe('scheduled');
    });
  });

  describe('fallback at acceptance', () => {
    it('sends the fallback template when the window is closed, the free-form message when it is open', async () => {
      const closed = await send(a.ctx, {
        to: customer(),
        type: 'text',
        text: { body: 'hello there' },
        fallback_template: tpl('order_note'),
      });
      expect(closed).toMatchObject({ status: 'queued', type: 'template', content: tpl('order_note') });
      expect(presentMessage(closed)).toMatchObject({
        fallback_used: true,
        original: { type: 'text', text: { body: 'hello there' } },
      });
      const to = customer();
      await inbound(to, new Date());
      const open = await send(a.ctx, {
        to,
        type: 'text',
        text: { body: 'hello again' },
        fallback_template: tpl('order_note'),
      });
      expect(presentMessage(open)).toMatchObject({ type: 'text', text: { body: 'hello again' }, fallback_used: false });
    });

    it('checks the fallback template up front, naming its field', async () => {
      const to = customer();
      await inbound(to, new Date());
      await expect(
        send(a.ctx, { to, type: 'text', text: { body: 'x' }, fallback_template: tpl('paused_note') }),
      ).rejects.toMatchObject({
        code: 'template_not_approved',
        details: expect.objectContaining({ param: 'fallback_template.name' }),
      });
      await expect(
        send(a.ctx, { to, type: 'text', text: { body: 'x' }, fallback_template: tpl('no_such') }),
      ).rejects.toMatchObject({ code: 'template_not_found' });
    });
  });

  describe('opt-out refusal', () => {
    it('refuses marketing templates (also as a fallback) to an opted-out contact, not utility ones', async () => {
      const to = customer();
      await inbound(to, new Date(Date.now() - 25 * HOUR), 'STOP');
      const contact = (await t.prisma.db.contact.findFirst({
        where: { organizationId: a.ctx.organizationId, waId: to },
      }))!;
      expect(contact.optedOut).toBe(true);
      const before = await t.prisma.db.message.count();
      const err = await send(a.ctx, { to, type: 'template', template: tpl('spring_sale') }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'contact_opted_out', status: 422 });
      expect((err as AppError).hint).toMatch(/utility or authentication/);
      await expect(
        send(a.ctx, { to, type: 'text', text: { body: 'x' }, fallback_template: tpl('spring_sale') }),
      ).rejects.toMatchObject({ code: 'contact_opted_out' });
      expect(await t.prisma.db.message.count()).toBe(before);
      expect((await send(a.ctx, { to, type: 'template', template: tpl('order_note') })).status).toBe('queued');
    });
  });
});
