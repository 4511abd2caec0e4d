import { GraphApiError } from '#whatsapp';
import { AppError } from '../common/app-error.js';

/**
 * A failed Graph API call as a catalogued error: Meta's own refusal (bad token, unknown id, invalid template) becomes
 * `code` (422) carrying Meta's message and codes; Meta being unreachable, overloaded or rate limiting becomes 502
 * `upstream_unavailable`, which the caller may retry. Anything that is not a GraphApiError is returned unchanged.
 */
export function graphFailure(err: unknown, code: 'meta_verification_failed' | 'meta_request_failed', what: string): unknown {
  if (!(err instanceof GraphApiError)) return err;
  const meta = {
    ...(err.code !== undefined ? { meta_code: err.code } : {}),
    ...(err.subcode !== undefined ? { meta_subcode: err.subcode } : {}),
    ...(err.title ? { meta_title: err.title } : {}),
    ...(err.details ? { meta_details: err.details } : {}),
    ...(err.fbtraceId ? { fbtrace_id: err.fbtraceId } : {}),
  };
  if (err.kind === 'meta' && err.httpStatus < 500 && !err.retryable) return new AppError(code, `${what}: ${err.message}`, meta);
  return new AppError('upstream_unavailable', `${what}: ${err.message}`, meta);
}

/** True when Meta answered that the object does not exist (deleting something already gone is a success). */
export function isMetaNotFound(err: unknown): boolean {
  if (!(err instanceof GraphApiError) || err.kind !== 'meta') return false;
  return err.httpStatus === 404 || err.code === 132001 || (err.code === 100 && /not found|does not exist/i.test(`${err.message} ${err.details ?? ''}`));
}
