import type { PhoneNumber } from '#db';
import { AppError } from '../common/app-error.js';
import { newId } from '../common/ids.js';
import type { TenantContext } from '../common/tenant-context.js';
import { validateDto } from '../common/validation.js';
import { MetaWebhookIngestService } from '../meta-webhooks/meta-webhook-ingest.service.js';
import { SendMessageDto } from '../messages/dto/send-message.dto.js';
import { MessagesService } from '../messages/messages.service.js';
import {
  createMessagingTestModule,
  inboundText,
  metaPayload,
  type MessagingTestModule,
} from '../messages/testing/messaging-test-module.js';
import { OrganizationSettingsService } from '../settings/organization-settings.service.js';

/**
 * The assistant guard rails against PostgreSQL, with sends racing: the advisory locks taken in the send
 * transaction must make the counts exact (no over-admission), as they would across api replicas.
 */
describe('assistant guard rails (PostgreSQL, concurrent sends)', () => {
  let t: MessagingTestModule;
  let messages: MessagesService;
  let settings: OrganizationSettingsService;
  let n = 0;
  const customer = () => `62811400${String(n++).padStart(4, '0')}`;

  beforeAll(async () => {
    t = await createMessagingTestModule();
    messages = t.moduleRef.get(MessagesService);
    settings = t.moduleRef.get(OrganizationSettingsService);
  });
  afterAll(() => t?.close());

  async function organization(s: Parameters<OrganizationSettingsService['update']>[1]) {
    const org = await t.organization();
    await settings.update(org.ctx, s);
    await t.prisma.db.template.create({
      data: {
        id: newId('template'),
        organizationId: org.ctx.organizationId,
        wabaId: org.phone.wabaId,
        name: 'order_note',
        language: 'en',
        category: 'UTILITY',
        status: 'APPROVED',
        components: [{ type: 'BODY', text: 'Hello' }],
      },
    });
    return { ...org, mcp: { ...org.ctx, via: 'mcp' } as TenantContext };
  }
  const send = async (ctx: TenantContext, body: object) => messages.send(ctx, await validateDto(SendMessageDto, body));
  const outcome = (p: Promise<unknown>) =>
    p.then(
      () => 'ok',
      (e: unknown) => (e instanceof AppError ? e.code : `unexpected: ${String(e)}`),
    );
  const writes = (org: { phone: PhoneNumber }, from: string) =>
    t.moduleRef
      .get(MetaWebhookIngestService)
      .process(
        metaPayload(org.phone.metaPhoneNumberId, inboundText(from, `wamid.${newId('message')}`, new Date(), 'halo')),
      );

  it('admits exactly the per-recipient limit when sends to one recipient race', async () => {
    const org = await organization({ mcp_max_messages_per_recipient_per_hour: 3 });
    const to = customer();
    await writes(org, to);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => outcome(send(org.mcp, { to, type: 'text', text: { body: `m${i}` } }))),
    );
    expect(results.filter((r) => r === 'ok')).toHaveLength(3);
    expect(results.filter((r) => r !== 'ok')).toEqual(Array(5).fill('guard_rail_recipient_rate'));
    expect(
      await t.prisma.db.message.count({ where: { organizationId: org.ctx.organizationId, direction: 'outbound' } }),
    ).toBe(3);
    // The refusal says when to try again, and REST sends are not the assistant's: they pass.
    const err = (await send(org.mcp, { to, type: 'text', text: { body: 'again' } }).catch(
      (e: unknown) => e,
    )) as AppError;
    expect(err.message).toMatch(/next one is allowed at \d{4}-/);
    expect((await send(org.ctx, { to, type: 'text', text: { body: 'from a person' } })).source).toBe('api');
    // Another recipient has its own allowance.
    const other = customer();
    await writes(org, other);
    expect((await send(org.mcp, { to: other, type: 'text', text: { body: 'hi' } })).source).toBe('mcp');
  });

  it('admits exactly the new-recipient limit when sends to new contacts race; known contacts do not count', async () => {
    const org = await organization({ mcp_max_new_recipients_per_day: 2 });
    const known = customer();
    await writes(org, known);
    const fresh = Array.from({ length: 6 }, customer);
    const results = await Promise.all(
      fresh.map((to) =>
        outcome(send(org.mcp, { to, type: 'template', template: { name: 'order_note', language: { code: 'en' } } })),
      ),
    );
    expect(results.filter((r) => r === 'ok')).toHaveLength(2);
    expect(results.filter((r) => r !== 'ok')).toEqual(Array(4).fill('guard_rail_new_recipients'));
    // Refused recipients left nothing behind (no contact, no conversation).
    const refused = fresh.filter((_, i) => results[i] !== 'ok');
    expect(
      await t.prisma.db.contact.count({ where: { organizationId: org.ctx.organizationId, waId: { in: refused } } }),
    ).toBe(0);
    // Someone who wrote to us is not new; an admitted recipient is not new any more either.
    expect((await send(org.mcp, { to: known, type: 'text', text: { body: 'hi' } })).status).toBe('queued');
    const admitted = fresh.find((_, i) => results[i] === 'ok')!;
    expect(
      (
        await send(org.mcp, {
          to: admitted,
          type: 'template',
          template: { name: 'order_note', language: { code: 'en' } },
        })
      ).status,
    ).toBe('queued');
    // A person may still start new conversations.
    expect(
      (
        await send(org.ctx, {
          to: customer(),
          type: 'template',
          template: { name: 'order_note', language: { code: 'en' } },
        })
      ).status,
    ).toBe('queued');
  });

  it('keeps assistant sends to the allow-list, normalizing its numbers', async () => {
    const allowed = customer();
    const org = await organization({ mcp_recipient_allow_list: [`+${allowed.slice(0, 4)} ${allowed.slice(4)}`] });
    await writes(org, allowed);
    const stranger = customer();
    await writes(org, stranger);
    await expect(send(org.mcp, { to: stranger, type: 'text', text: { body: 'x' } })).rejects.toMatchObject({
      code: 'guard_rail_recipient_not_allowed',
      status: 422,
    });
    expect((await send(org.mcp, { to: allowed, type: 'text', text: { body: 'x' } })).status).toBe('queued');
    expect((await send(org.ctx, { to: stranger, type: 'text', text: { body: 'x' } })).status).toBe('queued');
    await settings.update(org.ctx, { mcp_recipient_allow_list: null });
    expect((await send(org.mcp, { to: stranger, type: 'text', text: { body: 'now allowed' } })).status).toBe('queued');
  });

  it("settings updates are partial, audited, and leave other features' keys alone", async () => {
    const org = await t.organization();
    await t.prisma.db.organization.update({
      where: { id: org.ctx.organizationId },
      data: { settings: { retention: { media_days: 30 } } },
    });
    const v = await settings.update(org.ctx, {
      mcp_max_new_recipients_per_day: 5,
      opt_out_keywords: ['stop', 'Stop '],
    });
    expect(v.settings).toMatchObject({
      mcpMaxNewRecipientsPerDay: 5,
      optOutKeywords: ['STOP'],
      mcpMaxMessagesPerRecipientPerHour: 10,
    });
    await settings.update(org.ctx, { mcp_max_messages_per_recipient_per_hour: 4 });
    const stored = (await t.prisma.db.organization.findUniqueOrThrow({ where: { id: org.ctx.organizationId } }))
      .settings;
    expect(stored).toEqual({
      retention: { media_days: 30 },
      mcp_max_new_recipients_per_day: 5,
      opt_out_keywords: ['STOP'],
      mcp_max_messages_per_recipient_per_hour: 4,
    });
    await settings.update(org.ctx, { mcp_max_new_recipients_per_day: null });
    expect((await settings.get(org.ctx)).settings.mcpMaxNewRecipientsPerDay).toBe(50);
    const log = await t.prisma.db.auditLog.findMany({
      where: { organizationId: org.ctx.organizationId, action: 'settings.updated' },
      orderBy: { id: 'asc' },
    });
    expect(log.map((l) => (l.metadata as { changes: string[] }).changes)).toEqual([
      ['mcp_max_new_recipients_per_day', 'opt_out_keywords'],
      ['mcp_max_messages_per_recipient_per_hour'],
      ['mcp_max_new_recipients_per_day'],
    ]);
    // Nothing to change: nothing recorded.
    await settings.update(org.ctx, {});
    expect(
      await t.prisma.db.auditLog.count({
        where: { organizationId: org.ctx.organizationId, action: 'settings.updated' },
      }),
    ).toBe(3);
  });
});
