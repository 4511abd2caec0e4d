import { classifyMetaError, type MetaErrorClass, type MetaErrorKind } from './classify-meta-error.js';

export interface GraphApiErrorInit {
  kind: MetaErrorKind;
  /** HTTP status of Meta's answer; 0 when there was none (network failure, timeout). */
  httpStatus: number;
  message: string;
  code?: number;
  subcode?: number;
  title?: string;
  details?: string;
  fbtraceId?: string;
  /** The parsed (or raw text) body Meta answered with, for logs. */
  body?: unknown;
  cause?: unknown;
}

/**
 * Every failed Graph API call: Meta's error body (`kind: 'meta'`), a non-JSON answer such as a proxy's 502 page
 * (`http`), no answer at all (`network`) or none in time (`timeout`). After a `timeout` of a send the message may
 * still have been accepted by Meta: only a status webhook echoing biz_opaque_callback_data can tell.
 */
export class GraphApiError extends Error {
  readonly kind: MetaErrorKind;
  readonly httpStatus: number;
  readonly code?: number;
  readonly subcode?: number;
  readonly title?: string;
  readonly details?: string;
  readonly fbtraceId?: string;
  readonly body?: unknown;

  constructor(init: GraphApiErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'GraphApiError';
    this.kind = init.kind;
    this.httpStatus = init.httpStatus;
    this.code = init.code;
    this.subcode = init.subcode;
    this.title = init.title;
    this.details = init.details;
    this.fbtraceId = init.fbtraceId;
    this.body = init.body;
  }

  get classification(): MetaErrorClass {
    return classifyMetaError(this);
  }

  get retryable(): boolean {
    return this.classification.retry !== 'none';
  }

  toJSON() {
    return {
      name: this.name,
      kind: this.kind,
      http_status: this.httpStatus,
      code: this.code,
      subcode: this.subcode,
      title: this.title,
      message: this.message,
      details: this.details,
      fbtrace_id: this.fbtraceId,
    };
  }
}
