import type { NextFunction, Response } from 'express';
import type { Logger } from 'pino';
import type { Metrics } from '#domain';
import type { AppRequest } from './request-types.js';

/** One structured line per request (never headers or bodies: they carry keys and personal data) + metrics. */
export function accessLog(logger: Logger, metrics: Metrics) {
  return (req: AppRequest, res: Response, next: NextFunction) => {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      metrics.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
      metrics.httpDuration.observe({ method: req.method, route }, seconds);
      logger.debug(
        { request_id: req.id, method: req.method, route, status: res.statusCode, ms: Math.round(seconds * 1000), org: req.tenant?.organizationId },
        'request',
      );
    });
    next();
  };
}
