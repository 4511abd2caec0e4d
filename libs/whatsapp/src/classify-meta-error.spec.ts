import { classifyMetaError, type MetaErrorClass } from './classify-meta-error.js';
import { GraphApiError } from './graph-api.error.js';
import { metaErrorInfo } from './meta-error-codes.js';

type Expected = Pick<MetaErrorClass, 'retry' | 'ourCode'> & Partial<Pick<MetaErrorClass, 'pauseNumber' | 'flagContact'>>;

// One line per code of WHATSAPP.md's error table, with the HTTP status Meta answers it with.
const rows: [code: number, httpStatus: number, expected: Expected][] = [
  [0, 401, { retry: 'none', ourCode: 'meta_auth_failed', pauseNumber: true }],
  [190, 401, { retry: 'none', ourCode: 'meta_auth_failed', pauseNumber: true }],
  [3, 500, { retry: 'none', ourCode: 'meta_permission_denied' }],
  [10, 403, { retry: 'none', ourCode: 'meta_permission_denied' }],
  [200, 403, { retry: 'none', ourCode: 'meta_permission_denied' }],
  [250, 403, { retry: 'none', ourCode: 'meta_permission_denied' }],
  [299, 403, { retry: 'none', ourCode: 'meta_permission_denied' }],
  [4, 429, { retry: 'backoff', ourCode: 'meta_rate_limited' }],
  [80007, 400, { retry: 'backoff', ourCode: 'meta_rate_limited' }],
  [130429, 400, { retry: 'number_throttle', ourCode: 'meta_rate_limited' }],
  [131056, 400, { retry: 'recipient_throttle', ourCode: 'meta_pair_rate_limited' }],
  [131048, 400, { retry: 'hard_backoff', ourCode: 'meta_spam_rate_limited' }],
  [1, 400, { retry: 'backoff', ourCode: 'meta_unknown_error' }],
  [2, 503, { retry: 'backoff', ourCode: 'meta_service_unavailable' }],
  [131000, 500, { retry: 'backoff', ourCode: 'meta_unknown_error' }],
  [131016, 503, { retry: 'backoff', ourCode: 'meta_service_unavailable' }],
  [133004, 503, { retry: 'backoff', ourCode: 'meta_service_unavailable' }],
  [131057, 500, { retry: 'backoff', ourCode: 'meta_maintenance' }],
  [100, 400, { retry: 'none', ourCode: 'meta_invalid_parameter' }],
  [131008, 400, { retry: 'none', ourCode: 'meta_invalid_parameter' }],
  [131009, 400, { retry: 'none', ourCode: 'meta_invalid_parameter' }],
  [131051, 400, { retry: 'none', ourCode: 'meta_invalid_parameter' }],
  [135000, 400, { retry: 'none', ourCode: 'meta_invalid_parameter' }],
  [131021, 400, { retry: 'none', ourCode: 'meta_recipient_is_sender' }],
  [131026, 400, { retry: 'none', ourCode: 'meta_undeliverable', flagContact: 'undeliverable' }],
  [131047, 400, { retry: 'none', ourCode: 'meta_outside_window' }],
  [131049, 400, { retry: 'none', ourCode: 'meta_marketing_capped' }],
  [131050, 400, { retry: 'none', ourCode: 'meta_marketing_opted_out', flagContact: 'opted_out' }],
  [131052, 400, { retry: 'none', ourCode: 'meta_media_failed' }],
  [131053, 400, { retry: 'none', ourCode: 'meta_media_failed' }],
  [132000, 400, { retry: 'none', ourCode: 'meta_template_param_count' }],
  [132001, 404, { retry: 'none', ourCode: 'meta_template_not_found' }],
  [132005, 400, { retry: 'none', ourCode: 'meta_template_text_too_long' }],
  [132007, 400, { retry: 'none', ourCode: 'meta_template_policy' }],
  [132012, 400, { retry: 'none', ourCode: 'meta_template_param_format' }],
  [132015, 400, { retry: 'none', ourCode: 'meta_template_paused' }],
  [132016, 400, { retry: 'none', ourCode: 'meta_template_disabled' }],
  [368, 403, { retry: 'none', ourCode: 'meta_policy_blocked' }],
  [130497, 403, { retry: 'none', ourCode: 'meta_policy_blocked' }],
  [131031, 403, { retry: 'none', ourCode: 'meta_policy_blocked' }],
];

describe('classifyMetaError', () => {
  it.each(rows)('code %i (HTTP %i) → %o', (code, httpStatus, expected) => {
    const sync = classifyMetaError({ code, httpStatus, kind: 'meta' });
    expect(sync).toMatchObject({ pauseNumber: false, ...expected });
    if (!expected.flagContact) expect(sync.flagContact).toBeUndefined();
    expect(sync.title).toBe(metaErrorInfo(code)?.title);
    expect(metaErrorInfo(code)?.httpStatus).toBe(httpStatus);
    // The asynchronous form (a failed status's errors[0]) carries no HTTP status and must classify the same way,
    // except that an HTTP 401 alone already means "auth".
    expect(classifyMetaError({ code, kind: 'meta' })).toEqual(sync);
  });

  it('treats any HTTP 401 as an authentication failure that pauses the number', () => {
    expect(classifyMetaError({ httpStatus: 401, kind: 'http' })).toMatchObject({ retry: 'none', pauseNumber: true, ourCode: 'meta_auth_failed' });
    expect(classifyMetaError({ code: 2500, httpStatus: 401, kind: 'meta' })).toMatchObject({ pauseNumber: true, ourCode: 'meta_auth_failed' });
  });

  it.each([
    [{ kind: 'network' as const, httpStatus: 0 }, 'meta_network_error'],
    [{ kind: 'timeout' as const, httpStatus: 0 }, 'meta_timeout'],
    [{ kind: 'http' as const, httpStatus: 502 }, 'meta_service_unavailable'],
    [{ kind: 'http' as const, httpStatus: 503 }, 'meta_service_unavailable'],
    [{ kind: 'http' as const, httpStatus: 500 }, 'meta_service_unavailable'],
    [{ kind: 'meta' as const, code: 999999, httpStatus: 500 }, 'meta_unknown_error'],
    [{ kind: 'http' as const, httpStatus: 429 }, 'meta_rate_limited'],
  ])('retries %o with backoff as %s', (err, ourCode) => {
    expect(classifyMetaError(err)).toMatchObject({ retry: 'backoff', pauseNumber: false, ourCode });
  });

  it.each([
    [{ kind: 'meta' as const, code: 999999, httpStatus: 400 }],
    [{ kind: 'meta' as const, code: 999999 }],
    [{ kind: 'http' as const, httpStatus: 404 }],
    [{ kind: 'meta' as const, code: 501, httpStatus: 501 }],
  ])('does not retry an unknown client-side failure %o', (err) => {
    expect(classifyMetaError(err)).toMatchObject({ retry: 'none', pauseNumber: false, ourCode: 'meta_unknown_error' });
  });

  it('is what GraphApiError exposes', () => {
    const err = new GraphApiError({ kind: 'meta', httpStatus: 400, code: 131056, message: '(#131056) pair rate limit hit' });
    expect(err.classification.ourCode).toBe('meta_pair_rate_limited');
    expect(err.retryable).toBe(true);
    expect(new GraphApiError({ kind: 'meta', httpStatus: 400, code: 100, message: '(#100) Invalid parameter' }).retryable).toBe(false);
    expect(new GraphApiError({ kind: 'timeout', httpStatus: 0, message: 'timed out' }).retryable).toBe(true);
  });
});
