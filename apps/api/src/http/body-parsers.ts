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

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
const MULTIPART_TYPE = /^multipart\/form-data\s*(?:;|$)/i;

/**
 * A /v1 request that carries a body must say it is JSON (or multipart, for uploads). Anything else used to reach
 * the handler as an empty body and fail validation with a misleading "field is required"; it is a 415 instead.
 */
export function requireJsonBody(req: AppRequest, res: Response, next: NextFunction): void {
  if (!req.path.startsWith('/v1/') || !carriesBody(req)) return next();
  const type = req.header('content-type') ?? '';
  if (JSON_TYPE.test(type) || MULTIPART_TYPE.test(type)) return next();
  const message = type
    ? `Content-Type ${type.split(';')[0].trim().slice(0, 100)} is not accepted: send application/json (multipart/form-data for uploads).`
    : 'A request body needs Content-Type: application/json (multipart/form-data for uploads).';
  sendError(req, res, new AppError('unsupported_media_type', message, { param: 'Content-Type' }));
}

/** Whether the request has a body at all (the same test as type-is' hasBody: chunked, or a non-zero length). */
function carriesBody(req: AppRequest): boolean {
  return req.header('transfer-encoding') !== undefined || (req.header('content-length') ?? '0') !== '0';
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
