import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { OrganizationsService } from '#domain';
import { SandboxAdminClient } from '#sandbox';
import { startTestApi, type TestApi } from './harness.js';
import { connectSdkClient, errorOf, textOf } from './mcp/mcp-client.js';
import { connectSandboxNumber, conversationWith, customerWrites, eventually } from './messaging-helpers.js';

/**
 * Guard rails on assistant sends, through the MCP SDK client against the running api (sends racing included),
 * their settings over REST, and inbound opt-out / opt-in keywords refusing and allowing marketing templates.
 */
describe('guard rails for assistant sends and marketing opt-out (e2e)', () => {
  let api: TestApi;
  let mcp: Client;
  let sandbox: SandboxAdminClient;
  let number: { id: string; phone_number_id: string };
  let other: { key: string };
  let n = 0;
  const customer = () => `+62816${String(Date.now() % 1_000_000).padStart(6, '0')}${String(n++).padStart(2, '0')}`;

  beforeAll(async () => {
    api = await startTestApi();
    await api.app.get(OrganizationsService).setLimits(api.bootstrap!.organizationId, { plan: 'enterprise' });
    sandbox = new SandboxAdminClient(api.config.sandboxGraphUrl);
    // The marketing template's header image points nowhere real.
    await sandbox.patchBehavior({ media_link_fetch: false });
    number = await connectSandboxNumber(api);
    other = {
      key: (await api.app.get(OrganizationsService).create({ name: 'Other', firstKey: { name: 'k' } })).plaintextKey!,
    };
    mcp = await connectSdkClient(api.url, api.key);
    await eventually(
      async () => ((await api.request('GET', '/v1/templates?name=promo_image')).body.data?.length ? true : undefined),
      'template sync',
    );
  });
  afterEach(() =>
    api.request('PATCH', '/v1/settings', {
      mcp_max_messages_per_recipient_per_hour: null,
      mcp_max_new_recipients_per_day: null,
      mcp_recipient_allow_list: null,
    }),
  );
  afterAll(async () => {
    await mcp?.close();
    await api?.close();
  });

  const sendTool = (args: Record<string, unknown>) =>
    mcp.callTool({
      name: 'send_message',
      arguments: { phone_number_id: number.id, ...args },
    }) as Promise<CallToolResult>;
  const codeOf = (r: CallToolResult) => (r.isError ? errorOf(r).code : 'ok');
  async function openWindow(text = 'halo'): Promise<string> {
    const phone = customer();
    await conversationWith(api, phone, await customerWrites(api, number.id, phone, text));
    return phone;
  }
  const orderUpdate = {
    name: 'order_update',
    language: { code: 'en' },
    components: [
      {
        type: 'body',
        parameters: [
          { type: 'text', text: 'Budi' },
          { type: 'text', text: 'A-9' },
        ],
      },
    ],
  };
  const promo = {
    name: 'promo_image',
    language: { code: 'en' },
    components: [
      { type: 'header', parameters: [{ type: 'image', image: { link: 'https://cdn.example.com/spring.jpg' } }] },
      { type: 'body', parameters: [{ type: 'text', text: 'Budi' }] },
      { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'spring' }] },
    ],
  };

  describe('settings', () => {
    it('shows the defaults, changes what a PATCH names (audited), validates, and stays per organization', async () => {
      const initial = await api.request('GET', '/v1/settings');
      expect(initial.body).toMatchObject({
        object: 'settings',
        mcp_max_messages_per_recipient_per_hour: 10,
        mcp_max_new_recipients_per_day: 50,
        mcp_recipient_allow_list: null,
        opt_out_keywords: ['STOP', 'BERHENTI', 'UNSUBSCRIBE'],
        opt_in_keywords: ['START', 'MULAI'],
      });
      const patched = await api.request('PATCH', '/v1/settings', {
        mcp_max_new_recipients_per_day: 7,
        mcp_recipient_allow_list: ['62 811 000 0001'],
      });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({
        mcp_max_new_recipients_per_day: 7,
        mcp_recipient_allow_list: ['+628110000001'],
        mcp_max_messages_per_recipient_per_hour: 10,
      });
      expect((await api.request('GET', '/v1/settings', undefined, api.auth(other.key))).body).toMatchObject({
        mcp_max_new_recipients_per_day: 50,
        mcp_recipient_allow_list: null,
      });
      const audit = await api.request('GET', '/v1/audit_logs?action=settings.updated');
      expect(audit.body.data[0].metadata).toMatchObject({
        changes: ['mcp_max_new_recipients_per_day', 'mcp_recipient_allow_list'],
      });
      for (const [body, param] of [
        [{ mcp_max_messages_per_recipient_per_hour: 0 }, 'mcp_max_messages_per_recipient_per_hour'],
        [{ mcp_recipient_allow_list: ['not a phone'] }, 'mcp_recipient_allow_list[0]'],
        [{ opt_in_keywords: ['stop'] }, 'opt_in_keywords'],
        [{ surprise: true }, 'surprise'],
      ] as const) {
        const res = await api.request('PATCH', '/v1/settings', body);
        expect([res.status, res.body.error.param]).toEqual([400, param]);
      }
    });
  });

  describe('guard rails (MCP send_message)', () => {
    it('admits exactly the per-recipient hourly limit when the assistant races sends to one customer', async () => {
      await api.request('PATCH', '/v1/settings', { mcp_max_messages_per_recipient_per_hour: 2 });
      const phone = await openWindow();
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) => sendTool({ to: phone, type: 'text', text: { body: `update ${i}` } })),
      );
      expect(results.map(codeOf).sort()).toEqual([
        'guard_rail_recipient_rate',
        'guard_rail_recipient_rate',
        'guard_rail_recipient_rate',
        'guard_rail_recipient_rate',
        'ok',
        'ok',
      ]);
      const refused = results.find((r) => r.isError)!;
      // The model reads a next step: when it may send again, and what else it can do.
      expect(errorOf(refused).message).toMatch(/next one is allowed at \d{4}-\d{2}-\d{2}T/);
      expect(textOf(refused).split('\n')[1]).toMatch(/Do not retry before/);
      const list = await api.request('GET', `/v1/messages?direction=outbound&limit=50`);
      expect(
        list.body.data.filter((m: { to: string; source: string }) => m.to === phone && m.source === 'mcp'),
      ).toHaveLength(2);
      // A person (REST) is not limited by the assistant's guard rails.
      expect(
        (await api.request('POST', '/v1/messages', { to: phone, type: 'text', text: { body: 'from the team' } }))
          .status,
      ).toBe(202);
    });

    // Before any other test of this file has the assistant message a stranger: the count is per organization and day.
    it('admits exactly the daily limit of new recipients when sends to strangers race', async () => {
      await api.request('PATCH', '/v1/settings', { mcp_max_new_recipients_per_day: 1 });
      const strangers = [customer(), customer(), customer()];
      const results = await Promise.all(
        strangers.map((to) => sendTool({ to, type: 'template', template: orderUpdate })),
      );
      expect(results.map(codeOf).sort()).toEqual(['guard_rail_new_recipients', 'guard_rail_new_recipients', 'ok']);
      expect(textOf(results.find((r) => r.isError)!)).toMatch(/already have a conversation/);
      // Someone who wrote to us is not a new recipient.
      expect(codeOf(await sendTool({ to: await openWindow(), type: 'text', text: { body: 'hi' } }))).toBe('ok');
    });

    it('keeps the assistant to the allow-list when one is set', async () => {
      const allowed = await openWindow();
      const stranger = await openWindow();
      await api.request('PATCH', '/v1/settings', { mcp_recipient_allow_list: [allowed] });
      const refused = await sendTool({ to: stranger, type: 'text', text: { body: 'x' } });
      expect(errorOf(refused)).toMatchObject({ code: 'guard_rail_recipient_not_allowed', param: 'to' });
      expect(textOf(refused)).toMatch(/allow-list/);
      expect(codeOf(await sendTool({ to: allowed, type: 'text', text: { body: 'x' } }))).toBe('ok');
    });

    it('lets the assistant schedule a send (send_at) and fall back to a template', async () => {
      const sendAt = new Date(Date.now() + 60 * 60_000).toISOString();
      const r = await sendTool({
        to: await openWindow(),
        type: 'text',
        text: { body: 'later' },
        send_at: sendAt,
        response_format: 'detailed',
      });
      expect(r.structuredContent).toMatchObject({ status: 'scheduled', send_at: sendAt, source: 'mcp' });
      const fb = await sendTool({ to: customer(), type: 'text', text: { body: 'hi' }, fallback_template: orderUpdate });
      expect(textOf(fb)).toMatch(/fallback template was sent/);
    });
  });

  describe('opt-out keywords', () => {
    it('"STOP" refuses marketing templates (REST and MCP) but not utility ones; "start" opts back in', async () => {
      const phone = await openWindow();
      await customerWrites(api, number.id, phone, ' Stop ');
      const contact = await eventually(async () => {
        const c = (await api.request('GET', `/v1/contacts?phone=${encodeURIComponent(phone)}`)).body.data[0];
        return c?.opted_out ? c : undefined;
      }, 'the contact to be opted out');
      expect(contact.opted_out_at).toEqual(expect.any(String));
      const optedOut = await api.request('GET', `/v1/audit_logs?target_id=${contact.id}&action=contact.opted_out`);
      expect(optedOut.body.data).toHaveLength(1);
      expect(optedOut.body.data[0]).toMatchObject({
        actor: { type: 'system' },
        metadata: { reason: 'keyword', keyword: 'STOP' },
      });

      const marketing = await api.request('POST', '/v1/messages', { to: phone, type: 'template', template: promo });
      expect([marketing.status, marketing.body.error.code]).toEqual([422, 'contact_opted_out']);
      const viaMcp = await sendTool({ to: phone, type: 'template', template: promo });
      expect(errorOf(viaMcp).code).toBe('contact_opted_out');
      expect(textOf(viaMcp)).toMatch(/utility or authentication template/);
      expect(
        (await api.request('POST', '/v1/messages', { to: phone, type: 'template', template: orderUpdate })).status,
      ).toBe(202);

      await customerWrites(api, number.id, phone, 'START');
      await eventually(
        async () =>
          (await api.request('GET', `/v1/contacts/${contact.id}`)).body.opted_out === false ? true : undefined,
        'the contact to opt back in',
      );
      expect(
        (await api.request('GET', `/v1/audit_logs?target_id=${contact.id}&action=contact.opted_in`)).body.data,
      ).toHaveLength(1);
      const again = await api.request('POST', '/v1/messages', { to: phone, type: 'template', template: promo });
      expect(again.status).toBe(202);
    });
  });
});
