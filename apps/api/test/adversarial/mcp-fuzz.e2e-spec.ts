import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import fc from 'fast-check';
import { ERROR_CATALOGUE, type ErrorCode } from '#domain';
import type { TestApi } from '../harness.js';
import { postMcp, type RawMcpResponse } from '../mcp/mcp-client.js';
import { WebhookReceiver } from '../webhook-receiver.js';
import { assert, check, discoverSurface, LeakWatch, RUNS, SEED, startFuzzWorld, WriteGuard, type FuzzWorld, type McpToolDescriptor } from './adversarial-env.js';
import type { OrgFixtures } from './org-fixtures.js';
import { mutatedBody, validValue } from './schema-arbitrary.js';
import { semanticHints } from './semantic-hints.js';

/**
 * Property tests over every MCP tool of tools/list (a new tool is fuzzed without touching this file): arguments
 * generated from its inputSchema, valid and mutated. Every JSON object of arguments, however wrong, yields a tool
 * result (isError with a catalogued code, and `param` on validation errors) — never a JSON-RPC error, never an
 * HTTP error — and a failed call writes nothing.
 */

type Tool = McpToolDescriptor;

const { tools, routes } = await discoverSurface();

const PARAM_CODES: readonly string[] = ['validation_failed', 'unknown_parameter'];

interface Call {
  variant: string;
  args: unknown;
}

describe(`adversarial MCP tool arguments (e2e, fast-check, ${RUNS} runs per tool, seed ${SEED})`, () => {
  let world: FuzzWorld;
  let api: TestApi;
  let receiver: WebhookReceiver;
  let fx: OrgFixtures;
  let guard: WriteGuard;
  let watch: LeakWatch;
  let junk: fc.Arbitrary<string>;
  const tally = new Map<string, Map<string, number>>();

  beforeAll(async () => {
    world = await startFuzzWorld(routes, { own: 'M', other: 'N' });
    ({ api, receiver, fx, guard, watch, junk } = world);
  }, 120_000);

  afterAll(async () => {
    const lines = [...tally].map(([t, outcomes]) => `${t.padEnd(24)} ${[...outcomes].map(([o, n]) => `${o}×${n}`).join(' ')}`);
    if (process.env.ADVERSARIAL_REPORT) console.log(`MCP outcomes (seed ${SEED}):\n${lines.join('\n')}`);
    await world?.close();
  });

  function describeCall(tool: string, call: Call, res: RawMcpResponse): string {
    const cut = (s: string, n = 700) => (s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s);
    return `tools/call ${tool} [${call.variant}] ${cut(JSON.stringify(call.args) ?? 'undefined')}\n  → HTTP ${res.status} ${cut(res.text)}`;
  }

  function callsFor(tool: Tool): fc.Arbitrary<Call> {
    const opts = { hint: semanticHints(fx, receiver.url), ids: junk };
    return fc.oneof(
      { weight: 3, arbitrary: validValue(tool.inputSchema, opts).map((args) => ({ variant: 'valid', args })) },
      { weight: 5, arbitrary: mutatedBody(tool.inputSchema, opts).map((m) => ({ variant: `${m.mutation}@${m.at}`, args: m.value })) },
      {
        weight: 1,
        arbitrary: fc.constantFrom<Call>(
          { variant: 'no arguments', args: undefined },
          { variant: 'bad response_format', args: { response_format: 'verbose' } },
          { variant: 'response_format only', args: { response_format: 'detailed' } },
        ),
      },
    );
  }

  async function exercise(tool: Tool, call: Call): Promise<void> {
    const before = await guard.before();
    const payload = { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: tool.name, ...(call.args === undefined ? {} : { arguments: call.args }) } };
    const res = await postMcp(api.url, fx.key, payload);
    const where = () => describeCall(tool.name, call, res);
    const isObject = call.args === undefined || (typeof call.args === 'object' && call.args !== null && !Array.isArray(call.args));

    assert(res.status === 200, () => `HTTP ${res.status} instead of 200\n${where()}`);
    assert(res.body?.jsonrpc === '2.0' && res.body.id === 7, () => `not a JSON-RPC response to the call\n${where()}`);
    let outcome: string;
    let rejected: boolean;
    if (!isObject) {
      // Not an argument set at all (the MCP schema types `arguments` as an object): the request itself is
      // malformed, which the SDK answers with invalid params — a protocol error, still never a server fault.
      assert(res.body.error?.code === -32602 || res.body.result?.isError === true, () => `non-object arguments: neither -32602 nor isError\n${where()}`);
      outcome = res.body.error ? 'rpc-32602' : 'isError';
      rejected = true;
    } else {
      assert(!res.body.error && res.body.result, () => `a JSON-RPC error instead of a tool result\n${where()}`);
      const result = res.body.result as { isError?: boolean; content?: { type: string; text: string }[] };
      const text = result.content?.[0]?.type === 'text' ? result.content[0].text : undefined;
      assert(typeof text === 'string' && text.length > 0, () => `a result without text content\n${where()}`);
      rejected = result.isError === true;
      if (rejected) {
        let err: { code?: string; message?: string; param?: string };
        try {
          err = JSON.parse(text.split('\n')[0]);
        } catch {
          throw new Error(`isError text does not start with the error JSON\n${where()}`);
        }
        const entry = ERROR_CATALOGUE[err.code as ErrorCode];
        assert(entry, () => `uncatalogued code ${String(err.code)}\n${where()}`);
        assert(entry.status < 500, () => `a server fault (${err.code}) for bad arguments\n${where()}`);
        assert(typeof err.message === 'string' && err.message.length > 0, () => `empty message\n${where()}`);
        if (PARAM_CODES.includes(err.code!)) assert(typeof err.param === 'string' && err.param.length > 0, () => `${err.code} without param\n${where()}`);
        assert(text.split('\n')[1]?.length, () => `isError text without the next-step sentence\n${where()}`);
        outcome = `isError:${err.code}`;
      } else outcome = 'ok';
    }
    const byOutcome = tally.get(tool.name) ?? new Map<string, number>();
    const key = call.variant === 'valid' ? `valid→${outcome}` : outcome;
    byOutcome.set(key, (byOutcome.get(key) ?? 0) + 1);
    tally.set(tool.name, byOutcome);

    const leaks = watch.leaks(res.text, JSON.stringify(call.args) ?? '');
    assert(!leaks.length, () => `another organization's values in the result: ${leaks.join(', ')}\n${where()}`);
    await guard.after(before, rejected, where);
  }

  it('lists tools with object input schemas', () => {
    expect(tools.length).toBeGreaterThanOrEqual(10);
    for (const t of tools) expect(t.inputSchema.type).toBe('object');
  });

  it('generates schema-only arguments that satisfy every inputSchema (the generator is honest)', () => {
    const ajv = new AjvJsonSchemaValidator();
    for (const t of tools) {
      const validate = ajv.getValidator(t.inputSchema);
      for (const value of fc.sample(validValue(t.inputSchema), { numRuns: 100, seed: SEED })) {
        const { errorMessage } = validate(value);
        expect({ tool: t.name, value, errorMessage }).toEqual({ tool: t.name, value, errorMessage: undefined });
      }
    }
  });

  it.each(tools.map((t) => [t.name, t] as const))('%s', async (name, tool) => {
    await check(`MCP ${name}`, fc.asyncProperty(callsFor(tool), (call) => exercise(tool, call)));
  }, 600_000);
});
