import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { AppExceptionFilter } from './app-exception.filter.js';
import { AuthGuard } from './auth.guard.js';
import { DtoValidationPipe } from './dto-validation.pipe.js';
import { IdempotencyInterceptor } from './idempotency.interceptor.js';
import { RequestAuthenticator } from './request-authenticator.js';

/** The REST plumbing every /v1 route shares: auth + limits guard, idempotency, validation, error envelope. */
@Module({
  providers: [
    RequestAuthenticator,
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
    { provide: APP_PIPE, useClass: DtoValidationPipe },
    { provide: APP_FILTER, useClass: AppExceptionFilter },
  ],
  exports: [RequestAuthenticator],
})
export class HttpModule {}
