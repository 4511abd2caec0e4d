import type { PhoneNumber } from '#db';
import { newId } from '../common/ids.js';
import type { TenantContext } from '../common/tenant-context.js';
import { ContactsService } from '../contacts/contacts.service.js';
import { MetaWebhookIngestService } from '../meta-webhooks/meta-webhook-ingest.service.js';
import { MessagesRepository } from '../messages/messages.repository.js';
import {
  createMessagingTestModule,
  inboundText,
  metaPayload,
  statusOf,
  type MessagingTestModule,
} from '../messages/testing/messaging-test-module.js';
import { OrganizationSettingsService } from '../settings/organization-settings.service.js';

/** Opt-out / opt-in keywords through the real Meta webhook ingest, and Meta's own opt-out (131050). */
describe('marketing opt-out (PostgreSQL, webhook ingest)', () => {
  let t: MessagingTestModule;
  let ingest: MetaWebhookIngestService;
  let a: { ctx: TenantContext; phone: PhoneNumber };
  let wamid = 0;

  beforeAll(async () => {
    t = await createMessagingTestModule();
    ingest = t.moduleRef.get(MetaWebhookIngestService);
    a = await t.organization();
  });
  afterAll(() => t?.close());

  const say = (from: string, text: string, id = `wamid.opt-${wamid++}`) => {
    const payload = metaPayload(a.phone.metaPhoneNumberId, inboundText(from, id, new Date(), text));
    return ingest.process(payload).then(() => payload);
  };
  const contactOf = (waId: string) =>
    t.prisma.db.contact.findFirstOrThrow({ where: { organizationId: a.ctx.organizationId, waId } });
  const audits = (contactId: string) =>
    t.prisma.db.auditLog.findMany({
      where: { organizationId: a.ctx.organizationId, targetId: contactId },
      orderBy: { id: 'asc' },
    });
  const updates = (contactId: string) =>
    t.events
      .filter((e) => e.type === 'contact.updated' && (e.data as { contact: { id: string } }).contact.id === contactId)
      .map((e) => (e.data as { contact: { opted_out: boolean } }).contact.opted_out);

  it('"STOP" opts the sender out (audited as system, contact.updated), once per message; "start" opts back in', async () => {
    const from = '628113000001';
    await say(from, 'halo');
    expect((await contactOf(from)).optedOut).toBe(false);
    const payload = await say(from, '  stop ');
    const out = await contactOf(from);
    expect(out).toMatchObject({ optedOut: true, optedOutAt: expect.any(Date) });
    await ingest.process(payload); // Meta redelivers the same message: nothing happens twice
    let log = await audits(out.id);
    expect(log.map((l) => l.action)).toEqual(['contact.opted_out']);
    expect(log[0]).toMatchObject({
      actorType: 'system',
      actorId: null,
      metadata: expect.objectContaining({ reason: 'keyword', keyword: 'STOP' }),
    });
    expect(updates(out.id)).toEqual([true]);

    await say(from, 'STOP'); // already out: no new record
    await say(from, 'Mulai');
    const back = await contactOf(from);
    expect(back).toMatchObject({ optedOut: false, optedOutAt: null });
    log = await audits(out.id);
    expect(log.map((l) => l.action)).toEqual(['contact.opted_out', 'contact.opted_in']);
    expect(log[1].metadata).toMatchObject({ reason: 'keyword', keyword: 'MULAI' });
    expect(updates(out.id)).toEqual([true, false]);
  });

  it('only a whole-message keyword counts, and the organization chooses its keywords', async () => {
    const from = '628113000002';
    await say(from, 'please stop calling me');
    expect((await contactOf(from)).optedOut).toBe(false);
    await t.moduleRef
      .get(OrganizationSettingsService)
      .update(a.ctx, { opt_out_keywords: ['keluar'], opt_in_keywords: ['masuk'] });
    try {
      await say(from, 'STOP');
      expect((await contactOf(from)).optedOut).toBe(false);
      await say(from, 'Keluar');
      expect((await contactOf(from)).optedOut).toBe(true);
      await say(from, 'MASUK');
      expect((await contactOf(from)).optedOut).toBe(false);
    } finally {
      await t.moduleRef
        .get(OrganizationSettingsService)
        .update(a.ctx, { opt_out_keywords: null, opt_in_keywords: null });
    }
  });

  it("Meta's 131050 failure marks the contact opted out, audited with its reason", async () => {
    const from = '628113000003';
    await say(from, 'halo');
    const contact = await contactOf(from);
    const message = await t.moduleRef.get(MessagesRepository).insert(a.ctx.organizationId, {
      id: newId('message'),
      phoneNumberId: a.phone.id,
      conversationId: (await t.prisma.db.conversation.findFirstOrThrow({ where: { contactId: contact.id } })).id,
      contactId: contact.id,
      direction: 'outbound',
      type: 'template',
      content: { name: 'promo', language: { code: 'en' } },
      status: 'sent',
      wamid: 'wamid.promo-1',
    });
    await ingest.process(
      metaPayload(a.phone.metaPhoneNumberId, {
        statuses: [
          statusOf('wamid.promo-1', 'failed', new Date(), {
            errors: [{ code: 131050, title: 'Unable to deliver the message' }],
          }),
        ],
      }),
    );
    expect((await t.moduleRef.get(MessagesRepository).findById(a.ctx.organizationId, message.id))!.errorCode).toBe(
      'meta_marketing_opted_out',
    );
    expect((await contactOf(from)).optedOut).toBe(true);
    expect((await audits(contact.id)).map((l) => [l.action, (l.metadata as { reason?: string }).reason])).toEqual([
      ['contact.opted_out', 'meta_131050'],
    ]);
    // ContactsService.markOptedOut is idempotent: a second 131050 changes nothing.
    expect(await t.moduleRef.get(ContactsService).markOptedOut(a.ctx, contact.id, new Date())).toBeNull();
  });
});
