import type { NextFunction, Response } from 'express';
import { newId } from '#domain';
import type { AppRequest } from './request-types.js';

const CLIENT_ID_RE = /^[\x21-\x7e]{1,128}$/;

/** X-Request-Id: echoed when the client sends a sane one, generated otherwise; on every response. */
export function requestIdMiddleware(req: AppRequest, res: Response, next: NextFunction): void {
  const incoming = req.header('x-request-id');
  req.id = incoming && CLIENT_ID_RE.test(incoming) ? incoming : newId('request');
  res.setHeader('X-Request-Id', req.id);
  next();
}
