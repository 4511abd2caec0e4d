import type { Request } from 'express';
import { SandboxNotEmulatedError } from './sandbox-not-emulated.error.js';

/** Graph versions look like v24.0; anything else under the sandbox is not an emulated route. */
export function assertGraphVersion(version: string, req: Request): void {
  if (!/^v\d+\.\d+$/.test(version)) throw new SandboxNotEmulatedError(routeOf(req));
}

export function routeOf(req: Request): string {
  return `${req.method} ${req.originalUrl.split('?')[0]}`;
}

/**
 * The sandbox's own base URL as the caller reached it (scheme, host and mount prefix: `/sandbox` when embedded, none
 * standalone), derived from a Graph route whose path contains `/<version>/`.
 */
export function publicBase(req: Request, version: string): string {
  const path = req.originalUrl.split('?')[0];
  const at = path.indexOf(`/${version}/`);
  const prefix = at >= 0 ? path.slice(0, at) : '';
  return `${req.protocol}://${req.get('host') ?? 'localhost'}${prefix}`;
}

/** The full URL of this request without its query (for paging.next). */
export function selfUrl(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}${req.originalUrl.split('?')[0]}`;
}

export function queryRecord(req: Request): Record<string, unknown> {
  return (req.query ?? {}) as Record<string, unknown>;
}
