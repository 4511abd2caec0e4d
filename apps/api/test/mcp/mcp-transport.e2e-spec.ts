import { OrganizationsService } from '#domain';
import { startTestApi, type TestApi } from '../harness.js';
import { MCP_ACCEPT, errorOf, postMcp } from './mcp-client.js';

const ALLOWED_ORIGIN = 'http://localhost:6274';

const initialize = (protocolVersion = '2025-06-18', id: number | string = 1) => ({
  jsonrpc: '2.0',
  id,
  method: 'initialize',
  params: { protocolVersion, capabilities: {}, clientInfo: { name: 'raw-http', version: '0' } },
});
const toolsList = (id: number | string = 2) => ({ jsonrpc: '2.0', id, method: 'tools/list' });
const initialized = { jsonrpc: '2.0', method: 'notifications/initialized' };

function expectRateLimitHeaders(headers: Headers): void {
  expect(Number(headers.get('x-ratelimit-limit'))).toBeGreaterThan(0);
  expect(headers.get('x-ratelimit-remaining')).toMatch(/^\d+$/);
  expect(Number(headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000 - 1);
}

describe('MCP transport (raw HTTP)', () => {
  let api: TestApi;
  let url: string;

  beforeAll(async () => {
    api = await startTestApi({
      env: { MCP_ALLOWED_ORIGINS: `${ALLOWED_ORIGIN},https://app.example.com`, BODY_LIMIT: '16kb' },
    });
    url = api.url;
  });
  afterAll(() => api?.close());

  describe('initialize', () => {
    it('answers 200 JSON with the echoed version, tools capability, server info, instructions — and no session id', async () => {
      const res = await postMcp(url, api.key, initialize('2025-06-18'));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.headers.get('mcp-session-id')).toBeNull();
      expectRateLimitHeaders(res.headers);
      expect(res.body).toMatchObject({
        jsonrpc: '2.0',
        id: 1,
        result: { protocolVersion: '2025-06-18', capabilities: { tools: {} }, serverInfo: { name: 'kdv-whatsapp' } },
      });
      const instructions: string = res.body.result.instructions;
      expect(instructions).toMatch(/list_phone_numbers first/);
      expect(instructions).toMatch(/24 hours/);
      expect(instructions).toMatch(/template/);
    });

    it.each(['2025-03-26', '2025-11-25'])('echoes supported version %s', async (v) => {
      const res = await postMcp(url, api.key, initialize(v));
      expect(res.body.result.protocolVersion).toBe(v);
    });

    it('answers an unsupported requested version with our latest', async () => {
      const res = await postMcp(url, api.key, initialize('2024-11-05'));
      expect(res.status).toBe(200);
      expect(res.body.result.protocolVersion).toBe('2025-11-25');
    });

    it('is answered on every call (stateless) and ignores a session id sent by the client', async () => {
      const first = await postMcp(url, api.key, initialize());
      const again = await postMcp(url, api.key, initialize(), { 'Mcp-Session-Id': 'made-up-session' });
      expect(first.status).toBe(200);
      expect(again.status).toBe(200);
      expect(again.headers.get('mcp-session-id')).toBeNull();
      const list = await postMcp(url, api.key, toolsList(), {
        'Mcp-Session-Id': 'another',
        'MCP-Protocol-Version': '2025-06-18',
      });
      expect(list.status).toBe(200);
      expect(list.body.result.tools.length).toBeGreaterThan(0);
    });
  });

  describe('messages', () => {
    it('answers notifications with 202 and an empty body', async () => {
      const res = await postMcp(url, api.key, initialized, { 'MCP-Protocol-Version': '2025-06-18' });
      expect(res.status).toBe(202);
      expect(res.text).toBe('');
      expectRateLimitHeaders(res.headers);
    });

    it('answers a client JSON-RPC response (no request in it) with 202', async () => {
      const res = await postMcp(url, api.key, { jsonrpc: '2.0', id: 'srv-1', result: {} });
      expect(res.status).toBe(202);
    });

    it('serves tools/list without a prior initialize', async () => {
      const res = await postMcp(url, api.key, toolsList(7), { 'MCP-Protocol-Version': '2025-11-25' });
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(7);
      expect(res.body.result.tools.map((t: { name: string }) => t.name)).toContain('get_project_info');
      expectRateLimitHeaders(res.headers);
    });

    it('answers an unknown method with -32601 and an unknown tool with -32602', async () => {
      const unknownMethod = await postMcp(url, api.key, { jsonrpc: '2.0', id: 3, method: 'resources/list' });
      expect(unknownMethod.status).toBe(200);
      expect(unknownMethod.body.error.code).toBe(-32601);
      const unknownTool = await postMcp(url, api.key, {
        jsonrpc: '2.0',
        id: 4,
        method: 'tools/call',
        params: { name: 'drop_database', arguments: {} },
      });
      expect(unknownTool.status).toBe(200);
      expect(unknownTool.body).toMatchObject({ id: 4, error: { code: -32602 } });
      expect(unknownTool.body.error.message).toMatch(/drop_database/);
    });

    it('answers malformed tools/call params with -32602, not an internal error', async () => {
      const res = await postMcp(url, api.key, {
        jsonrpc: '2.0',
        id: 5,
        method: 'tools/call',
        params: { arguments: {} },
      });
      expect(res.status).toBe(200);
      expect(res.body.error.code).toBe(-32602);
    });

    it('returns argument problems as isError tool results', async () => {
      const extra = await postMcp(url, api.key, {
        jsonrpc: '2.0',
        id: 6,
        method: 'tools/call',
        params: { name: 'get_project_info', arguments: { foo: 1 } },
      });
      expect(extra.status).toBe(200);
      expect(errorOf(extra.body.result)).toEqual({
        code: 'unknown_parameter',
        message: 'Unknown parameter: foo.',
        param: 'foo',
      });
      const badFormat = await postMcp(url, api.key, {
        jsonrpc: '2.0',
        id: 7,
        method: 'tools/call',
        params: { name: 'get_project_info', arguments: { response_format: 'verbose' } },
      });
      expect(errorOf(badFormat.body.result)).toMatchObject({ code: 'validation_failed', param: 'response_format' });
      // One sentence on what to do next follows the JSON.
      expect(badFormat.body.result.content[0].text.split('\n')[1]).toMatch(/\w/);
    });
  });

  describe('HTTP rules', () => {
    it.each(['GET', 'DELETE'])('%s answers 405 with Allow: POST and a JSON-RPC error', async (method) => {
      const res = await fetch(`${url}/mcp`, {
        method,
        headers: { Authorization: `Bearer ${api.key}`, Accept: MCP_ACCEPT },
      });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('POST');
      expect(await res.json()).toEqual({
        jsonrpc: '2.0',
        id: null,
        error: { code: -32000, message: expect.any(String) },
      });
    });

    it.each([
      ['only application/json', 'application/json'],
      ['only text/event-stream', 'text/event-stream'],
      ['*/*', '*/*'],
    ])('answers 406 when Accept is %s', async (_label, accept) => {
      const res = await postMcp(url, api.key, toolsList(), { Accept: accept });
      expect(res.status).toBe(406);
      expect(res.body.error.code).toBe(-32000);
    });

    it('answers 406 without an Accept header', async () => {
      const res = await postMcp(url, api.key, toolsList(), { Accept: null });
      expect(res.status).toBe(406);
    });

    it('answers 415 when the body is not JSON', async () => {
      const res = await postMcp(url, api.key, JSON.stringify(toolsList()), { 'Content-Type': 'text/plain' });
      expect(res.status).toBe(415);
      expect(res.body).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32000 } });
    });

    it('answers malformed JSON with 400 and -32700 (JSON-RPC, not the REST envelope)', async () => {
      const res = await postMcp(url, api.key, '{"jsonrpc": "2.0", "id": 1, "method": ');
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        jsonrpc: '2.0',
        id: null,
        error: { code: -32700, message: expect.stringMatching(/Parse error/) },
      });
    });

    it('answers a body over the limit with 413 and a JSON-RPC error', async () => {
      const res = await postMcp(url, api.key, { ...toolsList(), params: { padding: 'x'.repeat(20_000) } });
      expect(res.status).toBe(413);
      expect(res.body).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32000 } });
    });

    it('leaves the REST error envelope for malformed JSON elsewhere untouched', async () => {
      const res = await api.request('POST', '/v1/messages', '{"to": ', { 'Content-Type': 'application/json' });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'invalid_json', type: 'invalid_request_error' });
    });

    it('answers valid JSON that is not JSON-RPC with 400', async () => {
      const res = await postMcp(url, api.key, { hello: 'world' });
      expect(res.status).toBe(400);
      expect(res.body.jsonrpc).toBe('2.0');
    });

    it.each(['2025-03-26', '2025-06-18', '2025-11-25'])('accepts MCP-Protocol-Version %s', async (v) => {
      const res = await postMcp(url, api.key, toolsList(), { 'MCP-Protocol-Version': v });
      expect(res.status).toBe(200);
    });

    it.each(['2024-11-05', '1999-01-01', 'banana'])(
      'answers 400 for unsupported MCP-Protocol-Version %s',
      async (v) => {
        const res = await postMcp(url, api.key, toolsList(), { 'MCP-Protocol-Version': v });
        expect(res.status).toBe(400);
        expect(res.body.error.code).toBe(-32000);
        expect(res.body.error.message).toMatch(/Unsupported protocol version/);
      },
    );
  });

  describe('batches', () => {
    const batch = [toolsList(1), { jsonrpc: '2.0', id: 2, method: 'ping' }, initialized];

    it('are answered as an array for clients without MCP-Protocol-Version (assumed 2025-03-26)', async () => {
      const res = await postMcp(url, api.key, batch);
      expect(res.status).toBe(200);
      expect(Array.isArray(res.body)).toBe(true);
      const byId = Object.fromEntries(res.body.map((r: { id: number }) => [r.id, r]));
      expect(Object.keys(byId).sort()).toEqual(['1', '2']);
      expect(byId[1].result.tools.length).toBeGreaterThan(0);
      expect(byId[2].result).toEqual({});
    });

    it('are answered for 2025-03-26', async () => {
      const res = await postMcp(url, api.key, batch, { 'MCP-Protocol-Version': '2025-03-26' });
      expect(res.status).toBe(200);
      expect(res.body).toHaveLength(2);
    });

    it.each(['2025-06-18', '2025-11-25'])('are refused with 400 / -32600 for %s', async (v) => {
      const res = await postMcp(url, api.key, batch, { 'MCP-Protocol-Version': v });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe(-32600);
    });

    it('of notifications only answer 202', async () => {
      const res = await postMcp(url, api.key, [initialized, initialized]);
      expect(res.status).toBe(202);
      expect(res.text).toBe('');
    });

    it('that are empty are invalid', async () => {
      const res = await postMcp(url, api.key, []);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe(-32600);
    });
  });

  describe('authentication', () => {
    it('answers 401 without a key: JSON-RPC error -32001, id null, WWW-Authenticate: Bearer', async () => {
      const res = await postMcp(url, null, toolsList());
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(res.body).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32001 } });
      expect(res.body.error.data.code).toBe('missing_api_key');
    });

    it('answers 401 for an invalid or revoked key', async () => {
      const res = await postMcp(url, 'kdv_live_' + 'x'.repeat(40), toolsList());
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(res.body.error.code).toBe(-32001);
    });

    it('accepts X-API-Key as well as Bearer', async () => {
      const res = await postMcp(url, null, toolsList(), { 'X-API-Key': api.key });
      expect(res.status).toBe(200);
      expect(res.body.result.tools.length).toBeGreaterThan(0);
    });
  });

  describe('Origin', () => {
    it('allows a configured origin and requests without Origin', async () => {
      expect((await postMcp(url, api.key, toolsList(), { Origin: ALLOWED_ORIGIN })).status).toBe(200);
      expect((await postMcp(url, api.key, toolsList(), { Origin: 'https://app.example.com' })).status).toBe(200);
      expect((await postMcp(url, api.key, toolsList())).status).toBe(200);
    });

    it('answers 403 for any other origin, before looking at the key', async () => {
      for (const key of [api.key, null]) {
        const res = await postMcp(url, key, toolsList(), { Origin: 'https://evil.example' });
        expect(res.status).toBe(403);
        expect(res.body).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32000 } });
      }
    });
  });

  describe('rate limits', () => {
    it('count initialize and tools/list as reads and answer 429 with Retry-After once the bucket is empty', async () => {
      const orgs = api.app.get(OrganizationsService);
      const { organization, plaintextKey } = await orgs.create({ name: 'Limited', firstKey: { name: 'k' } });
      await orgs.setLimits(organization.id, { readsPerMinute: 2 });
      const first = await postMcp(url, plaintextKey!, initialize());
      expect(first.status).toBe(200);
      expect(first.headers.get('x-ratelimit-limit')).toBe('2');
      expect(first.headers.get('x-ratelimit-remaining')).toBe('1');
      const second = await postMcp(url, plaintextKey!, toolsList());
      expect(second.status).toBe(200);
      expect(second.headers.get('x-ratelimit-remaining')).toBe('0');
      const third = await postMcp(url, plaintextKey!, toolsList(9));
      expect(third.status).toBe(429);
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(third.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(third.body).toMatchObject({
        jsonrpc: '2.0',
        id: 9,
        error: { code: -32000, data: { code: 'rate_limited' } },
      });
      // The other organization's bucket is untouched.
      expect((await postMcp(url, api.key, toolsList())).status).toBe(200);
    });

    it('charge every request of a batch', async () => {
      const orgs = api.app.get(OrganizationsService);
      const { organization, plaintextKey } = await orgs.create({ name: 'Batcher', firstKey: { name: 'k' } });
      await orgs.setLimits(organization.id, { readsPerMinute: 3 });
      const res = await postMcp(url, plaintextKey!, [toolsList(1), toolsList(2), toolsList(3), toolsList(4)]);
      expect(res.status).toBe(429);
    });
  });
});
