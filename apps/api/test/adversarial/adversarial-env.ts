import net from 'node:net';
import { ModulesContainer } from '@nestjs/core';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import fc from 'fast-check';
import { PrismaService } from '#db';
import { ERROR_CATALOGUE, ID_PREFIX, type ErrorCode } from '#domain';
import { QUEUES, QueueStats } from '#queue';
import { SandboxAdminClient } from '#sandbox';
import { dtoToJsonSchema } from '../../src/mcp/dto-json-schema.js';
import { startTestApi, type TestApi } from '../harness.js';
import { WebhookReceiver } from '../webhook-receiver.js';
import { createOneOfEverything, type OrgFixtures } from './org-fixtures.js';
import type { JsonSchema } from './schema-arbitrary.js';

// ---------------------------------------------------------------------------------------------------------------
// Size and reproducibility. CI runs the default size; ADVERSARIAL_RUNS=500 runs a soak; a failure prints the seed.

export const RUNS = positiveInt(process.env.ADVERSARIAL_RUNS, 20);
export const SEED = process.env.ADVERSARIAL_SEED !== undefined ? Number(process.env.ADVERSARIAL_SEED) : Math.floor(Math.random() * 2 ** 31);
/** How long one property may run before fast-check stops it (it then counts as passed with fewer runs). */
const TIME_LIMIT_MS = positiveInt(process.env.ADVERSARIAL_TIME_LIMIT_MS, 90_000);

function positiveInt(v: string | undefined, dflt: number): number {
  const n = Number(v);
  return Number.isInteger(n) && n > 0 ? n : dflt;
}

/**
 * fc.assert with the suite's size and seed; a failure names the seed and the command that replays it. Each property
 * gets its own seed derived from the suite's and its label, so operations do not all draw the same sequence.
 */
export async function check<T>(label: string, property: fc.IAsyncPropertyWithHooks<T>, runs = RUNS): Promise<void> {
  let h = SEED;
  for (const ch of label) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  try {
    await fc.assert(property, { numRuns: runs, seed: h, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: false });
  } catch (err) {
    const e = err as Error;
    e.message = `${label} — replay with ADVERSARIAL_SEED=${SEED} ADVERSARIAL_RUNS=${runs}\n${e.message}`;
    throw e;
  }
}

export function assert(condition: unknown, message: string | (() => string)): asserts condition {
  if (!condition) throw new Error(typeof message === 'function' ? message() : message);
}

// ---------------------------------------------------------------------------------------------------------------
// Booting: the api with its Graph API pointed at its own mounted sandbox, so no request ever leaves the machine.

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export async function startSealedApi(opts: Parameters<typeof startTestApi>[0] = {}): Promise<TestApi> {
  const port = await freePort();
  const api = await startTestApi({ ...opts, env: { PORT: String(port), META_GRAPH_URL: `http://127.0.0.1:${port}/sandbox`, ...(opts.env ?? {}) } });
  // Template review on a timer would write (status, audit) long after the request that submitted the template,
  // out of sight of TenantSnapshots.settle: review at once, so the webhook it sends is seen in flight.
  await new SandboxAdminClient(`${api.url}/sandbox`).patchBehavior({ template_review_ms: 0 });
  return api;
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP

export interface Sent {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** What went on the wire, as text (multipart bodies described), for failure messages and echo detection. */
  bodyText: string;
}

export interface Received {
  status: number;
  headers: Headers;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export async function send(baseUrl: string, req: { method: string; path: string; headers?: Record<string, string>; body?: string | FormData | Uint8Array; describe?: string }): Promise<{ sent: Sent; res: Received }> {
  const url = baseUrl + req.path;
  const headers = req.headers ?? {};
  const r = await fetch(url, { method: req.method, headers, body: req.body as RequestInit["body"] });
  const text = await r.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  const bodyText = req.describe ?? (typeof req.body === 'string' ? req.body : req.body instanceof Uint8Array ? `<${req.body.length} bytes>` : req.body ? '<multipart>' : '');
  return { sent: { method: req.method, url: req.path, headers, bodyText }, res: { status: r.status, headers: r.headers, text, json } };
}

export function describeExchange(sent: Sent, res: Received): string {
  const cut = (s: string, n = 600) => (s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s);
  return `${sent.method} ${cut(sent.url, 300)}\n  request headers: ${cut(JSON.stringify(sent.headers), 300)}\n  request body: ${cut(sent.bodyText)}\n  → ${res.status} ${cut(res.text)}`;
}

const PARAM_CODES: readonly ErrorCode[] = ['validation_failed', 'unknown_parameter'];

/**
 * The REST error contract: never a 5xx; every non-2xx is `{ error: { type, code, message, request_id } }` with a
 * catalogued code whose status and type match the answer, and `param` on validation errors.
 */
export function assertRestContract(sent: Sent, res: Received): void {
  const where = () => describeExchange(sent, res);
  assert(res.status < 500, () => `5xx answer\n${where()}`);
  if (res.status < 400) return;
  const e = res.json?.error;
  assert(e && typeof e === 'object', () => `no error envelope\n${where()}`);
  const entry = ERROR_CATALOGUE[e.code as ErrorCode];
  assert(entry, () => `uncatalogued code ${String(e.code)}\n${where()}`);
  assert(entry.status === res.status, () => `code ${e.code} is catalogued as ${entry.status}\n${where()}`);
  assert(e.type === entry.type, () => `type ${e.type} ≠ catalogued ${entry.type}\n${where()}`);
  assert(typeof e.message === 'string' && e.message.length > 0, () => `empty message\n${where()}`);
  assert(typeof e.request_id === 'string' && e.request_id === res.headers.get('x-request-id'), () => `request_id missing or ≠ X-Request-Id\n${where()}`);
  if (PARAM_CODES.includes(e.code)) assert(typeof e.param === 'string' && e.param.length > 0, () => `${e.code} without param\n${where()}`);
}

/** Successful JSON answers are objects with an `object` field (a resource or a list), as ARCHITECTURE.md says. */
export function assertSuccessShape(sent: Sent, res: Received): void {
  if (res.status >= 300 || !/json/.test(res.headers.get('content-type') ?? '')) return;
  assert(res.json && typeof res.json === 'object' && typeof res.json.object === 'string', () => `2xx JSON without an object field\n${describeExchange(sent, res)}`);
}

/**
 * Values of `secrets` (another organization's) found in an answer. A value the request itself carried (an id the
 * client sent, echoed in "No contact with id …") is the client's own input, not a leak.
 */
export function leakedValues(secrets: readonly string[], answer: string, request: string): string[] {
  return secrets.filter((s) => answer.includes(s) && !request.includes(s));
}

/**
 * leakedValues over a conversation: a value the client once sent (another organization's id it stored as a contact's
 * user_id, a wamid it quoted) is its own from then on, and seeing it again later is no leak.
 */
export class LeakWatch {
  private readonly told = new Set<string>();

  constructor(private readonly secrets: readonly string[]) {}

  leaks(answer: string, request: string): string[] {
    for (const s of this.secrets) if (request.includes(s)) this.told.add(s);
    return leakedValues(
      this.secrets.filter((s) => !this.told.has(s)),
      answer,
      request,
    );
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Partial writes: row counts of every tenant table (found in the schema, so new tables are covered) per organization.

/**
 * idempotency_record keeps the answers to requests that carried an Idempotency-Key, rejected ones included, by
 * design (a retry must get the same 4xx); it is checked separately (no record stays in_progress).
 */
const NOT_A_WRITE = new Set(['idempotency_record']);

/**
 * Queues whose delayed jobs (scheduled sends, pacing, retries to a receiver that answers) may wait for minutes and
 * only move statuses of rows that exist; any other delayed job counts as work still in progress.
 */
const STATUS_ONLY_DELAYS = new Set<string>([QUEUES.messageDelivery, QUEUES.webhookDelivery]);

export class TenantSnapshots {
  private tables: string[] = [];

  constructor(private readonly api: TestApi) {}

  private get prisma(): PrismaService {
    return this.api.app.get(PrismaService);
  }

  async init(): Promise<this> {
    const rows = await this.prisma.client.$queryRawUnsafe<{ table_name: string }[]>(
      `SELECT table_name FROM information_schema.columns WHERE column_name = 'organization_id' AND table_schema = current_schema() ORDER BY table_name`,
    );
    this.tables = rows.map((r) => r.table_name).filter((t) => !NOT_A_WRITE.has(t));
    assert(this.tables.includes('audit_log') && this.tables.includes('message'), `tenant tables not found: ${this.tables.join(', ')}`);
    return this;
  }

  get tableNames(): readonly string[] {
    return this.tables;
  }

  async counts(organizationId: string): Promise<Record<string, number>> {
    const sql = this.tables.map((t) => `SELECT '${t}' AS t, count(*)::int AS n FROM "${t}" WHERE organization_id = $1`).join(' UNION ALL ');
    const rows = await this.prisma.client.$queryRawUnsafe<{ t: string; n: number }[]>(sql, organizationId);
    return Object.fromEntries(rows.map((r) => [r.t, Number(r.n)]));
  }

  /**
   * Waits until the background work a request started is over: no job waiting or running, no delayed job that will
   * write rows (a broadcast polls for completion with delayed jobs; delayed message sends only change statuses), no
   * webhook on its way out of the sandbox, and two readings 25 ms apart agree. Returns the reading.
   */
  async settle(organizationId: string, timeoutMs = 30_000): Promise<Record<string, number>> {
    const queues = this.api.app.get(QueueStats);
    const sandbox = new SandboxAdminClient(`${this.api.url}/sandbox`);
    const deadline = Date.now() + timeoutMs;
    let previous: string | undefined;
    for (;;) {
      const depths = await queues.getCounts();
      const hooks = await withOneRetryOnReset(() => sandbox.webhooks());
      const busy =
        hooks.pending + hooks.in_flight > 0 ||
        Object.entries(depths).some(([name, c]) => c.waiting + c.active > 0 || (!STATUS_ONLY_DELAYS.has(name) && c.delayed > 0));
      const counts = await this.counts(organizationId);
      const key = JSON.stringify(counts);
      if (!busy && key === previous) return counts;
      previous = busy ? undefined : key;
      if (Date.now() > deadline) {
        const unprocessed = await this.prisma.client.$queryRawUnsafe<unknown[]>(
          `SELECT id, status, attempts, error, left(payload::text, 600) AS payload FROM inbound_event WHERE status <> 'processed' ORDER BY received_at DESC LIMIT 3`,
        );
        throw new Error(
          `organization ${organizationId} did not settle: ${key}; queues ${JSON.stringify(depths)}; sandbox webhooks pending ${hooks.pending}, ` +
            `in flight ${hooks.in_flight}; unprocessed Meta webhooks: ${JSON.stringify(unprocessed)}`,
        );
      }
      await new Promise((r) => setTimeout(r, busy ? 20 : 25));
    }
  }

  /** The newest rows of some tables of an organization, for failure messages. */
  async newestRows(organizationId: string, tables: string[]): Promise<string> {
    const out: string[] = [];
    for (const t of tables.filter((x) => this.tables.includes(x))) {
      const rows = await this.prisma.client
        .$queryRawUnsafe<unknown[]>(`SELECT * FROM "${t}" WHERE organization_id = $1 ORDER BY created_at DESC LIMIT 2`, organizationId)
        .catch((err: unknown) => [String(err)]);
      out.push(`${t}: ${JSON.stringify(rows, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v)).slice(0, 1500)}`);
    }
    return out.join('\n  ');
  }

  /** Idempotency records a request left `in_progress` after it answered (none may remain once it has). */
  async inProgressIdempotency(organizationId: string): Promise<number> {
    const rows = await this.prisma.client.$queryRawUnsafe<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM idempotency_record WHERE organization_id = $1 AND status = 'in_progress'`,
      organizationId,
    );
    return Number(rows[0].n);
  }
}

/**
 * The no-partial-write property around one request of organization `subject`: a rejected request changes none of
 * its rows, and no request of it changes a row of organization `bystander`.
 */
export class WriteGuard {
  /** The subject's counts when it was last known to be quiet (undefined: must settle first). */
  private quiet?: Record<string, number>;
  private bystanderCounts: Record<string, number> = {};

  constructor(
    private readonly api: TestApi,
    private readonly snapshots: TenantSnapshots,
    private readonly subject: string,
    private readonly bystander: string,
  ) {}

  async init(): Promise<this> {
    await this.quietWebhooks();
    this.bystanderCounts = await this.snapshots.settle(this.bystander);
    return this;
  }

  /**
   * Subscriptions the fuzz creates or re-enables would turn every later event into webhook deliveries written in
   * the background, which a row count cannot tell from a partial write: keep them all disabled.
   */
  async quietWebhooks(): Promise<void> {
    await this.api.app.get(PrismaService).client.webhookSubscription.updateMany({
      where: { organizationId: { in: [this.subject, this.bystander] }, status: 'active' },
      data: { status: 'disabled', disabledReason: 'adversarial suite' },
    });
  }

  async before(): Promise<Record<string, number>> {
    const counts = this.quiet ?? (await this.snapshots.settle(this.subject));
    this.quiet = undefined;
    return counts;
  }

  async after(before: Record<string, number>, rejected: boolean, exchange: () => string): Promise<void> {
    await this.quietWebhooks();
    const after = await this.snapshots.settle(this.subject);
    if (rejected) {
      const changed = diffCounts(before, after);
      if (changed.length) {
        const newest = await this.snapshots.newestRows(this.subject, Object.keys(after).filter((t) => before[t] !== after[t]));
        throw new Error(`partial write: a rejected request changed ${changed.join(', ')}\n${exchange()}\n  newest rows: ${newest}`);
      }
      this.quiet = after;
    }
    const theirs = diffCounts(this.bystanderCounts, await this.snapshots.counts(this.bystander));
    assert(!theirs.length, () => `a request of one organization changed another's rows: ${theirs.join(', ')}\n${exchange()}`);
  }
}

export function diffCounts(before: Record<string, number>, after: Record<string, number>): string[] {
  return Object.keys({ ...before, ...after })
    .filter((t) => before[t] !== after[t])
    .map((t) => `${t}: ${before[t]} → ${after[t]}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Operations, from the OpenAPI document, with the DTO classes that validate them.

export interface Operation {
  /** "METHOD /path" */
  key: string;
  operationId: string;
  method: string;
  path: string;
  pathParams: string[];
  /** Query parameters as one object schema (the query DTO's own schema when found). */
  querySchema?: JsonSchema;
  body?: { kind: 'json' | 'multipart'; schema: JsonSchema; fromDto: boolean };
}

interface OperationDtos {
  body?: new () => object;
  query?: new () => object;
}

/** operationId (Controller_method, Nest's default) → the classes its @Body() and @Query() validate with. */
export function discoverDtos(api: TestApi): Map<string, OperationDtos> {
  const out = new Map<string, OperationDtos>();
  for (const module of api.app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const cls = wrapper.metatype as (new (...args: never[]) => object) | undefined;
      if (!cls?.prototype) continue;
      for (const method of Object.getOwnPropertyNames(cls.prototype)) {
        if (method === 'constructor') continue;
        const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, cls, method) ?? {}) as Record<string, { index: number }>;
        const types = (Reflect.getMetadata('design:paramtypes', cls.prototype, method) ?? []) as (new () => object)[];
        const dtos: OperationDtos = {};
        for (const [k, { index }] of Object.entries(args)) {
          const paramtype = Number(k.split(':')[0]);
          const t = types[index];
          if (!t || [Object, String, Number, Boolean, Array].includes(t as never)) continue;
          if (paramtype === 3) dtos.body = t; // RouteParamtypes.BODY
          if (paramtype === 4) dtos.query = t; // RouteParamtypes.QUERY
        }
        out.set(`${cls.name}_${method}`, dtos);
      }
    }
  }
  return out;
}

/** Every /v1 operation of the document. Other prefixes (the mounted sandbox's fake Graph API) are not the product. */
export function operationsOf(doc: JsonSchema, dtos: Map<string, OperationDtos>): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, JsonSchema>>)) {
    if (!path.startsWith('/v1/')) continue;
    for (const [method, op] of Object.entries(item)) {
      const params = (op.parameters ?? []) as JsonSchema[];
      const found = dtos.get(op.operationId) ?? {};
      const queryParams = params.filter((p) => p.in === 'query');
      let querySchema: JsonSchema | undefined;
      if (found.query) querySchema = dtoToJsonSchema(found.query);
      else if (queryParams.length)
        querySchema = {
          type: 'object',
          properties: Object.fromEntries(queryParams.map((p) => [p.name, p.schema ?? { type: 'string' }])),
          required: queryParams.filter((p) => p.required).map((p) => p.name),
        };
      const content = (op.requestBody?.content ?? {}) as Record<string, { schema: JsonSchema }>;
      let body: Operation['body'];
      if (content['multipart/form-data']) body = { kind: 'multipart', schema: content['multipart/form-data'].schema, fromDto: false };
      else if (content['application/json']) {
        const ref = content['application/json'].schema.$ref as string | undefined;
        const dto = found.body && ref?.endsWith(`/${found.body.name}`) ? found.body : undefined;
        body = { kind: 'json', schema: dto ? dtoToJsonSchema(dto) : content['application/json'].schema, fromDto: !!dto };
      }
      ops.push({
        key: `${method.toUpperCase()} ${path}`,
        operationId: op.operationId,
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        querySchema,
        body,
      });
    }
  }
  return ops;
}

export interface McpToolDescriptor {
  name: string;
  inputSchema: JsonSchema;
}

export interface Surface {
  operations: Operation[];
  tools: McpToolDescriptor[];
  /** "METHOD /path" of every operation in the document. */
  routes: string[];
}

/**
 * The api's surface as it describes itself (OpenAPI document, tools/list), read from a throwaway instance: Jest
 * needs test names before any hook runs, and an api started at import would outlive a run that filters the file out.
 */
export async function discoverSurface(): Promise<Surface> {
  const api = await startSealedApi();
  try {
    const doc = (await (await fetch(`${api.url}/v1/openapi.json`)).json()) as JsonSchema;
    const operations = operationsOf(doc, discoverDtos(api));
    const listed = await fetch(`${api.url}/mcp`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${api.key}`, 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    const tools = ((await listed.json()) as { result: { tools: McpToolDescriptor[] } }).result.tools;
    const routes = Object.entries(doc.paths as Record<string, object>).flatMap(([p, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${p}`));
    return { operations, tools, routes };
  } finally {
    await api.close();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Ids

/** Which id kind (prefix) a path parameter takes: by its name, else by the collection segment before it. */
const PARAM_KINDS: Record<string, string> = { contactId: 'ctc', labelId: 'lbl' };
const COLLECTION_KINDS: Record<string, string> = {
  api_keys: 'key',
  labels: 'lbl',
  contacts: 'ctc',
  conversations: 'cnv',
  messages: 'msg',
  phone_numbers: 'pn',
  templates: 'tpl',
  media: 'med',
  webhook_subscriptions: 'whs',
  webhook_deliveries: 'whd',
  broadcasts: 'brd',
};

/** The prefix of the id a path parameter takes; throws for a route nobody taught these tests (coverage must not rot). */
export function kindOfParam(path: string, param: string): string {
  if (PARAM_KINDS[param]) return PARAM_KINDS[param];
  const segments = path.split('/');
  const collection = segments[segments.indexOf(`{${param}}`) - 1];
  const kind = COLLECTION_KINDS[collection];
  if (!kind)
    throw new Error(
      `${path}: the adversarial suites do not know which id {${param}} takes. Add it to PARAM_KINDS/COLLECTION_KINDS in ` +
        'apps/api/test/adversarial/adversarial-env.ts and give org-fixtures.ts an object of that kind.',
    );
  return kind;
}

const ULID_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** Well-formed ids of every prefix that exist nowhere. */
export const madeUpId: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...Object.values(ID_PREFIX)), fc.string({ unit: fc.constantFrom(...ULID_ALPHABET), minLength: 26, maxLength: 26 }))
  .map(([p, r]) => `${p}_${r}`);

/** Id-shaped junk: made-up ids of every prefix, malformed ones, and the given real ids (another org's, other kinds). */
export function junkIds(realIds: readonly string[]): fc.Arbitrary<string> {
  const malformed = fc.constantFrom(
    'pn_',
    'cnv_01',
    'msg_' + 'z'.repeat(27),
    'CTC_01JZZZZZZZZZZZZZZZZZZZZZZZ',
    'ctc_01jzzzzzzzzzzzzzzzzzzzzzzz ',
    'lbl_../../etc',
    'key_%2e%2e',
    '0',
    '-1',
    '1e3',
    '999999999999999999999999999999',
    '106540352242922',
    ' ',
    'null',
    "' OR '1'='1",
    '\u0000',
    'cnv_\ud800',
    'x'.repeat(3000),
  );
  return realIds.length ? fc.oneof(madeUpId, malformed, fc.constantFrom(...realIds)) : fc.oneof(madeUpId, malformed);
}

/**
 * The api runs in this test process, so a CPU-heavy property (the generator self-check) stalls its timers too: the
 * server's 5 s keep-alive timer and the client's can fire in either order, and the first request after such a stall
 * may go out on a connection the server is closing (ECONNRESET). That is the test process's artefact, not an answer
 * of the api; a read like this one is simply asked again.
 */
async function withOneRetryOnReset<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    if (cause?.code !== 'ECONNRESET') throw err;
    return read();
  }
}

/**
 * What a fuzz suite runs against: a sealed api, a webhook receiver, one organization holding one of everything
 * under the api's own key (`fx`, the one exercised) and a second one (`other`) whose values must never leak, the
 * snapshots and write guard that prove a rejected request changed nothing, and junk ids mixing both organizations'.
 */
export interface FuzzWorld {
  api: TestApi;
  receiver: WebhookReceiver;
  fx: OrgFixtures;
  other: OrgFixtures;
  snapshots: TenantSnapshots;
  guard: WriteGuard;
  watch: LeakWatch;
  junk: fc.Arbitrary<string>;
  close(): Promise<void>;
}

/** `tags` name the two organizations' fixtures (distinct per suite, so their rows are told apart in reports). */
export async function startFuzzWorld(routes: readonly string[], tags: { own: string; other: string }): Promise<FuzzWorld> {
  const api = await startSealedApi();
  const receiver = await new WebhookReceiver().start();
  const stamp = Date.now().toString(36);
  const fx = await createOneOfEverything(api, { key: api.key, tag: `${tags.own}${stamp}`, receiverUrl: receiver.url, routes });
  const other = await createOneOfEverything(api, { tag: `${tags.other}${stamp}`, receiverUrl: receiver.url, routes });
  const snapshots = await new TenantSnapshots(api).init();
  const guard = await new WriteGuard(api, snapshots, fx.orgId, other.orgId).init();
  const otherIds = other.secrets.filter((s) => /^[a-z]+_[0-9a-z]{26}$/.test(s) || /^\d{6,}$/.test(s));
  const junk = junkIds([...otherIds, ...Object.values(fx.ids), fx.metaPhoneNumberId, fx.customer.wamid]);
  return {
    api,
    receiver,
    fx,
    other,
    snapshots,
    guard,
    watch: new LeakWatch(other.secrets),
    junk,
    async close() {
      await receiver.stop();
      await api.close();
    },
  };
}
