import fc from 'fast-check';
import { kindOfParam, type Operation } from './adversarial-env.js';
import { PNG, type OrgFixtures } from './org-fixtures.js';
import { mutatedBody, NASTY_STRINGS, validValue, type Hint, type JsonSchema } from './schema-arbitrary.js';

export interface FuzzRequest {
  /** valid | body:<mutation>@<path> | path:… | query:… | transport:… — shown when a run fails. */
  variant: string;
  method: string;
  /** Path with query string, ready for fetch. */
  path: string;
  headers: Record<string, string>;
  body?: string | FormData;
  /** Text form of the body (for failure messages and to tell echoes from leaks). */
  describe: string;
}

export interface RequestContext {
  fx: OrgFixtures;
  hint: Hint;
  /** Id-shaped junk, including another organization's real ids. */
  junk: fc.Arbitrary<string>;
}

/** The fixture ids a valid request puts in a path parameter of this kind (DELETE routes get a victim). */
export function fixtureIdsFor(fx: OrgFixtures, kind: string, method: string, path: string): string[] {
  // Deleting the resource itself (not, say, detaching a label from a contact) consumes a victim.
  if (method === 'DELETE' && /^\/v1\/\w+\/\{\w+\}$/.test(path) && kind in fx.victims) return [fx.victims[kind as keyof OrgFixtures['victims']]];
  switch (kind) {
    case 'pn':
      return [fx.ids.pn, fx.metaPhoneNumberId];
    case 'ctc':
      return [fx.ids.ctc, fx.customer.contactId];
    case 'msg':
      return [fx.ids.msg, fx.customer.inboundMessageId];
    default: {
      const id = (fx.ids as Record<string, string>)[kind];
      if (!id) throw new Error(`org-fixtures has no object of kind ${kind}`);
      return [id];
    }
  }
}

function fillPath(op: Operation, values: Record<string, string>): string {
  return op.path.replace(/\{(\w+)\}/g, (_m, name: string) => values[name]);
}

function queryString(q: Record<string, unknown> | [string, string][]): string {
  const pairs: [string, string][] = Array.isArray(q)
    ? q
    : Object.entries(q)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]);
  if (!pairs.length) return '';
  return '?' + pairs.map(([k, v]) => `${pathSegment(k)}=${pathSegment(v)}`).join('&');
}

/** Every way a request to `op` is built: valid, or broken in its body, path, query or transport. */
export function requestsFor(op: Operation, c: RequestContext): fc.Arbitrary<FuzzRequest> {
  const auth = { Authorization: `Bearer ${c.fx.key}` };
  const opts = { hint: c.hint, ids: c.junk };
  const validPath = fc.record(Object.fromEntries(op.pathParams.map((p) => [p, fc.constantFrom(...fixtureIdsFor(c.fx, kindOfParam(op.path, p), op.method, op.path))]))) as fc.Arbitrary<Record<string, string>>;
  const validQuery: fc.Arbitrary<Record<string, unknown>> = op.querySchema ? (validValue(op.querySchema, opts) as fc.Arbitrary<Record<string, unknown>>) : fc.constant({});
  const jsonBody = op.body?.kind === 'json' ? op.body.schema : undefined;
  // Valid requests carry a fresh, well-formed key now and then; broken ones also reuse keys and send malformed ones.
  const sometimes = <T>(a: fc.Arbitrary<T>) => fc.oneof({ arbitrary: fc.constant(null), weight: 3 }, { arbitrary: a, weight: 1 });
  const freshKey = op.method === 'POST' ? sometimes(fc.uuid().map((u) => `fuzz-${op.operationId}-${u}`)) : fc.constant(null);
  const idempotency = op.method === 'POST' ? sometimes(idempotencyKey) : fc.constant(null);

  const build = (variant: string, pathValues: Record<string, string>, query: string, headers: Record<string, string>, body?: string | FormData, describe?: string): FuzzRequest => ({
    variant,
    method: op.method,
    path: fillPath(op, pathValues) + query,
    headers: { ...auth, ...headers },
    body,
    describe: describe ?? (typeof body === 'string' ? body : ''),
  });
  const json = (v: unknown) => JSON.stringify(v) ?? '';
  const withKey = (h: Record<string, string>, key: string | null) => (key === null ? h : { ...h, 'Idempotency-Key': key });

  const variants: { arbitrary: fc.Arbitrary<FuzzRequest>; weight: number }[] = [];

  if (op.body?.kind === 'multipart') {
    variants.push({ arbitrary: fc.tuple(validPath, multipartFor(op.body.schema, c, true), freshKey).map(([p, m, k]) => build(`multipart:valid ${m.describe}`, p, '', withKey({}, k), m.form, m.describe)), weight: 3 });
    variants.push({ arbitrary: fc.tuple(validPath, multipartFor(op.body.schema, c, false), idempotency).map(([p, m, k]) => build(`multipart:broken ${m.describe}`, p, '', withKey({}, k), m.form, m.describe)), weight: 4 });
    variants.push({ arbitrary: fc.tuple(validPath, transport).map(([p, t]) => build(`transport:${t.name}`, p, '', t.headers, t.body)), weight: 2 });
  } else {
    const validBody = jsonBody ? validValue(jsonBody, opts).map(json) : fc.constant(undefined);
    variants.push({
      arbitrary: fc.tuple(validPath, validQuery, validBody, freshKey).map(([p, q, b, k]) => build('valid', p, queryString(q), withKey(b === undefined ? {} : { 'Content-Type': 'application/json' }, k), b)),
      weight: 3,
    });
    if (jsonBody)
      variants.push({
        arbitrary: fc.tuple(validPath, mutatedBody(jsonBody, opts), idempotency).map(([p, m, k]) => build(`body:${m.mutation}@${m.at}`, p, '', withKey({ 'Content-Type': 'application/json' }, k), json(m.value))),
        weight: 5,
      });
    if (op.method !== 'GET')
      variants.push({ arbitrary: fc.tuple(validPath, transport).map(([p, t]) => build(`transport:${t.name}`, p, '', t.headers, t.body)), weight: 2 });
  }
  if (op.pathParams.length)
    variants.push({
      arbitrary: fc.tuple(validPath, fc.constantFrom(...op.pathParams), fc.oneof(c.junk.map(pathSegment), rawPathJunk), validBody(jsonBody, opts)).map(([p, which, junk, b]) =>
        build(`path:${which}=${junk.slice(0, 60)}`, { ...p, [which]: junk }, '', b === undefined ? {} : { 'Content-Type': 'application/json' }, b),
      ),
      weight: 2,
    });
  if (op.querySchema)
    variants.push({ arbitrary: fc.tuple(validPath, validQuery, queryMutation(op.querySchema, c)).map(([p, q, m]) => build(`query:${m.name}`, p, queryString(m.apply(q)), {})), weight: 2 });
  return fc.oneof(...variants);
}

function validBody(schema: JsonSchema | undefined, opts: { hint: Hint }): fc.Arbitrary<string | undefined> {
  return schema ? validValue(schema, opts).map((v) => JSON.stringify(v)) : fc.constant(undefined);
}

/** encodeURIComponent, except that a lone surrogate (which it refuses) goes out as the bytes Node would send. */
function pathSegment(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return [...Buffer.from(s)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  }
}

/** Path segments a client library would never produce: bad percent-encoding, separators, dot segments. */
const rawPathJunk = fc.constantFrom('%', '%zz', '%E0%A4%A', '%C0%AF', '%00', '..', '.', '%2F', 'a%2Fb', '%252e', '%F0%9F%98', '%ED%A0%80', encodeURIComponent('é'.repeat(2000)));

// Short keys collide across runs on purpose: the same key with another request must be refused, never replayed.
const idempotencyKey = fc.oneof(
  { arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 3 }).filter((s) => /^[\x21-\x7e]+$/.test(s)), weight: 4 },
  { arbitrary: fc.constantFrom('', ' ', 'a b', 'x'.repeat(256), '\u00e9\u00e8', 'tab\there'), weight: 1 },
);

interface Transport {
  name: string;
  headers: Record<string, string>;
  body: string;
}

/** Wrong content types, malformed JSON, bodies over the limit, pathological nesting. */
const transport: fc.Arbitrary<Transport> = fc.oneof(
  { weight: 24, arbitrary: fc.constantFrom<Transport>(
    { name: 'truncated json', headers: { 'Content-Type': 'application/json' }, body: '{"name": "x", "to": ' },
    { name: 'trailing comma', headers: { 'Content-Type': 'application/json' }, body: '{"a":1,}' },
    { name: 'single quotes', headers: { 'Content-Type': 'application/json' }, body: "{'a': 1}" },
    { name: 'empty json', headers: { 'Content-Type': 'application/json' }, body: '' },
    { name: 'json null', headers: { 'Content-Type': 'application/json' }, body: 'null' },
    { name: 'json scalar', headers: { 'Content-Type': 'application/json' }, body: '"text"' },
    { name: 'json array', headers: { 'Content-Type': 'application/json' }, body: '[{"a":1}]' },
    { name: 'bom', headers: { 'Content-Type': 'application/json' }, body: '\ufeff{}' },
    { name: 'infinity', headers: { 'Content-Type': 'application/json' }, body: '{"limit":1e999,"ttl_seconds":1e999,"throughput_per_second":-1e999}' },
    { name: 'duplicate keys', headers: { 'Content-Type': 'application/json' }, body: '{"name":"a","name":{"$ne":1}}' },
    { name: 'proto pollution', headers: { 'Content-Type': 'application/json' }, body: '{"__proto__":{"isAdmin":true,"polluted":1},"constructor":{"prototype":{"polluted":1}}}' },
    { name: 'text/plain json', headers: { 'Content-Type': 'text/plain' }, body: '{"name":"x"}' },
    { name: 'form encoded', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'name=x&to=%2B628123&type=text' },
    { name: 'xml', headers: { 'Content-Type': 'application/xml' }, body: '<a><name>x</name></a>' },
    { name: 'bogus multipart', headers: { 'Content-Type': 'multipart/form-data; boundary=zzz' }, body: '--zzz\r\nContent-Disposition: form-data; name="file"\r\n\r\nabc' },
    { name: 'multipart no boundary', headers: { 'Content-Type': 'multipart/form-data' }, body: 'abc' },
    { name: 'utf-16 charset', headers: { 'Content-Type': 'application/json; charset=utf-16' }, body: '{}' },
    { name: 'unknown charset', headers: { 'Content-Type': 'application/json; charset=klingon' }, body: '{}' },
    { name: 'gzip claimed', headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }, body: '{}' },
    { name: 'unknown encoding', headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'br2' }, body: '{}' },
    { name: 'vendor json', headers: { 'Content-Type': 'application/vnd.api+json' }, body: '{"zzz":1}' },
    { name: 'deep array', headers: { 'Content-Type': 'application/json' }, body: '['.repeat(20_000) + ']'.repeat(20_000) },
    { name: 'deep object', headers: { 'Content-Type': 'application/json' }, body: '{"metadata":' + '{"a":'.repeat(3_000) + '1' + '}'.repeat(3_000) + '}' },
  ) },
  // Rarely: over the 4 MB body limit.
  { weight: 1, arbitrary: fc.constant<Transport>({ name: 'over the body limit', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'x'.repeat(4.5 * 1024 * 1024) }) }) },
);

interface QueryMutation {
  name: string;
  apply(valid: Record<string, unknown>): [string, string][];
}

function queryMutation(schema: JsonSchema, c: RequestContext): fc.Arbitrary<QueryMutation> {
  const names = Object.keys((schema.properties ?? {}) as object);
  const entries = (q: Record<string, unknown>): [string, string][] =>
    Object.entries(q)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]);
  const junkValue = fc.oneof(
    fc.constantFrom(...NASTY_STRINGS),
    fc.constantFrom('-1', '0', '1.5', '1e999', 'abc', '101', '9'.repeat(40), 'true', '[]', '2026-13-45', 'yesterday', 'x'.repeat(5_000)),
    c.junk,
  );
  const options: fc.Arbitrary<QueryMutation>[] = [
    fc.tuple(fc.constantFrom('zzz', 'organization_id', 'limit[]', '__proto__[polluted]', 'constructor[prototype][x]'), fc.string({ maxLength: 10 })).map(([k, v]) => ({ name: `unknown ${k}`, apply: (q) => [...entries(q), [k, v]] })),
  ];
  if (names.length) {
    const name = fc.constantFrom(...names);
    options.push(
      fc.tuple(name, junkValue).map(([k, v]) => ({ name: `bad ${k}=${v.slice(0, 40)}`, apply: (q) => [...entries(q).filter(([e]) => e !== k), [k, v]] })),
      fc.tuple(name, fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 })).map(([k, a, b]) => ({ name: `repeated ${k}`, apply: (q) => [...entries(q).filter(([e]) => e !== k), [k, a], [k, b]] })),
      fc.tuple(name, fc.constantFrom('[$ne]', '[0]', '[a][b]', '[]')).map(([k, suffix]) => ({ name: `nested ${k}${suffix}`, apply: (q) => [...entries(q).filter(([e]) => e !== k), [`${k}${suffix}`, 'x']] })),
      name.map((k) => ({ name: `empty ${k}`, apply: (q) => [...entries(q).filter(([e]) => e !== k), [k, '']] })),
    );
  }
  return fc.oneof(...options);
}

interface Multipart {
  form: FormData;
  describe: string;
}

/** multipart/form-data bodies for an upload route: the DTO's text fields plus a file part, valid or not. */
function multipartFor(schema: JsonSchema, c: RequestContext, valid: boolean): fc.Arbitrary<Multipart> {
  const fields = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const textFields = Object.fromEntries(Object.entries(fields).filter(([, s]) => s.format !== 'binary'));
  const textSchema = { type: 'object', properties: textFields };
  const goodFields = validValue(textSchema, { hint: c.hint }) as fc.Arbitrary<Record<string, unknown>>;
  const badFields = fc.oneof(
    mutatedBody(textSchema, { hint: c.hint, ids: c.junk }).map((m) => (m.value && typeof m.value === 'object' && !Array.isArray(m.value) ? (m.value as Record<string, unknown>) : { junk: m.value })),
    fc.dictionary(fc.constantFrom('phone_number_id', 'type', 'messaging_product', 'extra', 'file'), fc.oneof(fc.constantFrom(...NASTY_STRINGS), c.junk), { maxKeys: 4 }),
  );
  const mime = fc.constantFrom('image/png', 'image/jpeg', 'image/webp', 'application/pdf', 'text/plain', 'application/octet-stream', '', 'image/svg+xml', 'video/mp4', 'audio/ogg', 'application/x-msdownload', 'x/y; z=');
  const bytes = fc.oneof(fc.constant(new Uint8Array(PNG)), fc.uint8Array({ maxLength: 4096 }), fc.constant(new Uint8Array(0)));
  const fileName = fc.oneof(fc.constant('photo.png'), fc.constantFrom(...NASTY_STRINGS).map((s) => `${s}.png`), fc.constant('a'.repeat(1000)));
  const file = fc.record({ bytes, type: mime, name: fileName, field: valid ? fc.constant('file') : fc.constantFrom('file', 'upload', 'files[]') });
  return fc
    .record({
      fields: valid ? goodFields : badFields,
      file: valid ? file.map((f) => [f]) : fc.array(file, { maxLength: 3 }),
      junkFields: valid ? fc.constant(0) : fc.constantFrom(0, 0, 20),
    })
    .map(({ fields: fv, file: files, junkFields }) => {
      const form = new FormData();
      const parts: string[] = [];
      for (const [k, v] of Object.entries(fv)) {
        if (v === undefined) continue;
        const s = typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
        form.append(k, s);
        parts.push(`${k}=${s.slice(0, 60)}`);
      }
      for (let i = 0; i < junkFields; i++) form.append(`f${i}`, 'x');
      for (const f of files) {
        form.append(f.field, new Blob([f.bytes as Uint8Array<ArrayBuffer>], { type: f.type }), f.name);
        parts.push(`${f.field}=<${f.bytes.length} bytes ${f.type} "${f.name.slice(0, 30)}">`);
      }
      if (junkFields) parts.push(`+${junkFields} junk fields`);
      return { form, describe: parts.join(' ') || '<empty form>' };
    });
}
