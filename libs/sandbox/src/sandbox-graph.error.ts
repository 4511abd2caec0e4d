import { metaErrorInfo } from '#whatsapp';
import { newFbtraceId } from './sandbox-ids.js';

export interface SandboxGraphErrorOptions {
  /** Defaults to `(#code) <Meta's title>`. */
  message?: string;
  details?: string;
  httpStatus?: number;
  subcode?: number;
  type?: string;
  userTitle?: string;
  userMessage?: string;
  /** Graph core errors (auth, unknown object) carry no WhatsApp `error_data`. */
  core?: boolean;
}

/** A Graph API error answered with Meta's body shape. */
export class SandboxGraphError extends Error {
  readonly httpStatus: number;
  readonly details: string;

  constructor(
    readonly code: number,
    readonly options: SandboxGraphErrorOptions = {},
  ) {
    const info = metaErrorInfo(code);
    super(options.message ?? `(#${code}) ${info?.title ?? 'Unknown error'}`);
    this.httpStatus = options.httpStatus ?? info?.httpStatus ?? 400;
    this.details = options.details ?? info?.details ?? this.message;
  }

  get title(): string {
    return metaErrorInfo(this.code)?.title ?? this.message;
  }

  toBody() {
    const o = this.options;
    return {
      error: {
        message: this.message,
        type: o.type ?? 'OAuthException',
        code: this.code,
        ...(o.subcode !== undefined ? { error_subcode: o.subcode } : {}),
        ...(o.userTitle !== undefined ? { is_transient: false, error_user_title: o.userTitle, error_user_msg: o.userMessage ?? this.details } : {}),
        ...(o.core ? {} : { error_data: { messaging_product: 'whatsapp', details: this.details } }),
        fbtrace_id: newFbtraceId(),
      },
    };
  }

  static invalidParameter(details: string): SandboxGraphError {
    return new SandboxGraphError(100, { message: '(#100) Invalid parameter', details });
  }

  static invalidValue(details: string): SandboxGraphError {
    return new SandboxGraphError(131009, { details });
  }

  static missing(details: string): SandboxGraphError {
    return new SandboxGraphError(131008, { details });
  }

  /** Graph's answer for an id that does not exist or that the token may not see. */
  static unknownObject(id: string, method: string): SandboxGraphError {
    return new SandboxGraphError(100, {
      message: `Unsupported ${method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
      type: 'GraphMethodException',
      subcode: 33,
      core: true,
    });
  }
}
