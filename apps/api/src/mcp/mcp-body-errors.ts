import type { Request, Response } from 'express';
import { JsonRpcCode, sendJsonRpcError } from './mcp-protocol.js';

export function isMcpPath(req: Request): boolean {
  return req.path === '/mcp' || req.path.startsWith('/mcp/');
}

/**
 * Body-parser failures on /mcp, answered as JSON-RPC (MCP clients cannot read our REST envelope).
 * Returns false for errors it does not know, which then take the normal path.
 */
export function answerMcpBodyError(err: { type?: string } | undefined, res: Response): boolean {
  switch (err?.type) {
    case 'entity.parse.failed':
      sendJsonRpcError(res, 400, JsonRpcCode.ParseError, 'Parse error: Invalid JSON');
      return true;
    case 'entity.too.large':
      sendJsonRpcError(res, 413, JsonRpcCode.ServerError, 'Payload Too Large: the request body is too large');
      return true;
    case 'encoding.unsupported':
    case 'charset.unsupported':
      sendJsonRpcError(
        res,
        415,
        JsonRpcCode.ServerError,
        'Unsupported Media Type: unsupported body encoding or charset',
      );
      return true;
    default:
      return false;
  }
}
