import type { PhoneNumber } from '#db';
import { newId } from '../common/ids.js';
import { validateDto } from '../common/validation.js';
import type { TenantContext } from '../common/tenant-context.js';
import { MetaWebhookIngestService } from '../meta-webhooks/meta-webhook-ingest.service.js';
import { SendMessageDto } from '../messages/dto/send-message.dto.js';
import { MessagesRepository } from '../messages/messages.repository.js';
import { MessagesService } from '../messages/messages.service.js';
import { createMessagingTestModule, inboundText, metaPayload, statusOf, type MessagingTestModule } from '../messages/testing/messaging-test-module.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';

/**
 * Events as an outbox: a change and the customer-webhook deliveries announcing it commit together. The failure is
 * real — a PostgreSQL trigger refuses inserts into webhook_delivery while the test holds the fault — so the change
 * must roll back with it and be announced when retried. Before the outbox, the change committed first and the
 * event was lost (a retry found nothing left to move).
 */
describe('domain events commit with their change (PostgreSQL)', () => {
  let t: MessagingTestModule;
  let ingest: MetaWebhookIngestService;
  let messages: MessagesService;
  let repo: MessagesRepository;

  beforeAll(async () => {
    t = await createMessagingTestModule({}, [WebhooksModule]);
    ingest = t.moduleRef.get(MetaWebhookIngestService);
    messages = t.moduleRef.get(MessagesService);
    repo = t.moduleRef.get(MessagesRepository);
    await t.prisma.client.$executeRawUnsafe('CREATE TABLE test_fault (target text PRIMARY KEY)');
    await t.prisma.client.$executeRawUnsafe(`CREATE FUNCTION test_fault_check() RETURNS trigger AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM test_fault WHERE target = TG_TABLE_NAME) THEN RAISE EXCEPTION 'test fault: % refused', TG_TABLE_NAME; END IF;
        RETURN NEW;
      END $$ LANGUAGE plpgsql`);
    await t.prisma.client.$executeRawUnsafe('CREATE TRIGGER webhook_delivery_fault BEFORE INSERT ON webhook_delivery FOR EACH ROW EXECUTE FUNCTION test_fault_check()');
  });
  afterAll(() => t?.close());

  const failDeliveries = (on: boolean) =>
    on
      ? t.prisma.client.$executeRawUnsafe(`INSERT INTO test_fault VALUES ('webhook_delivery')`)
      : t.prisma.client.$executeRawUnsafe(`DELETE FROM test_fault WHERE target = 'webhook_delivery'`);
  afterEach(() => failDeliveries(false));

  /** An organization with one active subscription to every event (so every event becomes a delivery row). */
  async function subscribedOrganization(): Promise<{ ctx: TenantContext; phone: PhoneNumber }> {
    const org = await t.organization();
    await t.prisma.db.webhookSubscription.create({
      data: { id: newId('webhookSubscription'), organizationId: org.ctx.organizationId, url: 'https://hooks.example.test/in', events: ['*'], secretEnc: 'unused' },
    });
    return org;
  }

  const deliveries = (organizationId: string, eventType: string) =>
    t.prisma.db.webhookDelivery.findMany({ where: { organizationId, eventType }, select: { payload: true } }).then((rows) => rows.map((r) => (r.payload as { data: Record<string, never> }).data));

  it('rolls a status move back when its delivery cannot be recorded, and announces it when the webhook is retried', async () => {
    const a = await subscribedOrganization();
    await ingest.process(metaPayload(a.phone.metaPhoneNumberId, inboundText('628222000001', 'wamid.ob-in-1', new Date(), 'halo')));
    const m = await messages.send(a.ctx, await validateDto(SendMessageDto, { phone_number_id: a.phone.id, to: '628222000001', type: 'text', text: { body: 'shipped' } }));
    await repo.transition(a.ctx.organizationId, m.id, ['queued'], { status: 'sending', sendingAt: new Date() });
    const sent = metaPayload(a.phone.metaPhoneNumberId, { statuses: [statusOf('wamid.ob-out-1', 'sent', new Date(), { biz_opaque_callback_data: m.id })] });

    await failDeliveries(true);
    await expect(ingest.process(sent)).rejects.toThrow(/test fault/);
    expect((await repo.findById(a.ctx.organizationId, m.id))!.status).toBe('sending');
    expect(await deliveries(a.ctx.organizationId, 'message.status_updated')).toHaveLength(0);

    await failDeliveries(false);
    await ingest.process(sent); // what the inbound-events queue does with the stored webhook
    expect((await repo.findById(a.ctx.organizationId, m.id))!).toMatchObject({ status: 'sent', wamid: 'wamid.ob-out-1' });
    const announced = await deliveries(a.ctx.organizationId, 'message.status_updated');
    expect(announced).toEqual([expect.objectContaining({ previous_status: 'sending', message: expect.objectContaining({ id: m.id, status: 'sent' }) })]);
  });

  it('stores nothing of an inbound message whose events cannot be recorded; the retry stores and announces it once', async () => {
    const a = await subscribedOrganization();
    const payload = metaPayload(a.phone.metaPhoneNumberId, inboundText('628222000002', 'wamid.ob-in-2', new Date(), 'where is my order?'));

    await failDeliveries(true);
    await expect(ingest.process(payload)).rejects.toThrow(/test fault/);
    expect(await t.prisma.db.message.count({ where: { wamid: 'wamid.ob-in-2' } })).toBe(0);
    expect(await t.prisma.db.contact.count({ where: { organizationId: a.ctx.organizationId } })).toBe(0);

    await failDeliveries(false);
    expect(await ingest.process(payload)).toMatchObject({ messages: 1 });
    expect(await ingest.process(payload)).toMatchObject({ messages: 0, duplicates: 1 });
    expect(await deliveries(a.ctx.organizationId, 'message.received')).toEqual([expect.objectContaining({ message: expect.objectContaining({ wamid: 'wamid.ob-in-2' }) })]);
    expect(await deliveries(a.ctx.organizationId, 'contact.created')).toHaveLength(1);
    expect(await deliveries(a.ctx.organizationId, 'conversation.created')).toHaveLength(1);
  });

  it('refuses a send whose message.created cannot be recorded, leaving no message, contact or conversation behind', async () => {
    const a = await subscribedOrganization();
    const template = { phone_number_id: a.phone.id, to: '628222000003', type: 'text', text: { body: 'hello' } };
    await ingest.process(metaPayload(a.phone.metaPhoneNumberId, inboundText('628222000003', 'wamid.ob-in-3', new Date(), 'halo')));
    const before = await t.prisma.db.message.count({ where: { organizationId: a.ctx.organizationId } });

    await failDeliveries(true);
    await expect(messages.send(a.ctx, await validateDto(SendMessageDto, template))).rejects.toThrow(/test fault/);
    expect(await t.prisma.db.message.count({ where: { organizationId: a.ctx.organizationId } })).toBe(before);

    await failDeliveries(false);
    const m = await messages.send(a.ctx, await validateDto(SendMessageDto, template));
    expect(await deliveries(a.ctx.organizationId, 'message.created')).toEqual([expect.objectContaining({ message: expect.objectContaining({ id: m.id }) })]);
  });

  it('records nothing, and so cannot fail, for an organization without subscriptions', async () => {
    const a = await t.organization();
    await failDeliveries(true);
    expect(await ingest.process(metaPayload(a.phone.metaPhoneNumberId, inboundText('628222000004', 'wamid.ob-in-4', new Date(), 'halo')))).toMatchObject({ messages: 1 });
    const m = await messages.send(a.ctx, await validateDto(SendMessageDto, { phone_number_id: a.phone.id, to: '628222000004', type: 'text', text: { body: 'ok' } }));
    await repo.transition(a.ctx.organizationId, m.id, ['queued'], { status: 'sending', sendingAt: new Date() });
    await ingest.process(metaPayload(a.phone.metaPhoneNumberId, { statuses: [statusOf('wamid.ob-out-4', 'delivered', new Date(), { biz_opaque_callback_data: m.id })] }));
    expect((await repo.findById(a.ctx.organizationId, m.id))!.status).toBe('delivered');
    expect(await t.prisma.db.webhookDelivery.count({ where: { organizationId: a.ctx.organizationId } })).toBe(0);
  });
});
