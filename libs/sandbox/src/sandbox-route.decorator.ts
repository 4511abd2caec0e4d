import { applyDecorators, SetMetadata, UseFilters } from '@nestjs/common';
import { SandboxExceptionFilter } from './sandbox-exception.filter.js';

/**
 * Metadata the product's API-key guard honours to skip a route (`IS_PUBLIC` in apps/api). Sandbox routes never take
 * product API keys: the Graph routes check the number's Bearer token like Meta, the admin routes are open (test double).
 */
export const PUBLIC_ROUTE_METADATA = 'kdv:public';

/** Every sandbox controller: Meta-style error rendering, and no product API key. */
export const SandboxRoute = () => applyDecorators(UseFilters(SandboxExceptionFilter), SetMetadata(PUBLIC_ROUTE_METADATA, true));
