// MCP tools against their REST twins, in one run against one running api:
//   send_message      vs POST /v1/messages
//   get_conversation  vs GET  /v1/conversations/{id}?message_limit=20
// Prints JSON with requests/s of each side and the ratio MCP / REST (issue 4's goal: at least 0.75).
//
//   KDV_API_URL=http://127.0.0.1:3000 KDV_API_KEY=kdv_live_… node bench/mcp-vs-rest.mjs
//
// The organization's rate limits apply to both sides: raise them first or the figures measure 429s
// (npm run cli -- orgs set-limits --org ORG --writes 1000000 --reads 1000000). Sends go to a sandbox number,
// so delivery work (worker + sandbox) runs during the send measurements for both sides; the sandbox enforces Meta's
// per-recipient pair rate limit, so most of those deliveries wait in the queue and the send figures measure the
// accept path (validate, store, enqueue) that REST and MCP share.
// BENCH_SECONDS (default 3) per measurement, BENCH_CONNECTIONS (default 10).
import { cannon, summarize } from './lib.mjs';

const BASE = (process.env.KDV_API_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
const KEY = process.env.KDV_API_KEY;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CUSTOMER = process.env.BENCH_CUSTOMER ?? '+628120000451';
if (!KEY) {
  process.stderr.write('KDV_API_KEY is required (and KDV_API_URL unless the api runs on 127.0.0.1:3000)\n');
  process.exit(2);
}

const auth = { Authorization: `Bearer ${KEY}` };
const MCP_HEADERS = {
  ...auth,
  'Content-Type': 'application/json',
  Accept: 'application/json, text/event-stream',
  'MCP-Protocol-Version': '2025-11-25',
};

async function rest(method, path, body) {
  const res = await fetch(BASE + path, {
    method,
    headers: { ...auth, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json().catch(() => undefined);
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function mcpCall(name, args) {
  const res = await fetch(`${BASE}/mcp`, {
    method: 'POST',
    headers: MCP_HEADERS,
    body: JSON.stringify(toolCall(name, args)),
  });
  const json = await res.json();
  if (!res.ok || json.error || json.result?.isError)
    throw new Error(`${name}: HTTP ${res.status} ${JSON.stringify(json)}`);
  return json.result;
}

const toolCall = (name, args) => ({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args } });

/** A sandbox number and a conversation whose 24-hour window is open (the customer wrote first). */
async function fixtures() {
  const numbers = await rest('GET', '/v1/phone_numbers?status=active&limit=100');
  const number = numbers.data.find((n) => n.is_sandbox) ?? (await rest('POST', '/v1/phone_numbers', { sandbox: true }));
  await rest('POST', '/v1/sandbox/inbound', {
    phone_number_id: number.id,
    from: CUSTOMER,
    type: 'text',
    text: { body: 'bench: hello' },
  });
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const list = await rest(
      'GET',
      `/v1/conversations?phone_number_id=${number.id}&q=${encodeURIComponent(CUSTOMER.slice(1))}`,
    );
    const conversation = list.data.find((c) => c.window_open);
    if (conversation) return { number, conversation };
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the inbound message never became an open conversation');
}

async function measure(label, opts) {
  const r = summarize(await cannon({ connections: CONNECTIONS, duration: SECONDS, ...opts }));
  if (r.non2xx || r.errors)
    process.stderr.write(`warning: ${label}: ${r.non2xx} non-2xx, ${r.errors} errors (rate limits?)\n`);
  return r;
}

const { number, conversation } = await fixtures();
const sendArgs = {
  phone_number_id: number.id,
  to: CUSTOMER,
  type: 'text',
  text: { body: 'bench: your package arrives tomorrow' },
};
// Both sides must succeed before we time them: a fast error is not a fair comparison.
await rest('POST', '/v1/messages', sendArgs);
await mcpCall('send_message', sendArgs);
await rest('GET', `/v1/conversations/${conversation.id}?message_limit=20`);
await mcpCall('get_conversation', { conversation_id: conversation.id, message_limit: 20 });

const pairs = {
  send_message: {
    rest: {
      url: `${BASE}/v1/messages`,
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify(sendArgs),
    },
    mcp: {
      url: `${BASE}/mcp`,
      method: 'POST',
      headers: MCP_HEADERS,
      body: JSON.stringify(toolCall('send_message', sendArgs)),
    },
  },
  get_conversation: {
    rest: { url: `${BASE}/v1/conversations/${conversation.id}?message_limit=20`, headers: auth },
    mcp: {
      url: `${BASE}/mcp`,
      method: 'POST',
      headers: MCP_HEADERS,
      body: JSON.stringify(toolCall('get_conversation', { conversation_id: conversation.id, message_limit: 20 })),
    },
  },
};

const results = {};
for (const [tool, { rest: restOpts, mcp: mcpOpts }] of Object.entries(pairs)) {
  // REST, MCP, REST, MCP: alternating evens out warm-up and background work (deliveries, sweeps).
  const r1 = await measure(`${tool} rest`, restOpts);
  const m1 = await measure(`${tool} mcp`, mcpOpts);
  const r2 = await measure(`${tool} rest`, restOpts);
  const m2 = await measure(`${tool} mcp`, mcpOpts);
  const restRps = (r1.rps + r2.rps) / 2;
  const mcpRps = (m1.rps + m2.rps) / 2;
  results[tool] = {
    rest: [r1, r2],
    mcp: [m1, m2],
    rest_rps: Math.round(restRps),
    mcp_rps: Math.round(mcpRps),
    ratio: Number((mcpRps / restRps).toFixed(3)),
  };
}

process.stdout.write(
  JSON.stringify(
    {
      api: BASE,
      seconds_per_run: SECONDS,
      connections: CONNECTIONS,
      goal_ratio: 0.75,
      ...results,
      meets_goal: Object.values(results).every((r) => r.ratio >= 0.75),
    },
    null,
    2,
  ) + '\n',
);
