import crypto from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import type { EventEnvelope } from '#realtime';
import type { TestApi } from '../harness.js';
import { postMcp } from '../mcp/mcp-client.js';
import { eventually } from '../messaging-helpers.js';
import { WebhookReceiver } from '../webhook-receiver.js';
import {
  describeExchange,
  discoverSurface,
  kindOfParam,
  LeakWatch,
  send,
  startSealedApi,
  TenantSnapshots,
  WriteGuard,
  type Operation,
} from './adversarial-env.js';
import { createOneOfEverything, PNG, randomPhone, type OrgFixtures } from './org-fixtures.js';
import { normalize, type JsonSchema } from './schema-arbitrary.js';

/**
 * The tenant-isolation matrix, generated from the OpenAPI document and tools/list: organization A owns one of
 * everything; organization B's key is then used on every route and tool that takes an id, with A's ids in every
 * id position (path, query, body, tool argument) and on every Socket.IO room. Everything must answer as for an id
 * that does not exist, leak none of A's values, and change none of A's rows. Each cross-tenant request has a
 * control (B's own id in the same place) proving the request reaches the ownership check. A route, field or tool
 * this file does not know fails the suite until someone teaches it here.
 */

const { operations, tools, routes } = await discoverSurface();

type Fx = OrgFixtures;

// ---------------------------------------------------------------------------------------------------------------
// What the matrix knows. Keep these tables complete: the coverage tests fail on anything new.

/** Routes without a tenant id anywhere in the request: checked by the list/search scan instead. */
const NO_TENANT_ID = new Set([
  'GET /v1/me',
  'POST /v1/api_keys',
  'GET /v1/api_keys',
  'POST /v1/labels',
  'GET /v1/labels',
  'POST /v1/contacts',
  'GET /v1/contacts',
  'GET /v1/phone_numbers',
  'POST /v1/phone_numbers',
  'POST /v1/realtime/tokens',
  'POST /v1/webhook_subscriptions',
  'GET /v1/webhook_subscriptions',
  'GET /v1/settings',
  'PATCH /v1/settings',
  'GET /v1/settings/retention',
  'PATCH /v1/settings/retention',
  'GET /v1/broadcasts',
]);

/** A body B may send to a route whose path carries an id (valid for B's own objects). */
const PATH_ROUTE_BODIES: Record<string, (b: Fx) => unknown> = {
  'PATCH /v1/labels/{id}': () => ({ name: `renamed ${Date.now()}` }),
  'POST /v1/labels/{id}/contacts': (b) => ({ contact_ids: [b.ids.ctc] }),
  'POST /v1/labels/{id}/contacts/remove': (b) => ({ contact_ids: [b.ids.ctc] }),
  'PATCH /v1/contacts/{id}': () => ({ name: 'Renamed' }),
  'POST /v1/contacts/{id}/notes': () => ({ body: 'a note' }),
  'PATCH /v1/conversations/{id}': () => ({ status: 'pending' }),
  'PATCH /v1/phone_numbers/{id}': () => ({ throughput_per_second: 20 }),
  'PATCH /v1/webhook_subscriptions/{id}': () => ({ description: 'changed' }),
  'POST /v1/webhook_subscriptions/{id}/secrets': () => ({ grace_period_seconds: 0 }),
  'POST /v1/broadcasts/{id}/recipients': () => ({ recipients: [{ to: randomPhone() }] }),
};

/** What B's request looks like when A's id goes into a field of its body or query. */
interface FieldCase {
  op: string;
  field: string;
  /** A's values to try in the field. */
  theirs: (a: Fx) => string[];
  /** B's own value (the control). */
  mine: (b: Fx) => string;
  /** The request, with `id` placed. */
  request: (b: Fx, id: string) => { query?: Record<string, string>; body?: unknown; multipart?: Record<string, string> };
  /**
   * not_found: the id is looked up and must be refused like a made-up one. filter: a list filter, which may answer
   * 404 or an empty page. reference: a value passed on (a quoted wamid), which must simply leak nothing.
   */
  expect: 'not_found' | 'filter' | 'reference';
}

const text = (b: Fx, extra: Record<string, unknown> = {}) => ({ phone_number_id: b.ids.pn, to: b.customer.phone, type: 'text', text: { body: 'isolation check' }, ...extra });
const pn = (a: Fx) => [a.ids.pn, a.metaPhoneNumberId];

const FIELD_CASES: FieldCase[] = [
  { op: 'GET /v1/audit_logs', field: 'actor_id', theirs: (a) => [a.ids.key], mine: (b) => b.ids.key, request: (_b, id) => ({ query: { actor_id: id } }), expect: 'filter' },
  { op: 'GET /v1/audit_logs', field: 'target_id', theirs: (a) => [a.ids.ctc, a.ids.lbl, a.ids.whs], mine: (b) => b.ids.ctc, request: (_b, id) => ({ query: { target_id: id } }), expect: 'filter' },
  { op: 'POST /v1/labels/{id}/contacts', field: 'contact_ids', theirs: (a) => [a.ids.ctc], mine: (b) => b.victims.ctc, request: (_b, id) => ({ body: { contact_ids: [id] } }), expect: 'reference' },
  { op: 'POST /v1/labels/{id}/contacts/remove', field: 'contact_ids', theirs: (a) => [a.ids.ctc], mine: (b) => b.ids.ctc, request: (_b, id) => ({ body: { contact_ids: [id] } }), expect: 'reference' },
  { op: 'GET /v1/conversations', field: 'phone_number_id', theirs: pn, mine: (b) => b.ids.pn, request: (_b, id) => ({ query: { phone_number_id: id } }), expect: 'filter' },
  { op: 'GET /v1/conversations', field: 'contact_id', theirs: (a) => [a.customer.contactId], mine: (b) => b.customer.contactId, request: (_b, id) => ({ query: { contact_id: id } }), expect: 'filter' },
  { op: 'POST /v1/messages', field: 'phone_number_id', theirs: pn, mine: (b) => b.ids.pn, request: (b, id) => ({ body: text(b, { phone_number_id: id }) }), expect: 'not_found' },
  { op: 'POST /v1/messages', field: 'context.message_id', theirs: (a) => [a.ids.msg, a.customer.inboundMessageId], mine: (b) => b.customer.inboundMessageId, request: (b, id) => ({ body: text(b, { context: { message_id: id } }) }), expect: 'not_found' },
  { op: 'POST /v1/messages', field: 'context.message_id (wamid)', theirs: (a) => [a.customer.wamid], mine: (b) => b.customer.wamid, request: (b, id) => ({ body: text(b, { context: { message_id: id } }) }), expect: 'reference' },
  { op: 'POST /v1/messages', field: 'reaction.message_id', theirs: (a) => [a.customer.inboundMessageId], mine: (b) => b.customer.inboundMessageId, request: (b, id) => ({ body: { phone_number_id: b.ids.pn, to: b.customer.phone, type: 'reaction', reaction: { message_id: id, emoji: '👍' } } }), expect: 'not_found' },
  { op: 'POST /v1/messages', field: 'image.id', theirs: (a) => [a.ids.med], mine: (b) => b.ids.med, request: (b, id) => ({ body: { phone_number_id: b.ids.pn, to: b.customer.phone, type: 'image', image: { id } } }), expect: 'not_found' },
  { op: 'GET /v1/messages', field: 'conversation_id', theirs: (a) => [a.ids.cnv], mine: (b) => b.ids.cnv, request: (_b, id) => ({ query: { conversation_id: id } }), expect: 'filter' },
  { op: 'GET /v1/messages', field: 'contact_id', theirs: (a) => [a.customer.contactId], mine: (b) => b.customer.contactId, request: (_b, id) => ({ query: { contact_id: id } }), expect: 'filter' },
  { op: 'POST /v1/sandbox/inbound', field: 'phone_number_id', theirs: pn, mine: (b) => b.ids.pn, request: (_b, id) => ({ body: { phone_number_id: id, from: randomPhone(), type: 'text', text: { body: 'hi' } } }), expect: 'not_found' },
  { op: 'POST /v1/sandbox/inbound', field: 'context.message_id', theirs: (a) => [a.outbound.wamid!], mine: (b) => b.outbound.wamid!, request: (b, id) => ({ body: { phone_number_id: b.ids.pn, from: b.customer.phone, type: 'text', text: { body: 'quoting' }, context: { message_id: id } } }), expect: 'reference' },
  { op: 'POST /v1/sandbox/inbound', field: 'reaction.message_id', theirs: (a) => [a.outbound.wamid!], mine: (b) => b.outbound.wamid!, request: (b, id) => ({ body: { phone_number_id: b.ids.pn, from: b.customer.phone, type: 'reaction', reaction: { message_id: id, emoji: '❤' } } }), expect: 'reference' },
  { op: 'GET /v1/templates', field: 'phone_number_id', theirs: pn, mine: (b) => b.ids.pn, request: (_b, id) => ({ query: { phone_number_id: id } }), expect: 'filter' },
  { op: 'POST /v1/templates', field: 'phone_number_id', theirs: pn, mine: (b) => b.ids.pn, request: (_b, id) => ({ body: { phone_number_id: id, name: `iso_${Date.now()}`, category: 'UTILITY', language: 'en_US', components: [{ type: 'BODY', text: 'Hello' }] } }), expect: 'not_found' },
  { op: 'POST /v1/templates/sync', field: 'phone_number_id', theirs: pn, mine: (b) => b.ids.pn, request: (_b, id) => ({ body: { phone_number_id: id } }), expect: 'not_found' },
  { op: 'POST /v1/media', field: 'phone_number_id', theirs: pn, mine: (b) => b.ids.pn, request: (_b, id) => ({ multipart: { phone_number_id: id } }), expect: 'not_found' },
  { op: 'GET /v1/webhook_deliveries', field: 'subscription_id', theirs: (a) => [a.ids.whs], mine: (b) => b.ids.whs, request: (_b, id) => ({ query: { subscription_id: id } }), expect: 'filter' },
  { op: 'POST /v1/webhook_deliveries/replay', field: 'subscription_id', theirs: (a) => [a.ids.whs], mine: (b) => b.ids.whs, request: (_b, id) => ({ body: { subscription_id: id } }), expect: 'not_found' },
  { op: 'POST /v1/broadcasts', field: 'phone_number_id', theirs: pn, mine: (b) => b.ids.pn, request: (b, id) => ({ body: { name: 'iso', phone_number_id: id, template: { name: b.template.name, language: { code: b.template.language } } } }), expect: 'not_found' },
];

/** Id-named fields that are not our tenant ids, or that the cases above already reach through the same lookup. */
const OTHER_ID_FIELDS: { match: RegExp; why: string }[] = [
  { match: /(^|\.)user_id$/, why: "Meta's business-scoped user id: an address, not an object of ours" },
  { match: /^POST \/v1\/phone_numbers (phone_number_id|waba_id)$/, why: "Meta's own ids of a number to connect, verified with Meta's token" },
  { match: /\.wa_id$/, why: 'a WhatsApp id inside a shared contact card (text sent to the customer)' },
  { match: /assignee\.id$/, why: 'a free-form agent identifier chosen by the caller' },
  { match: /(reply|rows\[\]|button_reply|list_reply)\.id$/, why: 'button and row ids chosen by the sender' },
  { match: /flow_id$/, why: "Meta's flow id inside a template definition" },
  { match: /(^|\.)(image|video|audio|document|sticker)\.id$/, why: 'media references: one MediaService lookup, checked through POST /v1/messages image.id' },
];

/** Arguments a tool needs besides the id under test (valid for B). */
const TOOL_BASE_ARGS: Record<string, (b: Fx) => Record<string, unknown>> = {
  send_message: (b) => text(b),
  add_contact_note: () => ({ body: 'a note' }),
  set_conversation_status: () => ({ status: 'pending' }),
  update_contact: () => ({ name: 'Renamed' }),
};

/** Which of A's values a tool argument takes, by the argument's name. */
const TOOL_ID_ARGS: Record<string, { theirs: (a: Fx) => string[]; mine: (b: Fx) => string }> = {
  phone_number_id: { theirs: pn, mine: (b) => b.ids.pn },
  contact_id: { theirs: (a) => [a.ids.ctc, a.customer.contactId], mine: (b) => b.customer.contactId },
  conversation_id: { theirs: (a) => [a.ids.cnv], mine: (b) => b.ids.cnv },
};

/** Tools whose id arguments only filter a list: not_found or an empty answer are both right. */
const FILTER_TOOLS = new Set(['list_conversations', 'list_templates', 'search_conversations', 'search_messages']);

// ---------------------------------------------------------------------------------------------------------------

/** An id of the same kind that exists nowhere. */
function madeUpLike(id: string): string {
  const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';
  return `${id.split('_')[0]}_${Array.from(crypto.randomBytes(26), (x) => alphabet[x % 32]).join('')}`;
}

function idFieldsOf(schema: JsonSchema | undefined, prefix = '', depth = 0): string[] {
  if (!schema || depth > 10) return [];
  const s = normalize(schema, undefined);
  if (s.type === 'array' && s.items) return idFieldsOf(s.items, `${prefix}[]`, depth + 1);
  const out: string[] = [];
  for (const alt of [...(s.anyOf ?? []), ...(s.oneOf ?? [])] as JsonSchema[]) out.push(...idFieldsOf(alt, prefix, depth + 1));
  for (const [k, v] of Object.entries((s.properties ?? {}) as Record<string, JsonSchema>)) {
    const p = prefix ? `${prefix}.${k}` : k;
    if (/(^|_)ids?$/.test(k)) out.push(p);
    out.push(...idFieldsOf(v, p, depth + 1));
  }
  return [...new Set(out)];
}

function fieldsOf(op: Operation): string[] {
  const body = op.body?.kind === 'json' ? idFieldsOf(op.body.schema) : op.body ? Object.keys(op.body.schema.properties ?? {}).filter((k) => /(^|_)ids?$/.test(k)) : [];
  return [...idFieldsOf(op.querySchema), ...body];
}

function isCovered(op: string, field: string): boolean {
  return FIELD_CASES.some((c) => c.op === op && c.field.split(' ')[0] === field) || OTHER_ID_FIELDS.some((o) => o.match.test(field) || o.match.test(`${op} ${field}`));
}

describe('tenant isolation matrix (e2e)', () => {
  let api: TestApi;
  let receiver: WebhookReceiver;
  let a: Fx;
  let b: Fx;
  let snapshots: TenantSnapshots;
  let guard: WriteGuard;
  /** A's values B has itself put in a request (a wamid it quoted) are B's from then on. */
  let watch: LeakWatch;
  const leaksToB = (answer: string, request: string) => watch.leaks(answer, request);
  const pathOps = operations.filter((op) => op.pathParams.length);

  beforeAll(async () => {
    api = await startSealedApi();
    receiver = await new WebhookReceiver().start();
    a = await createOneOfEverything(api, { key: api.key, tag: `A${Date.now().toString(36)}`, receiverUrl: receiver.url, routes });
    b = await createOneOfEverything(api, { tag: `B${Date.now().toString(36)}`, receiverUrl: receiver.url, routes });
    snapshots = await new TenantSnapshots(api).init();
    guard = await new WriteGuard(api, snapshots, b.orgId, a.orgId).init();
    watch = new LeakWatch(a.secrets);
  }, 120_000);

  afterAll(async () => {
    await receiver?.stop();
    await api?.close();
  });

  /** B's request; A's rows must not change, and (when refused) neither may B's. */
  async function asB(method: string, path: string, req: { query?: Record<string, string>; body?: unknown; multipart?: Record<string, string> } = {}) {
    const qs = req.query ? `?${new URLSearchParams(req.query)}` : '';
    let body: string | FormData | undefined;
    const headers: Record<string, string> = { Authorization: `Bearer ${b.key}` };
    if (req.multipart) {
      const form = new FormData();
      for (const [k, v] of Object.entries(req.multipart)) form.append(k, v);
      form.append('file', new Blob([new Uint8Array(PNG)], { type: 'image/png' }), 'x.png');
      body = form;
    } else if (req.body !== undefined) {
      body = JSON.stringify(req.body);
      headers['Content-Type'] = 'application/json';
    }
    const before = await guard.before();
    const { sent, res } = await send(api.url, { method, path: path + qs, headers, body, describe: req.multipart ? JSON.stringify(req.multipart) : undefined });
    await guard.after(before, res.status >= 400, () => describeExchange(sent, res));
    const leaks = leaksToB(res.text + JSON.stringify([...res.headers]), sent.url + sent.bodyText);
    return { sent, res, leaks };
  }

  describe('coverage (fails when a route, field or tool appears that the matrix cannot fill)', () => {
    it('every route either takes an id the matrix fills, or is on the no-tenant-id allow-list', () => {
      const unknown: string[] = [];
      for (const op of operations) {
        if (!op.pathParams.length && !fieldsOf(op).length) {
          if (!NO_TENANT_ID.has(op.key)) unknown.push(`${op.key}: takes no id; add it to NO_TENANT_ID (and to the list scan if it lists)`);
          continue;
        }
        for (const p of op.pathParams) {
          try {
            kindOfParam(op.path, p);
          } catch (err) {
            unknown.push((err as Error).message);
          }
        }
        if (op.pathParams.length && op.body?.kind === 'json' && !PATH_ROUTE_BODIES[op.key]) unknown.push(`${op.key}: add a valid body to PATH_ROUTE_BODIES`);
      }
      expect(unknown).toEqual([]);
      for (const key of NO_TENANT_ID) expect(operations.map((o) => o.key)).toContain(key);
    });

    it('every id-carrying body or query field has a case, or a reason it is not a tenant id', () => {
      const unknown = operations.flatMap((op) => fieldsOf(op).filter((f) => !isCovered(op.key, f)).map((f) => `${op.key} ${f}`));
      expect(unknown).toEqual([]);
      for (const c of FIELD_CASES) expect(operations.map((o) => o.key)).toContain(c.op);
    });

    it('every tool id argument is known, and every tool with other required arguments has base arguments', () => {
      const unknown: string[] = [];
      for (const t of tools) {
        for (const f of idFieldsOf(t.inputSchema)) if (!TOOL_ID_ARGS[f] && !isCovered('POST /v1/messages', f)) unknown.push(`${t.name} ${f}`);
        const required = ((t.inputSchema.required as string[] | undefined) ?? []).filter((r) => !TOOL_ID_ARGS[r]);
        if (required.length && !TOOL_BASE_ARGS[t.name]) unknown.push(`${t.name}: requires ${required.join(', ')}; add TOOL_BASE_ARGS`);
      }
      expect(unknown).toEqual([]);
    });
  });

  describe('REST routes with ids in the path', () => {
    /** A's id in one or more path positions (every combination), B's own ids in the others. */
    function crossings(op: Operation): { label: string; theirs: string[]; path: string; controlPath: string }[] {
      const out: { label: string; theirs: string[]; path: string; controlPath: string }[] = [];
      const params = op.pathParams;
      const own = (x: Fx, p: string) => idFor(x, kindOfParam(op.path, p), op.method, op.path);
      for (let mask = 1; mask < 1 << params.length; mask++) {
        const theirs: string[] = [];
        let path = op.path;
        let controlPath = op.path;
        params.forEach((p, i) => {
          const useA = (mask >> i) & 1;
          const value = useA ? own(a, p) : own(b, p);
          if (useA) theirs.push(value);
          path = path.replace(`{${p}}`, value);
          controlPath = controlPath.replace(`{${p}}`, own(b, p));
        });
        out.push({ label: params.map((p, i) => `${p}=${(mask >> i) & 1 ? 'A' : 'B'}`).join(','), theirs, path, controlPath });
      }
      return out;
    }

    function idFor(x: Fx, kind: string, method: string, path: string): string {
      // Deleting the resource itself (not, say, detaching a label) consumes a victim.
      if (method === 'DELETE' && /^\/v1\/\w+\/\{\w+\}$/.test(path) && kind in x.victims) return x.victims[kind as keyof Fx['victims']];
      const id = (x.ids as Record<string, string | undefined>)[kind];
      if (!id) throw new Error(`org-fixtures has no object of kind ${kind}`);
      return id;
    }

    // Every crossing first, the controls after (they may revoke, disconnect or delete B's own objects).
    it.each(pathOps.map((op) => [op.key, op] as const))("%s with A's ids answers 404 like a made-up id and leaks nothing", async (_k, op) => {
      const body = PATH_ROUTE_BODIES[op.key]?.(b);
      for (const c of crossings(op)) {
        const cross = await asB(op.method, c.path, { body });
        expect({ route: op.key, ids: c.label, status: cross.res.status, code: cross.res.json?.error?.code }).toEqual({ route: op.key, ids: c.label, status: 404, code: 'not_found' });
        expect({ route: op.key, leaks: cross.leaks }).toEqual({ route: op.key, leaks: [] });
        // No enumeration: the same answer as for an id that exists nowhere (the id itself aside).
        const fake = c.theirs.reduce((p, id) => p.replace(id, madeUpLike(id)), c.path);
        const madeUp = await asB(op.method, fake, { body });
        const shape = (r: typeof cross, ids: string[]) => ({ status: r.res.status, code: r.res.json?.error?.code, message: ids.reduce((m: string, id) => m.split(id).join('<id>'), String(r.res.json?.error?.message)).replace(/[a-z]+_[0-9a-z]{26}/g, '<id>') });
        expect(shape(cross, c.theirs)).toEqual(shape(madeUp, []));
      }
    });

    it.each(pathOps.map((op) => [op.key, op] as const))('control: %s with B’s own ids is not a 404', async (_k, op) => {
      const body = PATH_ROUTE_BODIES[op.key]?.(b);
      const [first] = crossings(op);
      const own = await asB(op.method, first.controlPath, { body });
      expect({ route: op.key, status: own.res.status, body: own.res.status === 404 ? own.res.text : 'not a 404' }).toEqual({ route: op.key, status: own.res.status, body: 'not a 404' });
    });
  });

  describe('REST body and query fields that carry ids', () => {
    it.each(FIELD_CASES.filter((c) => operations.some((o) => o.key === c.op)).map((c) => [`${c.op} ${c.field}`, c] as const))('%s: A’s id is refused or filtered out, leaks nothing', async (_k, c) => {
      const op = operations.find((o) => o.key === c.op)!;
      const path = op.path.replace(/\{(\w+)\}/g, (_m, p: string) => (b.ids as Record<string, string>)[kindOfParam(op.path, p)]);
      for (const theirs of c.theirs(a)) {
        const r = await asB(op.method, path, c.request(b, theirs));
        expect({ case: `${c.op} ${c.field}=${theirs}`, leaks: r.leaks, status: r.res.status < 500 }).toEqual({ case: `${c.op} ${c.field}=${theirs}`, leaks: [], status: true });
        if (c.expect === 'not_found') expect({ case: c.field, code: r.res.json?.error?.code }).toEqual({ case: c.field, code: 'not_found' });
        if (c.expect === 'filter' && r.res.status !== 404) expect({ case: c.field, status: r.res.status, data: r.res.json?.data }).toEqual({ case: c.field, status: 200, data: [] });
      }
      // Control: B's own object in the same field gets past the lookup.
      const own = await asB(op.method, path, c.request(b, c.mine(b)));
      expect({ case: `control ${c.op} ${c.field}`, status: own.res.status === 404 ? own.res.text : 'not a 404' }).toEqual({ case: `control ${c.op} ${c.field}`, status: 'not a 404' });
    });
  });

  describe('MCP tools that take ids', () => {
    const cases = tools.flatMap((t) =>
      Object.keys((t.inputSchema.properties ?? {}) as object)
        .filter((f) => TOOL_ID_ARGS[f])
        .map((f) => [`${t.name} ${f}`, t.name, f] as const),
    );

    async function call(name: string, args: Record<string, unknown>) {
      const before = await guard.before();
      const res = await postMcp(api.url, b.key, { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args } });
      const result = res.body?.result as { isError?: boolean; content?: { text: string }[] } | undefined;
      await guard.after(before, result?.isError === true, () => `${name} ${JSON.stringify(args)} → ${res.text}`);
      const code = result?.isError ? (JSON.parse(result.content![0].text.split('\n')[0]) as { code: string }).code : 'ok';
      return { res, result, code, leaks: leaksToB(res.text, JSON.stringify(args)) };
    }

    it.each(cases)('%s: A’s id answers not_found (or an empty list) and leaks nothing', async (_k, name, field) => {
      const base = { ...(TOOL_BASE_ARGS[name]?.(b) ?? {}), response_format: 'detailed' };
      for (const theirs of TOOL_ID_ARGS[field].theirs(a)) {
        const r = await call(name, { ...base, [field]: theirs });
        expect({ tool: name, field, http: r.res.status, rpcError: r.res.body?.error ?? null, leaks: r.leaks }).toEqual({ tool: name, field, http: 200, rpcError: null, leaks: [] });
        if (!FILTER_TOOLS.has(name) || r.code !== 'ok') expect({ tool: name, field, code: r.code }).toEqual({ tool: name, field, code: 'not_found' });
      }
      const own = await call(name, { ...base, [field]: TOOL_ID_ARGS[field].mine(b) });
      expect({ tool: name, field, control: own.code }).not.toEqual({ tool: name, field, control: 'not_found' });
    });
  });

  describe('lists and searches', () => {
    it('no list or search of B, over REST, returns any of A’s objects or values', async () => {
      const searches: [string, Record<string, string>][] = [
        ['/v1/contacts', { phone: a.contact.phone }],
        ['/v1/contacts', { search: a.contact.name }],
        ['/v1/contacts', { search: a.customer.phone.slice(3) }],
        ['/v1/conversations', { q: a.customer.phone }],
        ['/v1/messages', { q: a.outbound.body }],
        ['/v1/messages', { q: a.customer.text }],
        ['/v1/templates', { name: a.template.name, status: 'APPROVED' }],
        ['/v1/labels', {}],
      ];
      const lists = operations.filter((op) => op.method === 'GET' && !op.pathParams.length).map((op) => [op.path, {}] as [string, Record<string, string>]);
      for (const [path, query] of [...lists, ...searches]) {
        const r = await asB('GET', path, { query });
        expect({ path, query, status: r.res.status, leaks: r.leaks }).toEqual({ path, query, status: 200, leaks: [] });
      }
    });

    it('no MCP list or search tool of B returns any of A’s objects or values', async () => {
      const calls: [string, Record<string, unknown>][] = [
        ['search_contacts', { phone: a.contact.phone }],
        ['search_contacts', { search: a.contact.name }],
        ['search_conversations', { q: a.customer.phone }],
        ['search_messages', { q: a.outbound.body }],
        ['search_messages', { q: a.customer.text }],
        ['list_templates', { name: a.template.name }],
      ];
      const noRequired = tools.filter((t) => !((t.inputSchema.required as string[] | undefined) ?? []).length).map((t) => [t.name, {}] as [string, Record<string, unknown>]);
      for (const [name, args] of [...noRequired, ...calls]) {
        for (const format of ['concise', 'detailed']) {
          const res = await postMcp(api.url, b.key, { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: { ...args, response_format: format } } });
          expect({ name, args, format, ok: !res.body?.error && !res.body?.result?.isError, leaks: leaksToB(res.text, JSON.stringify(args)) }).toEqual({ name, args, format, ok: true, leaks: [] });
        }
      }
    });
  });

  describe('Socket.IO rooms', () => {
    const sockets: Socket[] = [];
    afterAll(() => sockets.forEach((s) => s.disconnect()));

    async function connect(token: string): Promise<{ socket: Socket; events: EventEnvelope[] }> {
      const socket = io(`${api.url}/v1`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
      sockets.push(socket);
      const events: EventEnvelope[] = [];
      socket.onAny((_name: string, e: EventEnvelope) => events.push(e));
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', reject);
      });
      return { socket, events };
    }

    it('refuses B’s subscriptions to A’s rooms, and B receives none of A’s events', async () => {
      const bKey = await connect(b.key);
      const bToken = await connect(b.realtimeToken);
      const aSock = await connect(a.key);
      for (const target of [{ conversation_id: a.ids.cnv }, { phone_number_id: a.ids.pn }, { phone_number_id: a.metaPhoneNumberId }]) {
        for (const client of [bKey, bToken]) {
          const ack = (await client.socket.timeout(5_000).emitWithAck('subscribe', target)) as { ok: boolean; error?: { code: string } };
          expect({ target, ack: { ok: ack.ok, code: ack.error?.code } }).toEqual({ target, ack: { ok: false, code: 'not_found' } });
        }
        // The same request with B's own object succeeds (the refusal is about ownership, not shape).
        const mine = 'conversation_id' in target ? { conversation_id: b.ids.cnv } : { phone_number_id: b.ids.pn };
        expect(((await bKey.socket.timeout(5_000).emitWithAck('subscribe', mine)) as { ok: boolean }).ok).toBe(true);
      }
      for (const target of [{ conversation_id: a.ids.cnv }, { phone_number_id: a.ids.pn }])
        expect(((await aSock.socket.timeout(5_000).emitWithAck('subscribe', target)) as { ok: boolean }).ok).toBe(true);

      // A's activity in its conversation and on its number: inbound, outbound, status updates.
      const marker = `socket check ${Date.now()}`;
      const inbound = await api.request('POST', '/v1/sandbox/inbound', { phone_number_id: a.ids.pn, from: a.customer.phone, type: 'text', text: { body: marker } });
      expect(inbound.status).toBe(202);
      const out = await api.request('POST', '/v1/messages', { phone_number_id: a.ids.pn, to: a.customer.phone, type: 'text', text: { body: `${marker} reply` } });
      expect(out.status).toBe(202);
      await eventually(async () => (aSock.events.some((e) => JSON.stringify(e).includes(out.body.id) && e.type === 'message.status_updated') ? true : undefined), 'A to see its own events');
      // Then B's own event: once B's sockets have it, anything of A's sent before would have arrived too.
      const bMarker = `b sentinel ${Date.now()}`;
      expect((await api.request('POST', '/v1/sandbox/inbound', { phone_number_id: b.ids.pn, from: b.customer.phone, type: 'text', text: { body: bMarker } }, api.auth(b.key))).status).toBe(202);
      for (const client of [bKey, bToken]) await eventually(async () => (client.events.some((e) => JSON.stringify(e).includes(bMarker)) ? true : undefined), 'B to see its own event');
      for (const client of [bKey, bToken]) {
        expect(client.events.map((e) => e.organization_id).filter((o) => o !== b.orgId)).toEqual([]);
        expect(leaksToB(JSON.stringify(client.events), '')).toEqual([]);
        expect(JSON.stringify(client.events)).not.toContain(marker);
      }
    });
  });
});
