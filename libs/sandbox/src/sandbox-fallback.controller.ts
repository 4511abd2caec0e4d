import { All, Controller, Req } from '@nestjs/common';
import type { Request } from 'express';
import { SandboxRoute } from './sandbox-route.decorator.js';
import { routeOf } from './sandbox-http.util.js';
import { SandboxNotEmulatedError } from './sandbox-not-emulated.error.js';

/** Registered last: every route the sandbox does not emulate answers a loud 501 naming it. */
@Controller()
@SandboxRoute()
export class SandboxFallbackController {
  @All('{*path}')
  notEmulated(@Req() req: Request): never {
    throw new SandboxNotEmulatedError(routeOf(req));
  }
}
