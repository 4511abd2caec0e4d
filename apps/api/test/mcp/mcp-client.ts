import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

export const MCP_ACCEPT = 'application/json, text/event-stream';

export interface RawMcpResponse {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

/** One raw HTTP POST to /mcp, as a client library would send it (override any header, or drop it with null). */
export async function postMcp(
  baseUrl: string,
  key: string | null,
  payload: unknown,
  headers: Record<string, string | null> = {},
): Promise<RawMcpResponse> {
  const merged: Record<string, string | null> = {
    'Content-Type': 'application/json',
    Accept: MCP_ACCEPT,
    ...(key ? { Authorization: `Bearer ${key}` } : {}),
    ...headers,
  };
  const res = await fetch(`${baseUrl}/mcp`, {
    method: 'POST',
    headers: Object.fromEntries(Object.entries(merged).filter((e): e is [string, string] => e[1] !== null)),
    body: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, body };
}

/** A tools/call over raw HTTP; returns the JSON-RPC result (a CallToolResult) or throws with the error. */
export async function callToolRaw(
  baseUrl: string,
  key: string,
  name: string,
  args: Record<string, unknown> = {},
): Promise<CallToolResult> {
  const res = await postMcp(baseUrl, key, {
    jsonrpc: '2.0',
    id: 1,
    method: 'tools/call',
    params: { name, arguments: args },
  });
  if (res.status !== 200 || !res.body?.result) throw new Error(`tools/call ${name}: HTTP ${res.status} ${res.text}`);
  return res.body.result as CallToolResult;
}

/** The SDK's own client over Streamable HTTP, authenticated with an API key. */
export async function connectSdkClient(
  baseUrl: string,
  key: string,
  via: 'bearer' | 'x-api-key' = 'bearer',
): Promise<Client> {
  const client = new Client({ name: 'kdv-e2e', version: '1.0.0' });
  const headers: Record<string, string> = via === 'bearer' ? { Authorization: `Bearer ${key}` } : { 'X-API-Key': key };
  await client.connect(new StreamableHTTPClientTransport(new URL(`${baseUrl}/mcp`), { requestInit: { headers } }));
  return client;
}

/** The text of a tool result (first content block). */
export function textOf(result: unknown): string {
  const content = (result as CallToolResult).content;
  const first = content?.[0];
  if (!first || first.type !== 'text') throw new Error(`no text content in ${JSON.stringify(result)}`);
  return first.text;
}

/** The catalogued error JSON on the first line of an isError result. */
export function errorOf(result: unknown): { code: string; message: string; param?: string } {
  if (!(result as CallToolResult).isError) throw new Error(`expected an isError result, got ${JSON.stringify(result)}`);
  return JSON.parse(textOf(result).split('\n')[0]);
}
