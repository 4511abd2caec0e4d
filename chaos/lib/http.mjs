// HTTP as the product's users and operators speak it: the REST API with an API key, and the sandbox's admin API.
import { setTimeout as sleep } from 'node:timers/promises';

/** One REST call; resolves with { status, body } (never throws on an HTTP status, only on the network). */
export async function request(base, key, method, path, body, { headers = {}, timeoutMs = 15_000 } = {}) {
  const res = await fetch(base + path, {
    method,
    headers: { ...(key ? { Authorization: `Bearer ${key}` } : {}), ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: globalThis.AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  return { status: res.status, body: json, headers: res.headers };
}

/** A call that must succeed (setup steps): throws with the answer otherwise. */
export async function must(base, key, method, path, body, expected = [200, 201, 202]) {
  const r = await request(base, key, method, path, body);
  if (!expected.includes(r.status)) throw new Error(`${method} ${path} → ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/**
 * What a careful client does with a send: one Idempotency-Key, retried on network errors, 5xx, 409 (the same key
 * still in progress) and 429 until accepted or refused for good, or until the deadline.
 * Returns { outcome: 'accepted' | 'refused' | 'gave_up', status, body, tries, acceptedAt }.
 */
export async function sendWithRetries(bases, key, body, idempotencyKey, deadlineMs, pickBase) {
  let tries = 0;
  let last = { status: 0, body: undefined };
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    const base = pickBase(tries, bases);
    tries++;
    try {
      last = await request(base, key, 'POST', '/v1/messages', body, { headers: { 'Idempotency-Key': idempotencyKey }, timeoutMs: 10_000 });
    } catch (err) {
      last = { status: 0, body: String(err?.cause?.code ?? err?.name ?? err) };
    }
    if (last.status === 202) return { outcome: 'accepted', status: 202, body: last.body, tries, acceptedAt: Date.now(), base };
    const retryable = last.status === 0 || last.status >= 500 || last.status === 409 || last.status === 429;
    if (!retryable) return { outcome: 'refused', status: last.status, body: last.body, tries };
    const retryAfter = Number(last.headers?.get?.('retry-after'));
    await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : Math.min(2_000, 100 * 2 ** Math.min(tries, 5)));
  }
  return { outcome: 'gave_up', status: last.status, body: last.body, tries };
}

/** The sandbox's admin API (/_sandbox), unauthenticated like the real thing. */
export class SandboxAdmin {
  constructor(base) {
    this.base = base;
  }

  async call(method, path, body) {
    const r = await request(this.base, undefined, method, `/_sandbox${path}`, body, { timeoutMs: 30_000 });
    if (r.status >= 300) throw new Error(`sandbox ${method} ${path} → ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  addFaults(rules) {
    return this.call('POST', '/faults', { rules });
  }

  listFaults() {
    return this.call('GET', '/faults');
  }

  clearFaults() {
    return this.call('DELETE', '/faults');
  }

  setBehavior(b) {
    return this.call('PUT', '/webhook_behavior', b);
  }

  ledger() {
    return this.call('GET', '/ledger');
  }

  webhooks() {
    return this.call('GET', '/webhooks');
  }
}
