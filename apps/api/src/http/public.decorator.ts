import { SetMetadata } from '@nestjs/common';

// libs/sandbox marks its routes with the same value (PUBLIC_ROUTE_METADATA) so the mounted sandbox stays open.
export const IS_PUBLIC = 'kdv:public';

/** Routes that need no API key: health, metrics, docs, the Meta webhook (it has its own signature check). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

export const REQUEST_CLASS = 'kdv:request-class';

/**
 * Overrides the read/write class the HTTP method implies, for POSTs that change nothing the organization owns
 * (e.g. minting a realtime token), so read-only keys may call them and they spend read tokens.
 */
export const CountsAs = (cls: 'read' | 'write') => SetMetadata(REQUEST_CLASS, cls);
