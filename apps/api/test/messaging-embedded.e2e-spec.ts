import { startTestApi, type TestApi } from './harness.js';
import { connectSdkClient, errorOf } from './mcp/mcp-client.js';
import { connectSandboxNumber, conversationWith, customerWrites, eventually, messageReaching } from './messaging-helpers.js';

/**
 * The embedded default's database is PGlite: the messaging SQL that Prisma cannot express (conditional counters,
 * keyset pagination, full-text search, ON CONFLICT upserts) must work there exactly as on PostgreSQL.
 */
describe('messaging on the embedded default (PGlite, in-process queue)', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi({ embedded: true });
  });
  afterAll(() => api?.close());

  it('ingests, sends to read, lists and searches', async () => {
    const number = await connectSandboxNumber(api);
    const phone = '+628155500001';
    const wamid = await customerWrites(api, number.id, phone, 'Where is my package?');
    const conversation = await conversationWith(api, phone, wamid);
    expect(conversation).toMatchObject({ unread_count: 1, window_open: true });
    const res = await api.request('POST', '/v1/messages', { to: phone, type: 'text', text: { body: 'It arrives tomorrow.' } });
    expect(res.status).toBe(202);
    await messageReaching(api, res.body.id, ['read']);
    const found = await api.request('GET', '/v1/messages?q=package');
    expect(found.body.data.map((m: { wamid: string }) => m.wamid)).toEqual([wamid]);
    const page = await api.request('GET', '/v1/conversations?limit=1&q=Where');
    expect(page.body.data).toHaveLength(0); // q matches the contact, not message texts
    const byPhone = await api.request('GET', `/v1/conversations?limit=1&q=${encodeURIComponent('+62 815-5500-001')}`);
    expect(byPhone.body.data.map((c: { id: string }) => c.id)).toEqual([conversation.id]);
    const read = await api.request('POST', `/v1/conversations/${conversation.id}/read`);
    expect(read.body).toMatchObject({ unread_count: 0, read_receipt: { status: 'sent' } });
  });

  it('settings, assistant guard rails (advisory locks), scheduled sends and opt-out keywords', async () => {
    const number = (await api.request('GET', '/v1/phone_numbers')).body.data[0];
    const patched = await api.request('PATCH', '/v1/settings', { mcp_max_messages_per_recipient_per_hour: 1, opt_out_keywords: ['stop'] });
    expect(patched.body).toMatchObject({ mcp_max_messages_per_recipient_per_hour: 1, opt_out_keywords: ['STOP'] });
    const phone = '+628155500002';
    await conversationWith(api, phone, await customerWrites(api, number.id, phone, 'halo'));
    const mcp = await connectSdkClient(api.url, api.key);
    try {
      const send = () => mcp.callTool({ name: 'send_message', arguments: { to: phone, type: 'text', text: { body: 'hi' } } });
      const results = await Promise.all([send(), send()]);
      expect(results.map((r) => (r.isError ? errorOf(r).code : 'ok')).sort()).toEqual(['guard_rail_recipient_rate', 'ok']);
    } finally {
      await mcp.close();
    }
    const sendAt = new Date(Date.now() + 1_500).toISOString();
    const scheduled = await api.request('POST', '/v1/messages', { to: phone, type: 'text', text: { body: 'later' }, send_at: sendAt });
    expect(scheduled.body.status).toBe('scheduled');
    const sent = await messageReaching(api, scheduled.body.id, ['sent', 'delivered', 'read']);
    expect(Date.parse(sent.queued_at)).toBeGreaterThanOrEqual(Date.parse(sendAt));
    await customerWrites(api, number.id, phone, 'STOP');
    await eventually(async () => ((await api.request('GET', `/v1/contacts?phone=${encodeURIComponent(phone)}`)).body.data[0]?.opted_out ? true : undefined), 'opt-out');
  });
});
