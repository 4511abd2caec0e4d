import express, { type NextFunction, type Response } from 'express';
import { AppError } from '#domain';
import { answerMcpBodyError, isMcpPath } from '../mcp/mcp-body-errors.js';
import type { AppRequest } from './request-types.js';
import { sendError } from './send-error.js';

/**
 * Our own JSON parser instead of Nest's: it keeps the raw bytes (Meta signatures are computed over them) and its
 * failures are rendered as catalogued errors instead of express' HTML pages.
 */
export function jsonBodyParser(limit: string) {
  return express.json({
    limit,
    type: ['application/json', 'application/*+json'],
    verify: (req, _res, buf) => {
      (req as AppRequest).rawBody = buf;
    },
  });
}

interface BodyParserError extends Error {
  type?: string;
  status?: number;
}

/** Express error middleware placed right after the parsers. */
export function bodyParserErrorHandler(err: BodyParserError, req: AppRequest, res: Response, next: NextFunction): void {
  // MCP clients read JSON-RPC errors, not the REST envelope.
  if (isMcpPath(req) && answerMcpBodyError(err, res)) return;
  if (err?.type === 'entity.parse.failed') return sendError(req, res, new AppError('invalid_json'));
  if (err?.type === 'entity.too.large') return sendError(req, res, new AppError('payload_too_large'));
  if (err?.type === 'encoding.unsupported' || err?.type === 'charset.unsupported')
    return sendError(req, res, new AppError('unsupported_media_type', 'Unsupported body encoding or charset.'));
  next(err);
}
