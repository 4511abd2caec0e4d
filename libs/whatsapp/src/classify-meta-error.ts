import { metaErrorInfo } from './meta-error-codes.js';

/**
 * How a failed call should be handled:
 * - `none`: permanent for this message, do not retry;
 * - `backoff`: transient, retry with exponential backoff;
 * - `number_throttle`: the sending number is over its throughput, slow that number down and retry shortly;
 * - `recipient_throttle`: pair rate limit, retry later for that recipient only;
 * - `hard_backoff`: spam limit, back off hard and surface to the organization.
 */
export type MetaRetry = 'none' | 'backoff' | 'number_throttle' | 'recipient_throttle' | 'hard_backoff';

export type MetaOurCode =
  | 'meta_auth_failed'
  | 'meta_permission_denied'
  | 'meta_rate_limited'
  | 'meta_pair_rate_limited'
  | 'meta_spam_rate_limited'
  | 'meta_service_unavailable'
  | 'meta_maintenance'
  | 'meta_unknown_error'
  | 'meta_network_error'
  | 'meta_timeout'
  | 'meta_invalid_parameter'
  | 'meta_recipient_is_sender'
  | 'meta_undeliverable'
  | 'meta_outside_window'
  | 'meta_marketing_capped'
  | 'meta_marketing_opted_out'
  | 'meta_media_failed'
  | 'meta_template_param_count'
  | 'meta_template_not_found'
  | 'meta_template_text_too_long'
  | 'meta_template_policy'
  | 'meta_template_param_format'
  | 'meta_template_paused'
  | 'meta_template_disabled'
  | 'meta_policy_blocked';

export interface MetaErrorClass {
  retry: MetaRetry;
  /** The number's credentials are broken: pause all its sends until they are replaced. */
  pauseNumber: boolean;
  /** Something to remember about the recipient. */
  flagContact?: 'undeliverable' | 'opted_out';
  ourCode: MetaOurCode;
  title: string;
}

export type MetaErrorKind = 'meta' | 'network' | 'timeout' | 'http';

export interface ClassifiableError {
  code?: number;
  httpStatus?: number;
  kind: MetaErrorKind;
}

interface Row {
  codes: readonly number[];
  range?: readonly [number, number];
  retry: MetaRetry;
  ourCode: MetaOurCode;
  pauseNumber?: boolean;
  flagContact?: 'undeliverable' | 'opted_out';
}

/** The one mapping of Meta's codes (WHATSAPP.md, "Errors"). */
const ROWS: readonly Row[] = [
  { codes: [0, 190], retry: 'none', ourCode: 'meta_auth_failed', pauseNumber: true },
  { codes: [3, 10, 131005], range: [200, 299], retry: 'none', ourCode: 'meta_permission_denied' },
  { codes: [4, 80007], retry: 'backoff', ourCode: 'meta_rate_limited' },
  { codes: [130429], retry: 'number_throttle', ourCode: 'meta_rate_limited' },
  { codes: [131056], retry: 'recipient_throttle', ourCode: 'meta_pair_rate_limited' },
  { codes: [131048], retry: 'hard_backoff', ourCode: 'meta_spam_rate_limited' },
  { codes: [1, 131000], retry: 'backoff', ourCode: 'meta_unknown_error' },
  { codes: [2, 131016, 133004], retry: 'backoff', ourCode: 'meta_service_unavailable' },
  { codes: [131057], retry: 'backoff', ourCode: 'meta_maintenance' },
  { codes: [33, 100, 131008, 131009, 131051, 135000], retry: 'none', ourCode: 'meta_invalid_parameter' },
  { codes: [131021], retry: 'none', ourCode: 'meta_recipient_is_sender' },
  { codes: [131026], retry: 'none', ourCode: 'meta_undeliverable', flagContact: 'undeliverable' },
  { codes: [131047], retry: 'none', ourCode: 'meta_outside_window' },
  // Meta chose not to deliver (marketing cap): retrying within 24 h fails the same way.
  { codes: [131049], retry: 'none', ourCode: 'meta_marketing_capped' },
  { codes: [131050], retry: 'none', ourCode: 'meta_marketing_opted_out', flagContact: 'opted_out' },
  { codes: [131052, 131053], retry: 'none', ourCode: 'meta_media_failed' },
  { codes: [132000], retry: 'none', ourCode: 'meta_template_param_count' },
  { codes: [132001], retry: 'none', ourCode: 'meta_template_not_found' },
  { codes: [132005], retry: 'none', ourCode: 'meta_template_text_too_long' },
  { codes: [132007], retry: 'none', ourCode: 'meta_template_policy' },
  { codes: [132012], retry: 'none', ourCode: 'meta_template_param_format' },
  { codes: [132015], retry: 'none', ourCode: 'meta_template_paused' },
  { codes: [132016], retry: 'none', ourCode: 'meta_template_disabled' },
  { codes: [368, 130497, 131031], retry: 'none', ourCode: 'meta_policy_blocked' },
];

function rowFor(code: number): Row | undefined {
  return ROWS.find((r) => r.codes.includes(code) || (r.range !== undefined && code >= r.range[0] && code <= r.range[1]));
}

function result(row: Pick<Row, 'retry' | 'ourCode' | 'pauseNumber' | 'flagContact'>, title: string): MetaErrorClass {
  const out: MetaErrorClass = { retry: row.retry, pauseNumber: row.pauseNumber ?? false, ourCode: row.ourCode, title };
  if (row.flagContact) out.flagContact = row.flagContact;
  return out;
}

/**
 * Classifies a synchronous Graph error (GraphApiError) or an asynchronous one (a `failed` status's `errors[0]`,
 * passed as `{ code, kind: 'meta' }`).
 */
export function classifyMetaError(err: ClassifiableError): MetaErrorClass {
  if (err.kind === 'network') return result({ retry: 'backoff', ourCode: 'meta_network_error' }, 'Meta could not be reached');
  if (err.kind === 'timeout') return result({ retry: 'backoff', ourCode: 'meta_timeout' }, 'Meta did not answer in time');

  const status = err.httpStatus;
  // An HTTP 401 always means the token is not accepted, whatever code the body carries.
  if (status === 401) {
    const title = err.code !== undefined ? (metaErrorInfo(err.code)?.title ?? 'Unauthorized') : 'Unauthorized';
    return result({ retry: 'none', ourCode: 'meta_auth_failed', pauseNumber: true }, title);
  }
  if (err.code !== undefined) {
    const row = rowFor(err.code);
    if (row) return result(row, metaErrorInfo(err.code)?.title ?? row.ourCode);
  }
  if (status === 429) return result({ retry: 'backoff', ourCode: 'meta_rate_limited' }, 'Too many requests');
  // 501 is a route Meta (or the sandbox) does not serve: retrying cannot help.
  if (status !== undefined && status >= 500 && status !== 501) {
    return result({ retry: 'backoff', ourCode: err.code === undefined ? 'meta_service_unavailable' : 'meta_unknown_error' }, `HTTP ${status}`);
  }
  return result({ retry: 'none', ourCode: 'meta_unknown_error' }, err.code !== undefined ? `Unknown Meta error ${err.code}` : `HTTP ${status ?? 'error'}`);
}
