import crypto from 'node:crypto';
import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { AppError, IdempotencyService } from '#domain';
import type { AppRequest } from './request-types.js';

/**
 * Idempotency-Key on POST. The rules live in IdempotencyService; this only adapts them to HTTP: replay the stored
 * status and body with `Idempotent-Replayed: true`, or run the handler and store what it answered (errors included,
 * except 5xx, which the client may retry).
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
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
    try {
      const body = await lastValueFrom(next.handle(), { defaultValue: undefined });
      await this.idempotency.finish(org, key, routeStatus, body);
      return body;
    } catch (err) {
      const status = err instanceof AppError ? err.status : 500;
      const body = err instanceof AppError ? err.toBody() : undefined;
      await this.idempotency.finish(org, key, status, body);
      throw err;
    }
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
