import crypto from 'node:crypto';
import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { AppError, IdempotencyService, retryBriefly } from '#domain';
import type { AppRequest } from './request-types.js';

/** Tries to store an idempotent request's outcome (about 0.6 s in all) before giving up on it. */
const RECORD_ATTEMPTS = 4;

/**
 * Idempotency-Key on POST. The rules live in IdempotencyService; this only adapts them to HTTP: replay the stored
 * status and body with `Idempotent-Replayed: true`, or run the handler and store what it answered (errors included,
 * except 5xx, which the client may retry).
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Idempotency');

  constructor(private readonly idempotency: IdempotencyService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle(); // global interceptors also wrap Socket.IO handlers
    const req = context.switchToHttp().getRequest<AppRequest>();
    const key = req.header('idempotency-key');
    if (req.method !== 'POST' || key === undefined || !req.tenant || !this.handles(req)) return next.handle();
    // Nest sets the route's status code after interceptors run, so read it from the route's metadata.
    const status = (Reflect.getMetadata(HTTP_CODE_METADATA, context.getHandler()) as number | undefined) ?? 201;
    return from(this.run(req, status, key, next));
  }

  /** Multipart bodies are parsed by the route's own interceptor, after this global one: see MultipartIdempotency. */
  protected handles(req: AppRequest): boolean {
    return !req.is('multipart/form-data');
  }

  protected hashedBody(req: AppRequest): unknown {
    return req.body;
  }

  private async run(req: AppRequest, routeStatus: number, key: string, next: CallHandler): Promise<unknown> {
    const org = req.tenant!.organizationId;
    const hash = IdempotencyService.requestHash(req.method, req.path, this.hashedBody(req));
    const begun = await this.idempotency.begin(org, key, hash);
    if (begun.kind === 'replay') throw new ReplayedResponse(begun.status, begun.body);
    let body: unknown;
    try {
      body = await lastValueFrom(next.handle(), { defaultValue: undefined });
    } catch (err) {
      const status = err instanceof AppError ? err.status : 500;
      await this.record(org, key, status, err instanceof AppError ? err.toBody() : undefined).catch((recordErr: unknown) =>
        this.logger.warn({ err: String(recordErr) }, 'could not record a failed idempotent request; its key stays in progress'),
      );
      throw err;
    }
    // The handler's effect has committed. Failing to store its answer must not become a 5xx: the client would retry,
    // find no record and repeat the effect (a second message). Answer anyway; at worst the key stays in progress and
    // a retry gets 409 instead of a duplicate.
    await this.record(org, key, routeStatus, body).catch((recordErr: unknown) =>
      this.logger.warn({ err: String(recordErr) }, 'could not record an idempotent answer; its key stays in progress'),
    );
    return body;
  }

  /** Stores the outcome, retrying briefly: a database blip (a pool connection terminated) passes within moments. */
  private record(org: string, key: string, status: number, body: unknown): Promise<void> {
    return retryBriefly(() => this.idempotency.finish(org, key, status, body), RECORD_ATTEMPTS);
  }
}

/** Thrown to short-circuit the handler; the exception filter writes it as the replayed answer. */
export class ReplayedResponse {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}

/**
 * For upload routes: placed after the route's FileInterceptor, so the form fields and the file's bytes (by digest)
 * are part of the request identity — the same key with another file is refused, not replayed.
 */
@Injectable()
export class MultipartIdempotencyInterceptor extends IdempotencyInterceptor {
  protected override handles(req: AppRequest): boolean {
    return !!req.is('multipart/form-data');
  }

  protected override hashedBody(req: AppRequest): unknown {
    const file = (req as AppRequest & { file?: { buffer: Buffer; originalname?: string; mimetype?: string } }).file;
    const digest = file ? crypto.createHash('sha256').update(file.buffer).digest('hex') : null;
    return { fields: req.body as unknown, file: file ? { sha256: digest, name: file.originalname, type: file.mimetype } : null };
  }
}
