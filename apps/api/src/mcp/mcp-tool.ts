import type { ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import type { RequestClass, TenantContext } from '#domain';

export type ResponseFormat = 'concise' | 'detailed';
export const RESPONSE_FORMATS: readonly ResponseFormat[] = ['concise', 'detailed'];

/** What a tool hands back: the full wire object (detailed) and a short text for the model (concise). */
export interface ToolOutput {
  /** The same JSON the REST twin answers (snake_case, stable ids); becomes `structuredContent` when detailed. */
  data: Record<string, unknown>;
  /** A few short lines a model reads cheaply: what happened, the ids it needs next. */
  summary: string;
}

export type DtoClass<T extends object = object> = new () => T;

/** The argument class of tools whose REST twin takes no input (only response_format is accepted). */
export class NoArgs {}

/**
 * One MCP tool: a transport like a REST controller route. It validates with the same DTO class as its REST twin
 * and calls the same service method; the registry turns `args` into the tool's `inputSchema` once at boot.
 */
export interface McpTool<A extends object = object> {
  /** snake_case verb_noun. */
  readonly name: string;
  readonly title: string;
  /** When to use it and what to call first: the model reads this to choose a tool. */
  readonly description: string;
  readonly annotations: ToolAnnotations;
  /** The argument DTO: the REST twin's class, or a thin subclass adding the path ids REST takes in the URL. */
  readonly args: DtoClass<A>;
  /** Which rate-limit bucket a call consumes (and whether a read-only key may call it). */
  readonly access: RequestClass;
  /** `detailed` where the caller names specific ids; `concise` otherwise. */
  readonly defaultFormat: ResponseFormat;
  /** The REST route doing the same thing, for descriptions and the route coverage list. */
  readonly restTwin: string;
  /** Argument values the tool assumes when the caller leaves them out, where they differ from REST's. */
  readonly defaults?: Readonly<Record<string, unknown>>;
  /** Arguments optional in the REST DTO (a PATCH body) that this tool needs (set_conversation_status needs status). */
  readonly required?: readonly string[];
  run(ctx: TenantContext, args: A): Promise<ToolOutput>;
}

/** Annotation presets (MCP.md: reads, sends, status changes). */
export const READ_ONLY: ToolAnnotations = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
};
export const SENDS: ToolAnnotations = {
  readOnlyHint: false,
  destructiveHint: false,
  idempotentHint: false,
  openWorldHint: true,
};
export const STATUS_CHANGE: ToolAnnotations = {
  readOnlyHint: false,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
};
/** Local writes that add something each time they run (a note). */
export const LOCAL_WRITE: ToolAnnotations = {
  readOnlyHint: false,
  destructiveHint: false,
  idempotentHint: false,
  openWorldHint: false,
};
