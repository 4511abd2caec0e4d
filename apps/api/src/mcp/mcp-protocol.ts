import type { Response } from 'express';

/** The MCP revisions this endpoint speaks, newest first. */
export const MCP_PROTOCOL_VERSIONS = ['2025-11-25', '2025-06-18', '2025-03-26'] as const;
export const MCP_LATEST_PROTOCOL_VERSION = MCP_PROTOCOL_VERSIONS[0];
/** What a request without `MCP-Protocol-Version` is assumed to speak (the spec's rule for pre-header clients). */
export const MCP_DEFAULT_PROTOCOL_VERSION = '2025-03-26';
/** JSON-RPC batches were removed in 2025-06-18. */
export const MCP_BATCH_PROTOCOL_VERSIONS: readonly string[] = ['2025-03-26'];

export function isSupportedProtocolVersion(v: string): boolean {
  return (MCP_PROTOCOL_VERSIONS as readonly string[]).includes(v);
}

/** JSON-RPC and MCP error codes used on the wire. */
export const JsonRpcCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  /** Transport-level refusals (wrong method, Accept, version, rate limit). */
  ServerError: -32000,
  /** No or invalid credentials. */
  Unauthorized: -32001,
} as const;

/** Writes a JSON-RPC error response outside the SDK (before a request reaches the transport). */
export function sendJsonRpcError(
  res: Response,
  status: number,
  code: number,
  message: string,
  opts: { id?: string | number | null; data?: unknown; headers?: Record<string, string> } = {},
): void {
  if (res.headersSent) return;
  for (const [k, v] of Object.entries(opts.headers ?? {})) res.setHeader(k, v);
  res.status(status).json({
    jsonrpc: '2.0',
    error: { code, message, ...(opts.data !== undefined ? { data: opts.data } : {}) },
    id: opts.id ?? null,
  });
}
