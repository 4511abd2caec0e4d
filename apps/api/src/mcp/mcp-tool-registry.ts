import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  ErrorCode as RpcErrorCode,
  McpError,
  type CallToolResult,
  type InitializeResult,
  type ListToolsResult,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { AppError, validateDto, type RequestClass, type TenantContext } from '#domain';
import { dtoToJsonSchema, type JsonSchema } from './dto-json-schema.js';
import { isSupportedProtocolVersion, MCP_LATEST_PROTOCOL_VERSION, MCP_PROTOCOL_VERSIONS } from './mcp-protocol.js';
import { RESPONSE_FORMATS, type McpTool, type ResponseFormat } from './mcp-tool.js';
import { errorResult, successResult } from './tool-results.js';

export const MCP_TOOLS = Symbol('MCP_TOOLS');

export const MCP_SERVER_INFO = { name: 'kdv-whatsapp', title: 'kdv WhatsApp', version: '1.0.0' } as const;

export const MCP_INSTRUCTIONS = [
  'Send and read WhatsApp messages for one organization.',
  "Call list_phone_numbers first: every message goes out from one of these numbers (phone_number_id takes our pn_ id or Meta's numeric id; it may be omitted when there is only one).",
  'The 24-hour rule: free-form messages (text, media, interactive) reach a contact only within 24 hours of their last inbound message.',
  'Outside that window send an approved template (send_message with type "template"); list_templates shows the approved templates of a number.',
  'Find people with search_contacts, threads with list_conversations, and read a thread with get_conversation.',
  'Results are short text by default; pass response_format "detailed" for full objects with every id and field.',
].join(' ');

interface Entry {
  tool: McpTool;
  descriptor: Tool;
  /** No DTO fields: class-validator refuses metadata-less classes (forbidUnknownValues), so only reject extras. */
  noArgs: boolean;
}

/**
 * Every tool, its JSON schema and the `tools/list` and `initialize` answers, built once at boot: per request
 * only the tool's own work runs (validation through the shared DTO path, then the service call).
 */
@Injectable()
export class McpToolRegistry {
  private readonly logger = new Logger('Mcp');
  private readonly entries = new Map<string, Entry>();
  readonly listToolsResult: ListToolsResult;
  private readonly initializeResults = new Map<string, InitializeResult>();

  constructor(@Inject(MCP_TOOLS) tools: McpTool[]) {
    for (const tool of tools) {
      if (!/^[a-z][a-z0-9]*(_[a-z0-9]+)+$/.test(tool.name))
        throw new Error(`MCP tool name ${tool.name} is not snake_case verb_noun`);
      if (this.entries.has(tool.name)) throw new Error(`MCP tool ${tool.name} is registered twice`);
      const descriptor = describe(tool);
      const noArgs = Object.keys(descriptor.inputSchema.properties ?? {}).length === 1;
      this.entries.set(tool.name, { tool, descriptor, noArgs });
    }
    this.listToolsResult = deepFreeze({ tools: [...this.entries.values()].map((e) => e.descriptor) });
    for (const version of MCP_PROTOCOL_VERSIONS)
      this.initializeResults.set(
        version,
        deepFreeze({
          protocolVersion: version,
          capabilities: { tools: {} },
          serverInfo: { ...MCP_SERVER_INFO },
          instructions: MCP_INSTRUCTIONS,
        }),
      );
  }

  /** Each tool with the REST route it mirrors (the route coverage test checks they exist). */
  get twins(): { tool: string; restTwin: string }[] {
    return [...this.entries.values()].map(({ tool }) => ({ tool: tool.name, restTwin: tool.restTwin }));
  }

  /** Echo a version we speak, else our latest (the client then decides whether it can continue). */
  initializeResult(requested: string | undefined): InitializeResult {
    return this.initializeResults.get(
      requested && isSupportedProtocolVersion(requested) ? requested : MCP_LATEST_PROTOCOL_VERSION,
    )!;
  }

  /** The rate-limit class of a tools/call; unknown tools count as reads (they fail before doing anything). */
  accessOf(name: unknown): RequestClass {
    return (typeof name === 'string' && this.entries.get(name)?.tool.access) || 'read';
  }

  /**
   * Runs one tool. Only an unknown tool name is a protocol error; everything the caller can fix by changing the
   * arguments, and every business rule, comes back as an `isError` result the model can read.
   */
  async call(ctx: TenantContext, name: string, rawArgs: unknown): Promise<CallToolResult> {
    const entry = this.entries.get(name);
    if (!entry)
      throw new McpError(RpcErrorCode.InvalidParams, `Unknown tool: ${name}. Call tools/list for the available tools.`);
    const { tool, noArgs } = entry;
    try {
      const { format, rest } = splitFormat(rawArgs ?? {}, tool.defaultFormat);
      for (const arg of tool.required ?? [])
        if (rest[arg] === undefined) throw AppError.validation(arg, `${arg} is required.`);
      if (tool.defaults) for (const [k, v] of Object.entries(tool.defaults)) if (rest[k] === undefined) rest[k] = v;
      if (tool.access === 'write' && ctx.scope === 'read_only') throw new AppError('insufficient_scope');
      const args = noArgs ? rejectAny(rest) : await validateDto(tool.args, rest);
      return successResult(await tool.run(ctx, args), format);
    } catch (err) {
      if (err instanceof AppError) return errorResult(err);
      this.logger.error(
        {
          request_id: ctx.requestId,
          tool: name,
          err: err instanceof Error ? { message: err.message, stack: err.stack } : err,
        },
        'tool failed',
      );
      return errorResult(new AppError('internal_error'), ctx.requestId);
    }
  }
}

/** `response_format` belongs to the MCP layer, not to the REST DTO: take it out before the DTO validates. */
function splitFormat(raw: unknown, dflt: ResponseFormat): { format: ResponseFormat; rest: Record<string, unknown> } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw AppError.validation('arguments', 'The arguments must be a JSON object.');
  const { response_format: format, ...rest } = raw as Record<string, unknown>;
  if (format === undefined) return { format: dflt, rest };
  if (!RESPONSE_FORMATS.includes(format as ResponseFormat))
    throw AppError.validation('response_format', 'response_format must be one of: concise, detailed');
  return { format: format as ResponseFormat, rest };
}

function rejectAny(rest: Record<string, unknown>): object {
  const extra = Object.keys(rest)[0];
  // An empty key has no name of its own: the arguments object is at fault (param must never be empty).
  if (extra !== undefined)
    throw new AppError('unknown_parameter', extra ? `Unknown parameter: ${extra}.` : 'Unknown parameter: "" (an empty key).', { param: extra || 'arguments' });
  return {};
}

function describe(tool: McpTool): Tool {
  const schema = dtoToJsonSchema(tool.args);
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  if ('response_format' in properties)
    throw new Error(`MCP tool ${tool.name}: response_format is reserved for the MCP layer`);
  properties.response_format = {
    type: 'string',
    enum: [...RESPONSE_FORMATS],
    default: tool.defaultFormat,
    description:
      'concise: short text with the ids you need next; detailed: the full JSON objects (as text and structuredContent).',
  };
  for (const [k, v] of Object.entries(tool.defaults ?? {}))
    if (properties[k]) properties[k] = { ...properties[k], default: v };
  const required = [...new Set([...((schema.required as string[] | undefined) ?? []), ...(tool.required ?? [])])];
  for (const k of required)
    if (!properties[k]) throw new Error(`MCP tool ${tool.name}: required argument ${k} is not in its DTO`);
  return {
    name: tool.name,
    title: tool.title,
    description: tool.description,
    inputSchema: { ...schema, type: 'object', properties, ...(required.length ? { required } : {}) },
    annotations: { title: tool.title, ...tool.annotations },
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
