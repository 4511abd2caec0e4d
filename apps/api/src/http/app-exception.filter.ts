import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { AppError, type ErrorCode } from '#domain';
import type { AppRequest } from './request-types.js';
import { ReplayedResponse } from './idempotency.interceptor.js';
import { sendError } from './send-error.js';

/** HTTP statuses raised by Nest itself (unknown route, wrong method, …) mapped onto the catalogue. */
const HTTP_STATUS_CODES: Record<number, ErrorCode> = {
  400: 'validation_failed',
  401: 'invalid_api_key',
  403: 'insufficient_scope',
  404: 'route_not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'service_unavailable',
};

/**
 * Renders every REST error as `{ error: { type, code, message, param?, request_id } }`. Unknown exceptions become
 * `internal_error` with the request id logged beside the stack — never internals to the client.
 */
@Catch()
export class AppExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<AppRequest>();
    const res = ctx.getResponse<Response>();
    if (exception instanceof ReplayedResponse) {
      res.setHeader('Idempotent-Replayed', 'true');
      res.status(exception.status).json(exception.body);
      return;
    }
    sendError(req, res, this.toAppError(exception, req));
  }

  toAppError(exception: unknown, req: AppRequest): AppError {
    if (exception instanceof AppError) return exception;
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code = HTTP_STATUS_CODES[status];
      if (code === 'validation_failed') return malformedRequest(exception);
      if (code) return new AppError(code, status === 404 ? `No route ${req.method} ${req.path}.` : undefined);
    }
    const bodyErr = exception as { type?: string };
    if (bodyErr?.type === 'entity.parse.failed') return new AppError('invalid_json');
    if (bodyErr?.type === 'entity.too.large') return new AppError('payload_too_large');
    this.logger.error({ request_id: req.id, err: exception instanceof Error ? { message: exception.message, stack: exception.stack } : exception }, 'unhandled error');
    return new AppError('internal_error');
  }
}

/**
 * A 400 raised below our validation (the router's path decoding, multer's form parsing) still names what was wrong
 * in `param`, as every validation error does: the path, the form field multer reports, else the body.
 */
function malformedRequest(exception: HttpException): AppError {
  const cause = exception.cause as { field?: unknown } | undefined;
  if (cause instanceof URIError) return AppError.validation('path', 'The URL path is not validly percent-encoded.');
  if (cause && typeof cause.field === 'string' && cause.field) return AppError.validation(cause.field, exception.message);
  return AppError.validation('body', 'The request is invalid.');
}
