import type { TestApi } from './harness.js';

/** Polls `probe` until it returns something other than undefined; fails with the last value seen after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string | (() => string), timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const value = await probe().catch((err: unknown) => ((last = err), undefined));
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'function' ? what() : what}; last error: ${String(last)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** GET /v1/messages/{id} until its status is one of `statuses`. */
export async function messageReaching(api: TestApi, id: string, statuses: string[], timeoutMs?: number, key?: string): Promise<any> {
  let last: any;
  return eventually(
    async () => {
      last = (await api.request('GET', `/v1/messages/${id}`, undefined, key ? api.auth(key) : {})).body;
      return statuses.includes(last?.status) ? last : undefined;
    },
    () => `message ${id} to reach ${statuses.join('|')} (is ${String(last?.status)}: ${JSON.stringify(last?.error ?? last)})`,
    timeoutMs,
  );
}

export async function connectSandboxNumber(api: TestApi, key?: string): Promise<{ id: string; phone_number_id: string }> {
  const res = await api.request('POST', '/v1/phone_numbers', { sandbox: true }, key ? api.auth(key) : {});
  if (res.status !== 201) throw new Error(`connect failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A customer writes to a sandbox number; the sandbox posts the signed webhook to /webhooks/meta. */
export async function customerWrites(api: TestApi, phoneNumberId: string, from: string, text: string, key?: string): Promise<string> {
  const res = await api.request('POST', '/v1/sandbox/inbound', { phone_number_id: phoneNumberId, from, type: 'text', text: { body: text } }, key ? api.auth(key) : {});
  if (res.status !== 202) throw new Error(`inbound failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.wamid;
}

/** The conversation of `phone` once ingest has stored the inbound message `wamid`. */
export async function conversationWith(api: TestApi, phone: string, wamid: string, key?: string): Promise<any> {
  return eventually(async () => {
    const list = await api.request('GET', `/v1/conversations?q=${encodeURIComponent(phone)}`, undefined, key ? api.auth(key) : {});
    const conv = list.body?.data?.[0];
    if (!conv) return undefined;
    const msgs = await api.request('GET', `/v1/conversations/${conv.id}/messages`, undefined, key ? api.auth(key) : {});
    return msgs.body.data.some((m: { wamid: string }) => m.wamid === wamid) ? conv : undefined;
  }, `the conversation with ${phone} to hold ${wamid}`);
}
