import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { IS_PUBLIC, REQUEST_CLASS } from './public.decorator.js';
import { RequestAuthenticator, requestClassOf } from './request-authenticator.js';
import type { AppRequest } from './request-types.js';

/**
 * Global guard for REST routes: who is calling (API key) and may they make this request now (scope, rate limit).
 * Ownership of objects is NOT checked here: services do that, because MCP calls and jobs never pass through guards.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: RequestAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const req = context.switchToHttp().getRequest<AppRequest>();
    const res = context.switchToHttp().getResponse<Response>();
    const { ctx, limits } = await this.authenticator.authenticate(req, 'rest');
    const declared = this.reflector.getAllAndOverride<'read' | 'write' | undefined>(REQUEST_CLASS, [context.getHandler(), context.getClass()]);
    await this.authenticator.admit(req, res, ctx, limits, declared ?? requestClassOf(req.method));
    return true;
  }
}
