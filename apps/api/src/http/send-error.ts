import type { Response } from 'express';
import type { AppError } from '#domain';
import type { AppRequest } from './request-types.js';

/** Writes the REST error envelope. */
export function sendError(req: AppRequest, res: Response, err: AppError): void {
  if (res.headersSent) return;
  res.status(err.status).json(err.toBody(req.id));
}
