import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import fc from 'fast-check';
import type { TestApi } from '../harness.js';
import { WebhookReceiver } from '../webhook-receiver.js';
import {
  assert,
  assertRestContract,
  assertSuccessShape,
  check,
  describeExchange,
  discoverSurface,
  kindOfParam,
  LeakWatch,
  RUNS,
  SEED,
  send,
  startFuzzWorld,
  TenantSnapshots,
  WriteGuard,
  type FuzzWorld,
  type Operation,
} from './adversarial-env.js';
import type { OrgFixtures } from './org-fixtures.js';
import { validValue } from './schema-arbitrary.js';
import { requestsFor, type FuzzRequest } from './rest-requests.js';
import { semanticHints } from './semantic-hints.js';

/**
 * Property tests over every /v1 operation of the OpenAPI document (a new route is fuzzed without touching this
 * file): valid bodies generated from the operation's DTO schema, and mutated ones (wrong types, missing and extra
 * fields, huge and hostile strings, nested junk, ids of every prefix and of another organization), broken paths,
 * queries and transports. For every answer: never a 5xx, the catalogued error envelope, no other organization's
 * data, and a rejected request changes no row of either organization.
 */

// The test list is the route list, read from the api itself.
const { operations, routes } = await discoverSurface();

describe(`adversarial REST input (e2e, fast-check, ${RUNS} runs per operation, seed ${SEED})`, () => {
  let world: FuzzWorld;
  let api: TestApi;
  let receiver: WebhookReceiver;
  let fx: OrgFixtures;
  let snapshots: TenantSnapshots;
  let guard: WriteGuard;
  let watch: LeakWatch;
  let junk: fc.Arbitrary<string>;
  const tally = new Map<string, Map<string, number>>();

  beforeAll(async () => {
    world = await startFuzzWorld(routes, { own: 'F', other: 'O' });
    ({ api, receiver, fx, snapshots, guard, watch, junk } = world);
  }, 120_000);

  afterAll(async () => {
    // Which statuses each operation answered: shows at a glance whether the valid paths were reached at all.
    const lines = [...tally].map(([op, statuses]) => `${op.padEnd(52)} ${[...statuses].sort(([a], [b]) => a.localeCompare(b)).map(([s, n]) => `${s}×${n}`).join(' ')}`);
    if (process.env.ADVERSARIAL_REPORT) console.log(`REST statuses (seed ${SEED}):\n${lines.join('\n')}`);
    await world?.close();
  });

  async function exercise(op: Operation, req: FuzzRequest): Promise<void> {
    const before = await guard.before();
    const { sent, res } = await send(api.url, { method: req.method, path: req.path, headers: req.headers, body: req.body, describe: `[${req.variant}] ${req.describe}` });
    const byStatus = tally.get(op.key) ?? new Map<string, number>();
    const outcome = req.variant.startsWith('valid') && res.status >= 400 ? `${res.status}(valid:${res.json?.error?.code}:${res.json?.error?.param ?? ''})` : String(res.status);
    byStatus.set(outcome, (byStatus.get(outcome) ?? 0) + 1);
    tally.set(op.key, byStatus);

    assertRestContract(sent, res);
    assertSuccessShape(sent, res);
    const leaks = watch.leaks(res.text + JSON.stringify([...res.headers]), sent.url + sent.bodyText);
    assert(!leaks.length, () => `another organization's values in the answer: ${leaks.join(', ')}\n${describeExchange(sent, res)}`);

    await guard.after(before, res.status >= 400, () => describeExchange(sent, res));
    if (req.headers['Idempotency-Key'] !== undefined) {
      const stuck = await snapshots.inProgressIdempotency(fx.orgId);
      assert(stuck === 0, () => `${stuck} idempotency record(s) left in_progress after the answer\n${describeExchange(sent, res)}`);
    }
  }

  it('knows every /v1 route (ids of path parameters, a body schema for every body)', () => {
    expect(operations.length).toBeGreaterThan(30);
    for (const op of operations) {
      for (const p of op.pathParams) expect(() => kindOfParam(op.path, p)).not.toThrow();
      if (op.body?.kind === 'json') expect({ op: op.key, fromDto: op.body.fromDto }).toEqual({ op: op.key, fromDto: true });
    }
  });

  it('generates schema-only bodies and queries that satisfy their DTO schemas (the generator is honest)', () => {
    const ajv = new AjvJsonSchemaValidator();
    for (const op of operations) {
      for (const schema of [op.body?.kind === 'json' && op.body.fromDto ? op.body.schema : undefined, op.querySchema].filter((x) => x !== undefined)) {
        const validate = ajv.getValidator(schema);
        for (const value of fc.sample(validValue(schema), { numRuns: 50, seed: SEED })) {
          const { errorMessage } = validate(value);
          expect({ op: op.key, value, errorMessage }).toEqual({ op: op.key, value, errorMessage: undefined });
        }
      }
    }
  });

  it.each(operations.map((op) => [op.key, op] as const))('%s', async (_key, op) => {
    const ctx = { fx, hint: semanticHints(fx, receiver.url), junk };
    await check(op.key, fc.asyncProperty(requestsFor(op, ctx), (req) => exercise(op, req)));
  }, 600_000);
});
