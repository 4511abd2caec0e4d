import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ApiKeysService, OrganizationsService, systemContext } from '#domain';
import { McpToolRegistry } from '../../src/mcp/mcp-tool-registry.js';
import { startTestApi, type TestApi } from '../harness.js';
import { connectSdkClient, errorOf, postMcp, textOf } from './mcp-client.js';

const CUSTOMER = '+628123456789';
/** Never wrote to us: its window is closed. */
const COLD_CUSTOMER = '+628111111111';

const ALL_TOOLS = [
  'add_contact_note',
  'get_contact_context',
  'get_conversation',
  'get_project_info',
  'list_conversations',
  'list_phone_numbers',
  'list_templates',
  'mark_messages_read',
  'search_contacts',
  'search_conversations',
  'search_messages',
  'send_message',
  'set_conversation_status',
  'update_contact',
];

async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | null | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

describe('MCP tools (SDK client against the running api, worker processors and sandbox)', () => {
  let api: TestApi;
  let client: Client;
  let otherClient: Client;
  let orgId: string;
  let phoneNumber: { id: string; phone_number_id: string };
  let conversationId: string;
  let contactId: string;

  const call = async (name: string, args: Record<string, unknown> = {}, c: Client = client) =>
    (await c.callTool({ name, arguments: args })) as CallToolResult;
  const ok = async (name: string, args: Record<string, unknown> = {}, c: Client = client) => {
    const result = await call(name, args, c);
    if (result.isError) throw new Error(`${name} failed: ${textOf(result)}`);
    return result;
  };
  const detailed = async (name: string, args: Record<string, unknown> = {}) =>
    (await ok(name, { ...args, response_format: 'detailed' })).structuredContent as Record<string, any>;

  beforeAll(async () => {
    api = await startTestApi({ redis: true });
    const orgs = api.app.get(OrganizationsService);
    orgId = (await orgs.list())[0].id;
    client = await connectSdkClient(api.url, api.key);
    const other = await orgs.create({ name: 'Other org', firstKey: { name: 'other' } });
    otherClient = await connectSdkClient(api.url, other.plaintextKey!, 'x-api-key');

    const connected = await api.request('POST', '/v1/phone_numbers', { sandbox: true });
    expect(connected.status).toBe(201);
    phoneNumber = connected.body;
    // The customer writes first: their 24-hour window opens.
    const inbound = await api.request('POST', '/v1/sandbox/inbound', {
      phone_number_id: phoneNumber.id,
      from: CUSTOMER,
      type: 'text',
      profile_name: 'Budi',
      text: { body: 'Hi, where is my package?' },
    });
    expect(inbound.status).toBe(202);
    const conversation = await waitFor(
      'the inbound conversation',
      async () => (await detailed('list_conversations', { phone_number_id: phoneNumber.id })).data[0],
    );
    conversationId = conversation.id;
    contactId = conversation.contact_id;
    // Templates arrive through the sync job queued on connect.
    await waitFor('synced templates', async () => (await detailed('list_templates')).data.length > 0);
  });

  afterAll(async () => {
    await client?.close();
    await otherClient?.close();
    await api?.close();
  });

  describe('initialize and tools/list', () => {
    it('initializes with server info, the tools capability and instructions', () => {
      expect(client.getServerVersion()).toMatchObject({ name: 'kdv-whatsapp' });
      expect(client.getServerCapabilities()?.tools).toBeDefined();
      expect(client.getInstructions()).toMatch(/list_phone_numbers first/);
    });

    it('lists every tool with a description, an object schema and annotations (snapshot)', async () => {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual(ALL_TOOLS);
      for (const t of tools) {
        expect(t.description!.length).toBeGreaterThan(60);
        expect(t.inputSchema.type).toBe('object');
        expect(t.inputSchema.properties?.response_format).toBeDefined();
        expect(t.annotations?.readOnlyHint).toBeDefined();
        expect(JSON.stringify(t.inputSchema)).not.toContain('$ref');
      }
      expect(
        tools.map((t) => ({ name: t.name, title: t.title, annotations: t.annotations, inputSchema: t.inputSchema })),
      ).toMatchSnapshot();
    });

    it('annotates reads, sends and status changes as MCP.md says', async () => {
      const { tools } = await client.listTools();
      const byName = Object.fromEntries(tools.map((t) => [t.name, t.annotations]));
      for (const read of [
        'list_phone_numbers',
        'list_conversations',
        'get_conversation',
        'search_contacts',
        'list_templates',
        'get_contact_context',
        'search_conversations',
        'search_messages',
        'get_project_info',
      ])
        expect(byName[read]).toMatchObject({ readOnlyHint: true });
      expect(byName.send_message).toMatchObject({
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: false,
        openWorldHint: true,
      });
      expect(byName.set_conversation_status).toMatchObject({ readOnlyHint: false, idempotentHint: true });
      expect(byName.mark_messages_read).toMatchObject({ readOnlyHint: false, idempotentHint: true });
    });

    it('works with X-API-Key as well (the other org client connected that way)', async () => {
      expect(otherClient.getServerVersion()?.name).toBe('kdv-whatsapp');
    });
  });

  describe('one contract with REST', () => {
    it("every tool's REST twin is a real route", async () => {
      const openapi = (await api.request('GET', '/v1/openapi.json')).body as {
        paths: Record<string, Record<string, unknown>>;
      };
      const twins = api.app.get(McpToolRegistry).twins;
      expect(twins.map((t) => t.tool).sort()).toEqual(ALL_TOOLS);
      for (const { tool, restTwin } of twins) {
        const [method, path] = restTwin.split(' ');
        expect([tool, openapi.paths[path]?.[method.toLowerCase()] !== undefined]).toEqual([tool, true]);
      }
    });

    it.each([
      ['list_phone_numbers', {}, '/v1/phone_numbers'],
      ['search_contacts', { phone: CUSTOMER }, `/v1/contacts?phone=${encodeURIComponent(CUSTOMER)}`],
      ['list_templates', { status: 'APPROVED' }, '/v1/templates?status=APPROVED'],
    ])('%s detailed is the JSON its REST twin answers', async (name, args, path) => {
      const [mcp, rest] = [await detailed(name, args), await api.request('GET', path)];
      expect(mcp).toEqual(rest.body);
    });
  });

  describe('the plain-language flow: "send a WhatsApp to +628123456789 saying the package arrives tomorrow"', () => {
    it('lists numbers, sends, and the message reaches delivered in the sandbox', async () => {
      const numbers = await call('list_phone_numbers');
      expect(textOf(numbers)).toContain(phoneNumber.id);
      const sent = await ok('send_message', {
        phone_number_id: phoneNumber.id,
        to: CUSTOMER,
        type: 'text',
        text: { body: 'Good news: your package arrives tomorrow.' },
      });
      const messageId = /msg_[A-Za-z0-9]+/.exec(textOf(sent))?.[0];
      expect(messageId).toBeDefined();
      const delivered = await waitFor('delivered', async () => {
        const conversation = await detailed('get_conversation', { conversation_id: conversationId });
        const m = conversation.messages.find((x: { id: string }) => x.id === messageId);
        return ['delivered', 'read'].includes(m?.status) ? m : undefined;
      });
      expect(delivered).toMatchObject({
        direction: 'outbound',
        to: CUSTOMER,
        type: 'text',
        text: { body: 'Good news: your package arrives tomorrow.' },
      });
    });
  });

  describe('outside the 24-hour window', () => {
    it('refuses free text with a readable isError, then sends an approved template', async () => {
      const refused = await call('send_message', { to: COLD_CUSTOMER, type: 'text', text: { body: 'Hello?' } });
      expect(errorOf(refused).code).toBe('outside_24h_window');
      expect(textOf(refused)).toMatch(/list_templates/);

      const templates = await detailed('list_templates', { phone_number_id: phoneNumber.id });
      expect(templates.data.every((t: { status: string }) => t.status === 'APPROVED')).toBe(true);
      const hello = templates.data.find((t: { name: string }) => t.name === 'hello_world');
      expect(hello).toBeDefined();
      const sent = await detailed('send_message', {
        to: COLD_CUSTOMER,
        type: 'template',
        template: { name: hello.name, language: { code: hello.language } },
      });
      expect(sent).toMatchObject({ object: 'message', type: 'template', to: COLD_CUSTOMER });
      await waitFor('template delivered', async () => {
        const res = await api.request('GET', `/v1/messages/${sent.id}`);
        return ['delivered', 'read'].includes(res.body?.status);
      });
    });
  });

  describe('every tool, called successfully', () => {
    it('get_project_info: GET /v1/me plus the connected numbers count', async () => {
      expect(textOf(await ok('get_project_info'))).toContain(orgId);
      const me = (await api.request('GET', '/v1/me')).body;
      expect(await detailed('get_project_info')).toEqual({ ...me, phone_numbers_count: 1 });
      expect(await detailed('get_project_info')).toMatchObject({
        object: 'organization',
        id: orgId,
        limits: { writes_per_minute: expect.any(Number) },
      });
    });

    it('list_phone_numbers', async () => {
      const list = await detailed('list_phone_numbers');
      expect(list.data).toEqual([expect.objectContaining({ id: phoneNumber.id, is_sandbox: true, status: 'active' })]);
    });

    it('list_templates shows approved templates with their parameters', async () => {
      const text = textOf(await ok('list_templates', { phone_number_id: phoneNumber.phone_number_id }));
      expect(text).toContain('order_update');
      expect(text).toContain('APPROVED');
    });

    it('search_contacts by phone and by name', async () => {
      const byPhone = await detailed('search_contacts', { phone: CUSTOMER.slice(1) });
      expect(byPhone.data.map((c: { id: string }) => c.id)).toEqual([contactId]);
      const byName = await detailed('search_contacts', { search: 'budi' });
      expect(byName.data.map((c: { id: string }) => c.id)).toContain(contactId);
      expect(textOf(await ok('search_contacts', { search: 'nobody-like-this' }))).toMatch(/No contacts/);
    });

    it('list_conversations and search_conversations', async () => {
      const list = await detailed('list_conversations', { phone_number_id: phoneNumber.id });
      expect(list.data.map((c: { id: string }) => c.id)).toContain(conversationId);
      const concise = textOf(await ok('list_conversations'));
      expect(concise).toContain(conversationId);
      const byPhone = await detailed('search_conversations', { q: '8123456789' });
      expect(byPhone.data.map((c: { id: string }) => c.id)).toEqual([conversationId]);
      const none = await detailed('search_conversations', { q: 'Budi', until: '2000-01-01T00:00:00Z' });
      expect(none.data).toEqual([]);
    });

    it('get_conversation: detailed by default, message_limit honoured', async () => {
      const result = await ok('get_conversation', { conversation_id: conversationId, message_limit: 1 });
      const data = result.structuredContent as Record<string, any>;
      expect(data).toMatchObject({ object: 'conversation', id: conversationId, contact_id: contactId });
      expect(data.messages).toHaveLength(1);
      const concise = textOf(
        await ok('get_conversation', { conversation_id: conversationId, response_format: 'concise' }),
      );
      expect(concise).toContain('where is my package');
    });

    it('get_contact_context', async () => {
      const ctx = (await ok('get_contact_context', { contact_id: contactId })).structuredContent as Record<string, any>;
      expect(ctx).toMatchObject({
        object: 'contact_context',
        contact: { id: contactId },
        last_conversation: { id: conversationId },
      });
      expect(ctx.recent_messages.length).toBeGreaterThan(0);
      // The same shape as the REST twin.
      const rest = await api.request('GET', `/v1/contacts/${contactId}/context`);
      expect(Object.keys(ctx).sort()).toEqual(Object.keys(rest.body).sort());
    });

    it('add_contact_note and update_contact', async () => {
      const note = await detailed('add_contact_note', {
        contact_id: contactId,
        body: 'Asked about the package twice.',
      });
      expect(note).toMatchObject({ object: 'contact_note', contact_id: contactId });
      const updated = await detailed('update_contact', {
        contact_id: contactId,
        name: 'Budi Santoso',
        metadata: { tier: 'gold' },
      });
      expect(updated).toMatchObject({ id: contactId, name: 'Budi Santoso', metadata: { tier: 'gold' } });
      const ctx = (await ok('get_contact_context', { contact_id: contactId })).structuredContent as Record<string, any>;
      expect(ctx.recent_notes.map((n: { body: string }) => n.body)).toContain('Asked about the package twice.');
      const rest = await api.request('GET', `/v1/contacts/${contactId}`);
      expect(rest.body.name).toBe('Budi Santoso');
    });

    it('set_conversation_status is idempotent', async () => {
      const first = await detailed('set_conversation_status', { conversation_id: conversationId, status: 'pending' });
      expect(first.status).toBe('pending');
      const again = await detailed('set_conversation_status', { conversation_id: conversationId, status: 'pending' });
      expect(again.status).toBe('pending');
      const back = await detailed('set_conversation_status', {
        conversation_id: conversationId,
        status: 'open',
        assignee: { id: 'agent-7', name: 'Rina' },
      });
      expect(back).toMatchObject({ status: 'open', assignee: { id: 'agent-7', name: 'Rina' } });
    });

    it('mark_messages_read zeroes the unread count', async () => {
      const result = await detailed('mark_messages_read', { conversation_id: conversationId });
      expect(result.unread_count).toBe(0);
      const again = await ok('mark_messages_read', { conversation_id: conversationId });
      expect(again.isError).toBeFalsy();
    });

    it('search_messages finds words inside message bodies', async () => {
      const found = await detailed('search_messages', { q: 'package' });
      expect(found.data.length).toBeGreaterThan(0);
      expect(found.data.every((m: { conversation_id: string }) => m.conversation_id === conversationId)).toBe(true);
      expect(textOf(await ok('search_messages', { q: 'package' }))).toContain('package');
    });
  });

  describe("another organization's key", () => {
    const idTaking = (): [string, Record<string, unknown>][] => [
      ['get_conversation', { conversation_id: conversationId }],
      ['get_contact_context', { contact_id: contactId }],
      ['update_contact', { contact_id: contactId, name: 'Hijacked' }],
      ['add_contact_note', { contact_id: contactId, body: 'sneaky' }],
      ['set_conversation_status', { conversation_id: conversationId, status: 'resolved' }],
      ['mark_messages_read', { conversation_id: conversationId }],
      ['send_message', { phone_number_id: phoneNumber.id, to: CUSTOMER, type: 'text', text: { body: 'hi' } }],
      ['list_templates', { phone_number_id: phoneNumber.id }],
      ['list_conversations', { phone_number_id: phoneNumber.id }],
      ['search_conversations', { phone_number_id: phoneNumber.phone_number_id }],
      ['search_messages', { q: 'package', conversation_id: conversationId }],
    ];

    it('answers not_found for every id-taking tool, never data', async () => {
      for (const [name, args] of idTaking()) {
        const result = await call(name, args, otherClient);
        const err = errorOf(result);
        expect([name, err.code]).toEqual([name, 'not_found']);
        expect(textOf(result)).not.toContain('Budi');
      }
    });

    it('sees none of it through list and search tools', async () => {
      for (const [name, args] of [
        ['list_phone_numbers', {}],
        ['list_conversations', {}],
        ['search_contacts', { phone: CUSTOMER }],
        ['search_contacts', { search: 'Budi' }],
        ['search_conversations', { q: '8123456789' }],
        ['search_messages', { q: 'package' }],
      ] as [string, Record<string, unknown>][]) {
        const result = (await ok(name, { ...args, response_format: 'detailed' }, otherClient)).structuredContent as {
          data: unknown[];
        };
        expect([name, result.data]).toEqual([name, []]);
      }
    });

    it('left the data untouched', async () => {
      const contact = await api.request('GET', `/v1/contacts/${contactId}`);
      expect(contact.body.name).not.toBe('Hijacked');
    });
  });

  describe('invalid arguments give isError results, never protocol errors', () => {
    // Arguments are validated before anything is looked up, so made-up ids are enough here.
    const [conversationId, contactId] = ['cnv_made_up', 'ctc_made_up'];
    const cases: [string, Record<string, unknown>, string][] = [
      ['list_phone_numbers', { status: 'sleeping' }, 'status'],
      ['list_phone_numbers', { limit: 1000 }, 'limit'],
      ['send_message', { to: CUSTOMER, type: 'text' }, 'text'],
      ['send_message', { to: CUSTOMER, type: 'carrier_pigeon', text: { body: 'x' } }, 'type'],
      [
        'send_message',
        { to: CUSTOMER, type: 'text', text: { body: 'x' }, image: { link: 'https://example.com/a.jpg' } },
        'type',
      ],
      ['send_message', { type: 'text', text: { body: 'x' } }, 'to'],
      ['list_conversations', { status: 'archived' }, 'status'],
      ['list_conversations', { q: 'text search belongs to search_conversations' }, 'q'],
      ['get_conversation', { conversation_id: conversationId, message_limit: 101 }, 'message_limit'],
      ['get_conversation', {}, 'conversation_id'],
      ['search_contacts', { search: '' }, 'search'],
      ['list_templates', { limit: 0 }, 'limit'],
      ['get_contact_context', { contact_id: 42 }, 'contact_id'],
      ['search_conversations', { since: 'yesterday' }, 'since'],
      ['search_messages', { direction: 'sideways' }, 'direction'],
      ['mark_messages_read', {}, 'conversation_id'],
      ['add_contact_note', { contact_id: contactId, body: '' }, 'body'],
      ['update_contact', { contact_id: contactId, email: 'not-an-email' }, 'email'],
      ['set_conversation_status', { conversation_id: conversationId }, 'status'],
      ['set_conversation_status', { conversation_id: conversationId, status: 'done' }, 'status'],
      ['get_project_info', { verbose: true }, 'verbose'],
    ];

    it.each(cases)('%s %j → isError naming %s', async (name, args, param) => {
      const err = errorOf(await call(name, args));
      expect(['validation_failed', 'unknown_parameter']).toContain(err.code);
      expect(err.param?.split(/[.[]/)[0]).toBe(param);
    });

    it.each(ALL_TOOLS)('%s with an unknown argument → isError unknown_parameter or validation_failed', async (name) => {
      const result = await call(name, { definitely_not_a_parameter: 1 });
      expect(['validation_failed', 'unknown_parameter']).toContain(errorOf(result).code);
    });

    it.each(ALL_TOOLS)('%s with response_format "verbose" → isError', async (name) => {
      expect(errorOf(await call(name, { response_format: 'verbose' })).code).toBe('validation_failed');
    });
  });

  describe('keys and limits', () => {
    it('a read-only key reads, and its writes come back as insufficient_scope results', async () => {
      const { plaintext } = await api.app
        .get(ApiKeysService)
        .create(systemContext(orgId), { name: 'viewer', scope: 'read_only' });
      const viewer = await connectSdkClient(api.url, plaintext);
      try {
        expect((await call('list_phone_numbers', {}, viewer)).isError).toBeFalsy();
        expect(errorOf(await call('add_contact_note', { contact_id: contactId, body: 'x' }, viewer)).code).toBe(
          'insufficient_scope',
        );
      } finally {
        await viewer.close();
      }
    });

    it('write tools draw on the write bucket, read tools on the read bucket', async () => {
      const orgs = api.app.get(OrganizationsService);
      const { organization, plaintextKey } = await orgs.create({ name: 'One write a minute', firstKey: { name: 'k' } });
      await orgs.setLimits(organization.id, { writesPerMinute: 1 });
      const note = (id: number) => ({
        jsonrpc: '2.0',
        id,
        method: 'tools/call',
        params: { name: 'add_contact_note', arguments: { contact_id: 'ctc_missing', body: 'x' } },
      });
      const first = await postMcp(api.url, plaintextKey!, note(1));
      expect(first.status).toBe(200);
      expect(first.headers.get('x-ratelimit-limit')).toBe('1');
      const second = await postMcp(api.url, plaintextKey!, note(2));
      expect(second.status).toBe(429);
      expect(second.body.error.data.code).toBe('rate_limited');
      const read = await postMcp(api.url, plaintextKey!, {
        jsonrpc: '2.0',
        id: 3,
        method: 'tools/call',
        params: { name: 'get_project_info', arguments: {} },
      });
      expect(read.status).toBe(200);
      expect(Number(read.headers.get('x-ratelimit-limit'))).toBeGreaterThan(1);
    });
  });
});
