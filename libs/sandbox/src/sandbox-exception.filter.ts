import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { SandboxAdminError } from './sandbox-admin.error.js';
import { SandboxGraphError } from './sandbox-graph.error.js';
import { newFbtraceId } from './sandbox-ids.js';
import { SandboxNotEmulatedError } from './sandbox-not-emulated.error.js';
import { SandboxRawHttpError } from './sandbox-raw-http.error.js';

/** Renders every sandbox failure the way Meta would (Graph error bodies), admin errors as plain JSON, 501 loudly. */
@Catch()
export class SandboxExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Sandbox');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const req = host.switchToHttp().getRequest<Request>();
    if (res.headersSent) return;
    if (exception instanceof SandboxGraphError) {
      res.status(exception.httpStatus).json(exception.toBody());
      return;
    }
    if (exception instanceof SandboxNotEmulatedError) {
      this.logger.warn(exception.message);
      res.status(501).json({
        error: {
          message: `(#501) ${exception.message}`,
          type: 'SandboxNotEmulated',
          code: 501,
          route: exception.route,
          error_data: { messaging_product: 'whatsapp', details: `${exception.message}. The sandbox answers 501 instead of faking it.` },
          fbtrace_id: newFbtraceId(),
        },
      });
      return;
    }
    if (exception instanceof SandboxAdminError) {
      res.status(exception.status).json({ error: { type: 'sandbox_admin_error', message: exception.message } });
      return;
    }
    if (exception instanceof SandboxRawHttpError) {
      res.status(exception.status).type(exception.contentType).send(exception.body);
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const message = typeof exception.message === 'string' ? exception.message : 'Invalid request';
      if (req.path.includes('/_sandbox/')) {
        res.status(status).json({ error: { type: 'sandbox_admin_error', message } });
        return;
      }
      res.status(status).json(new SandboxGraphError(100, { message: '(#100) Invalid parameter', details: message, httpStatus: status }).toBody());
      return;
    }
    this.logger.error(`Unexpected sandbox error on ${req.method} ${req.originalUrl}: ${exception instanceof Error ? (exception.stack ?? exception.message) : String(exception)}`);
    res.status(500).json(new SandboxGraphError(1, { message: 'An unknown error has occurred.', httpStatus: 500 }).toBody());
  }
}
