import fc from 'fast-check';

/** A JSON Schema (draft-07 style, as class-validator-jsonschema emits) or an OpenAPI 3 schema object. */
export type JsonSchema = { [key: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * A semantic value for a property, chosen by its name (phone numbers, ids of existing fixtures, a reachable URL),
 * or undefined to generate from the schema alone. Hints are mixed with schema-only values, never replace them.
 */
export type Hint = (name: string, schema: JsonSchema) => fc.Arbitrary<unknown> | undefined;

export interface SchemaOptions {
  /** Where `$ref: "#/…"` pointers resolve (the OpenAPI document). */
  root?: JsonSchema;
  hint?: Hint;
}

/** Generated strings stay short unless a boundary is being probed: runs stay fast and bodies readable. */
const SOFT_MAX_STRING = 24;
const SOFT_MAX_ITEMS = 3;
const MAX_DEPTH = 20;

export function resolveRef(schema: JsonSchema, root: JsonSchema | undefined): JsonSchema {
  let s = schema;
  for (let guard = 0; s && typeof s.$ref === 'string'; guard++) {
    if (guard > 20 || !root || !s.$ref.startsWith('#/')) throw new Error(`cannot resolve ${s.$ref}`);
    s = s.$ref
      .slice(2)
      .split('/')
      .reduce((node: JsonSchema, part: string) => node?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], root);
  }
  return s ?? {};
}

/** Flattens `allOf` (swagger wraps a described `$ref` in a one-element allOf) into one object schema. */
export function normalize(schema: JsonSchema, root: JsonSchema | undefined): JsonSchema {
  const s = resolveRef(schema, root);
  if (!Array.isArray(s.allOf)) return s;
  const { allOf, ...rest } = s;
  const merged: JsonSchema = { ...rest };
  for (const part of allOf as JsonSchema[]) {
    const p = normalize(part, root);
    for (const [k, v] of Object.entries(p)) {
      if (k === 'properties') merged.properties = { ...(merged.properties ?? {}), ...(v as object) };
      else if (k === 'required') merged.required = [...new Set([...(merged.required ?? []), ...(v as string[])])];
      else if (!(k in merged)) merged[k] = v;
    }
  }
  return merged;
}

/** Values that conform to the schema (types, enums, bounds, patterns, required keys, no extra keys). */
export function validValue(schema: JsonSchema, opts: SchemaOptions = {}): fc.Arbitrary<unknown> {
  return gen(schema, opts, 0);
}

function gen(raw: JsonSchema, opts: SchemaOptions, depth: number): fc.Arbitrary<unknown> {
  const s = normalize(raw, opts.root);
  if (depth > MAX_DEPTH) return fc.constant(s.type === 'array' ? [] : s.type === 'object' ? {} : null);
  const alternatives = (s.anyOf ?? s.oneOf) as JsonSchema[] | undefined;
  if (alternatives?.length) {
    // Keywords beside anyOf/oneOf (a format, a description) apply to every alternative as well.
    const { anyOf: _a, oneOf: _o, ...beside } = s;
    return fc.oneof(...alternatives.map((a) => gen({ ...normalize(a, opts.root), ...beside }, opts, depth + 1)));
  }
  if ('const' in s) return fc.constant(s.const);
  if (Array.isArray(s.enum) && s.enum.length) return withNull(s, fc.constantFrom(...(s.enum as unknown[])));
  if (Array.isArray(s.type)) return fc.oneof(...(s.type as string[]).map((t) => gen({ ...s, type: t }, opts, depth)));
  // A format, a pattern or a length bound without a type still describes a string (IsDateString, IsISO8601…).
  const type = s.type ?? (s.format || s.pattern || s.maxLength !== undefined || s.minLength !== undefined ? 'string' : undefined);
  switch (type) {
    case 'string':
      return withNull(s, stringOf(s));
    case 'integer':
      return withNull(s, integerOf(s));
    case 'number':
      return withNull(s, fc.oneof(integerOf(s), doubleOf(s)));
    case 'boolean':
      return withNull(s, fc.boolean());
    case 'null':
      return fc.constant(null);
    case 'array':
      return withNull(s, arrayOf(s, opts, depth));
    case 'object':
      return withNull(s, objectOf(s, opts, depth));
    default:
      // No type at all (a custom validator with an undocumented shape): any small JSON value is fair.
      return s.properties ? objectOf(s, opts, depth) : fc.jsonValue({ maxDepth: 1 });
  }
}

function withNull(s: JsonSchema, arb: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return s.nullable === true ? fc.option(arb, { nil: null, freq: 5 }) : arb;
}

function stringOf(s: JsonSchema): fc.Arbitrary<string> {
  const re = typeof s.pattern === 'string' ? new RegExp(s.pattern) : undefined;
  const formatted = formattedString(s.format as string | undefined);
  // A format (date-time) is stricter than the pattern that often accompanies it (which allows month 13).
  if (formatted) return formatted.filter((v) => (!re || re.test(v)) && v.length <= (s.maxLength ?? Infinity));
  if (re) {
    const min = typeof s.minLength === 'number' ? s.minLength : 0;
    const max = Math.min(typeof s.maxLength === 'number' ? s.maxLength : Infinity, 600);
    // Small matches rarely reach a long minimum (a 16-character token): draw larger ones then.
    return fc.stringMatching(re, min >= 8 ? { size: 'large' } : {}).filter((v) => v.length >= min && v.length <= max);
  }
  const min = typeof s.minLength === 'number' ? s.minLength : 0;
  const max = typeof s.maxLength === 'number' ? s.maxLength : Infinity;
  const soft = Math.max(min, Math.min(max, SOFT_MAX_STRING));
  // Lengths count code points, as class-validator and JSON Schema do (a grapheme may be several).
  const codePoints = (v: string) => [...v].length;
  const arbs: fc.Arbitrary<string>[] = [
    fc.string({ minLength: min, maxLength: soft, unit: 'grapheme-ascii' }),
    fc.string({ minLength: min, maxLength: soft, unit: 'grapheme' }).filter((v) => codePoints(v) >= min && codePoints(v) <= max),
  ];
  // The boundary itself, where off-by-one and byte-vs-character mistakes live.
  if (Number.isFinite(max) && max > soft && max <= 5000) arbs.push(fc.string({ minLength: max, maxLength: max, unit: 'grapheme-ascii' }));
  return fc.oneof(...arbs);
}

function formattedString(format: string | undefined): fc.Arbitrary<string> | undefined {
  const when = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true });
  switch (format) {
    case 'date-time':
      return when.map((d) => d.toISOString());
    case 'date':
      return when.map((d) => d.toISOString().slice(0, 10));
    case 'email':
      return fc.emailAddress().filter((e) => e.length <= 320);
    case 'uri':
    case 'url':
      // Plain host labels: fc.webUrl's "a--b" labels are refused by the url format of JSON Schema validators.
      return fc
        .tuple(fc.array(fc.stringMatching(/^[a-z][a-z0-9]{0,9}$/), { minLength: 1, maxLength: 3 }), fc.stringMatching(/^[a-z]{2,6}$/), fc.stringMatching(/^[a-z0-9/_-]{0,20}$/))
        .map(([labels, tld, path]) => `https://${labels.join('.')}.${tld}/${path}`);
    default:
      return undefined;
  }
}

function integerOf(s: JsonSchema): fc.Arbitrary<number> {
  const min = lowerBound(s, true) ?? -1_000_000;
  const max = upperBound(s, true) ?? 1_000_000;
  const edges = [min, max].filter((v) => Number.isSafeInteger(v));
  return fc.oneof({ arbitrary: fc.integer({ min: Math.max(min, Number.MIN_SAFE_INTEGER), max: Math.min(max, Number.MAX_SAFE_INTEGER) }), weight: 4 }, { arbitrary: fc.constantFrom(...edges), weight: 1 });
}

function doubleOf(s: JsonSchema): fc.Arbitrary<number> {
  const min = lowerBound(s, false) ?? -1e9;
  const max = upperBound(s, false) ?? 1e9;
  return fc.double({ min, max, noNaN: true, noDefaultInfinity: true }).map((v) => (Object.is(v, -0) ? 0 : v));
}

function lowerBound(s: JsonSchema, integer: boolean): number | undefined {
  if (typeof s.exclusiveMinimum === 'number') return integer ? Math.floor(s.exclusiveMinimum) + 1 : s.exclusiveMinimum + 1e-9;
  return typeof s.minimum === 'number' ? (integer ? Math.ceil(s.minimum) : s.minimum) : undefined;
}

function upperBound(s: JsonSchema, integer: boolean): number | undefined {
  if (typeof s.exclusiveMaximum === 'number') return integer ? Math.ceil(s.exclusiveMaximum) - 1 : s.exclusiveMaximum - 1e-9;
  return typeof s.maximum === 'number' ? (integer ? Math.floor(s.maximum) : s.maximum) : undefined;
}

function arrayOf(s: JsonSchema, opts: SchemaOptions, depth: number): fc.Arbitrary<unknown[]> {
  const min = typeof s.minItems === 'number' ? s.minItems : 0;
  const max = typeof s.maxItems === 'number' ? s.maxItems : Infinity;
  const items = s.items ? gen(s.items as JsonSchema, opts, depth + 1) : fc.jsonValue({ maxDepth: 1 });
  return fc.array(items, { minLength: min, maxLength: Math.max(min, Math.min(max, min + SOFT_MAX_ITEMS)) });
}

function objectOf(s: JsonSchema, opts: SchemaOptions, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const props = (s.properties ?? {}) as Record<string, JsonSchema>;
  const names = Object.keys(props);
  if (!names.length) {
    // A free-form map (metadata): flat key → scalar, as the DTOs that accept one document.
    if (s.additionalProperties === false) return fc.constant({});
    return fc.dictionary(fc.string({ minLength: 1, maxLength: 12, unit: 'grapheme-ascii' }).filter((k) => !['__proto__', 'constructor', 'prototype'].includes(k)), fc.oneof(fc.string({ maxLength: 30 }), fc.integer(), fc.boolean()), { maxKeys: 4 });
  }
  const required = new Set((s.required as string[] | undefined) ?? []);
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const name of names) {
    const plain = gen(props[name], opts, depth + 1);
    const hinted = opts.hint?.(name, normalize(props[name], opts.root));
    model[name] = hinted ? fc.oneof({ arbitrary: hinted, weight: 3 }, { arbitrary: plain, weight: 1 }) : plain;
  }
  const tagged = taggedUnion(s, opts);
  if (tagged) {
    // `type: "image"` carries its body in `image`: generate the type, then exactly the sibling it names.
    const { tags } = tagged;
    return fc.constantFrom(...tags).chain((tag) => {
      const keep = Object.fromEntries(Object.entries(model).filter(([k]) => k !== 'type' && (k === tag || !tags.includes(k))));
      return fc
        .record(keep, { requiredKeys: [...names.filter((n) => required.has(n) && n !== 'type' && n in keep), ...(tag in keep ? [tag] : [])] })
        .map((rest) => ({ type: tag, ...rest }));
    });
  }
  return fc.record(model, { requiredKeys: names.filter((n) => required.has(n)) });
}

/**
 * The Cloud API's discriminated objects: an enum `type` whose values name sibling properties (a message's `text`,
 * `image`…, a template parameter's `currency`, a header's `image`). A schema cannot say "type X needs field X";
 * this keeps generated values from failing on it every time.
 */
function taggedUnion(s: JsonSchema, opts: SchemaOptions): { tags: string[] } | undefined {
  const props = (s.properties ?? {}) as Record<string, JsonSchema>;
  if (!props.type) return undefined;
  const typeSchema = normalize(props.type, opts.root);
  const values = Array.isArray(typeSchema.enum) ? (typeSchema.enum as unknown[]).filter((v): v is string => typeof v === 'string') : [];
  const named = values.filter((v) => v in props);
  return named.length >= 2 ? { tags: values } : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Mutations: take a schema-valid value and break it in one way a careless or hostile client would.

/** Strings that have broken servers before: NUL (PostgreSQL refuses it), lone surrogates, bidi overrides, … */
export const NASTY_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\u202egnp.exe',
  '\u200b\u200d\ufeff',
  'Z̸̢̛͎̰̩̱͌͐̐a̴l̷g̶o̸',
  '👩‍👩‍👧‍👦🏳️‍🌈',
  '𝕿𝖊𝖘𝖙',
  '\\',
  '"',
  "'; DROP TABLE message; --",
  '%00',
  '%zz',
  '../../../etc/passwd',
  '${jndi:ldap://x}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  '\r\nX-Injected: 1',
  'null',
  'undefined',
  '[]',
  '{}',
  '-1',
  '1e999',
  'NaN',
  '0x10',
  '٣',
  'İ',
  'ß'.repeat(300),
  '2026-02-30T25:61:00Z',
  '2026-13-45T00:00:00+07:00',
  '0000-01-01T00:00:00Z',
  '275760-09-13T00:00:00.001Z',
];

/** Deeply nested junk: arrays in objects in arrays, `depth` levels. */
export function nested(depth: number): unknown {
  let v: unknown = 'leaf';
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
}

export type Mutation =
  | 'wrong_type'
  | 'missing_required'
  | 'extra_field'
  | 'proto_key'
  | 'huge_string'
  | 'nasty_string'
  | 'nested_junk'
  | 'bad_number'
  | 'null_value'
  | 'swap_id'
  | 'whole_body';

/** Any JSON value of a type other than `like`'s. */
export function otherTypeThan(like: unknown): fc.Arbitrary<unknown> {
  const all: [string, fc.Arbitrary<unknown>][] = [
    ['string', fc.string({ maxLength: 10 })],
    ['number', fc.oneof(fc.integer(), fc.constantFrom(1.5, -1, 0, 2 ** 53 + 2, 1e308, -1e308))],
    ['boolean', fc.boolean()],
    ['object', fc.constantFrom({}, { x: 1 }, { $gt: '' })],
    ['array', fc.constantFrom([], [1], ['a', 'b'], [[]])],
    ['null', fc.constant(null)],
  ];
  const kind = like === null ? 'null' : Array.isArray(like) ? 'array' : typeof like;
  return fc.oneof(...all.filter(([k]) => k !== kind).map(([, a]) => a));
}

/** Where a value sits inside a body, and what its schema is (undefined for the root). */
interface Slot {
  path: (string | number)[];
  schema: JsonSchema;
  value: unknown;
  required: boolean;
}

/** Every property/item position of `value` with its schema, depth-first. */
export function slotsOf(value: unknown, schema: JsonSchema, root: JsonSchema | undefined, path: (string | number)[] = [], required = true): Slot[] {
  const s = normalize(schema, root);
  const out: Slot[] = [{ path, schema: s, value, required }];
  if (Array.isArray(value)) {
    const items = (s.items ?? {}) as JsonSchema;
    value.forEach((v, i) => out.push(...slotsOf(v, items, root, [...path, i], true)));
  } else if (value && typeof value === 'object') {
    const props = (s.properties ?? {}) as Record<string, JsonSchema>;
    const req = new Set((s.required as string[] | undefined) ?? []);
    for (const [k, v] of Object.entries(value)) out.push(...slotsOf(v, props[k] ?? {}, root, [...path, k], req.has(k)));
  }
  return out;
}

function setAt(root: unknown, path: (string | number)[], v: unknown, remove = false): unknown {
  if (!path.length) return v;
  const copy: any = Array.isArray(root) ? [...root] : { ...(root as object) }; // eslint-disable-line @typescript-eslint/no-explicit-any
  const [head, ...rest] = path;
  if (!rest.length) {
    if (remove) {
      if (Array.isArray(copy)) copy.splice(head as number, 1);
      else delete copy[head];
    } else copy[head] = v;
    return copy;
  }
  copy[head] = setAt(copy[head], rest, v, remove);
  return copy;
}

/** Defines an own enumerable "__proto__"/"constructor" key, which JSON.stringify then sends on the wire. */
function withOwnKey(target: unknown, key: string, v: unknown): unknown {
  if (!target || typeof target !== 'object' || Array.isArray(target)) return target;
  const copy = { ...(target as object) };
  Object.defineProperty(copy, key, { value: v, enumerable: true, configurable: true, writable: true });
  return copy;
}

export interface MutatedBody {
  mutation: Mutation;
  /** Where (dotted path) the mutation was applied. */
  at: string;
  value: unknown;
}

/**
 * One mutation of a schema-valid body. `ids` supplies the id-shaped values (every prefix, another organization's
 * objects) used when the mutated slot holds an id.
 */
export function mutatedBody(schema: JsonSchema, opts: SchemaOptions & { ids: fc.Arbitrary<string> }): fc.Arbitrary<MutatedBody> {
  return validValue(schema, opts).chain((base) => {
    const slots = slotsOf(base, schema, opts.root);
    const inner = slots.filter((sl) => sl.path.length > 0);
    const strings = inner.filter((sl) => typeof sl.value === 'string');
    const objects = slots.filter((sl) => sl.value && typeof sl.value === 'object' && !Array.isArray(sl.value));
    const requiredSlots = inner.filter((sl) => sl.required && typeof sl.path[sl.path.length - 1] === 'string');
    const idSlots = strings.filter((sl) => /(^|_)id$|_ids?$/.test(String(sl.path[sl.path.length - 1] ?? sl.path[sl.path.length - 2])));
    const numbers = inner.filter((sl) => typeof sl.value === 'number');
    const pick = <T>(xs: T[]) => fc.constantFrom(...xs);
    const at = (p: (string | number)[]) => p.join('.') || '(body)';
    const options: fc.Arbitrary<MutatedBody>[] = [
      pick(slots).chain((slot) =>
        otherTypeThan(slot.value).map((v) => ({ mutation: 'wrong_type' as const, at: at(slot.path), value: setAt(base, slot.path, v) })),
      ),
      fc.constantFrom<unknown>([], [base], 'text', 42, true, null, { '': '' }).map((value) => ({ mutation: 'whole_body' as const, at: '(body)', value })),
    ];
    if (objects.length)
      options.push(
        fc.tuple(pick(objects), fc.constantFrom('zzz', 'id', 'organization_id', 'object', 'status', 'Name', 'name ', 'created_at'), otherTypeThan(undefined)).map(([slot, key, v]) => ({
          mutation: 'extra_field' as const,
          at: at([...slot.path, key]),
          value: setAt(base, slot.path, { ...(slot.value as object), [key]: v }),
        })),
        fc.tuple(pick(objects), fc.constantFrom('__proto__', 'constructor', 'prototype'), fc.constantFrom<unknown>({ polluted: true, isAdmin: true }, { prototype: { polluted: true } }, 'x')).map(([slot, key, v]) => ({
          mutation: 'proto_key' as const,
          at: at([...slot.path, key]),
          value: setAt(base, slot.path, withOwnKey(slot.value, key, v)),
        })),
      );
    if (requiredSlots.length)
      options.push(pick(requiredSlots).map((slot) => ({ mutation: 'missing_required' as const, at: at(slot.path), value: setAt(base, slot.path, undefined, true) })));
    if (strings.length)
      options.push(
        fc.tuple(pick(strings), fc.constantFrom(5_000, 70_000, 600_000)).map(([slot, n]) => ({ mutation: 'huge_string' as const, at: at(slot.path), value: setAt(base, slot.path, 'é'.repeat(n)) })),
        fc.tuple(pick(strings), fc.constantFrom(...NASTY_STRINGS), fc.boolean()).map(([slot, nasty, wrap]) => ({
          mutation: 'nasty_string' as const,
          at: at(slot.path),
          value: setAt(base, slot.path, wrap ? `${String(slot.value)}${nasty}` : nasty),
        })),
      );
    if (inner.length)
      options.push(
        fc.tuple(pick(inner), fc.constantFrom(5, 60, 400)).map(([slot, d]) => ({ mutation: 'nested_junk' as const, at: at(slot.path), value: setAt(base, slot.path, nested(d)) })),
        pick(inner).map((slot) => ({ mutation: 'null_value' as const, at: at(slot.path), value: setAt(base, slot.path, null) })),
      );
    if (numbers.length)
      options.push(
        fc.tuple(pick(numbers), fc.constantFrom(-1, 0, 1.5, -0.000001, 2 ** 31, 2 ** 53 + 2, 1e308, -1e308, 1e-320)).map(([slot, n]) => ({ mutation: 'bad_number' as const, at: at(slot.path), value: setAt(base, slot.path, n) })),
      );
    if (idSlots.length)
      options.push(fc.tuple(pick(idSlots), opts.ids).map(([slot, id]) => ({ mutation: 'swap_id' as const, at: at(slot.path), value: setAt(base, slot.path, id) })));
    return fc.oneof(...options);
  });
}
