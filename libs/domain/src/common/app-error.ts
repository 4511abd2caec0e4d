import { ERROR_CATALOGUE, type ErrorCode, type ErrorType } from './error-catalogue.js';

/** A catalogued error. Services throw these; transports render them (REST envelope, MCP isError result). */
export class AppError extends Error {
  readonly status: number;
  readonly type: ErrorType;
  readonly hint?: string;

  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details: { param?: string; [key: string]: unknown } = {},
  ) {
    const entry = ERROR_CATALOGUE[code];
    super(message ?? entry.message);
    this.status = entry.status;
    this.type = entry.type;
    this.hint = 'hint' in entry ? entry.hint : undefined;
  }

  get param(): string | undefined {
    return this.details.param;
  }

  static notFound(what: string, id?: string): AppError {
    return new AppError('not_found', id ? `No ${what} with id ${id}.` : `No such ${what}.`);
  }

  static validation(param: string, message: string): AppError {
    return new AppError('validation_failed', message, { param });
  }

  /** The JSON body both transports render. */
  toBody(requestId?: string) {
    const { param, ...rest } = this.details;
    const extra = Object.keys(rest).length ? { details: rest } : {};
    return {
      error: {
        type: this.type,
        code: this.code,
        message: this.message,
        ...(param ? { param } : {}),
        ...extra,
        ...(requestId ? { request_id: requestId } : {}),
      },
    };
  }
}

/**
 * For `.catch(nullIfNotFound)`: a lookup whose target is gone answers null, any other failure (a database error is
 * transient) propagates, so a job retries instead of treating an outage as "deleted".
 */
export function nullIfNotFound(err: unknown): null {
  if (err instanceof AppError && err.code === 'not_found') return null;
  throw err;
}
