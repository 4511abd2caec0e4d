import { Inject, Injectable, Optional } from '@nestjs/common';
import { GraphApiError } from './graph-api.error.js';
import type {
  CreateTemplateResult,
  GraphCredentials,
  GraphMediaInfo,
  GraphPhoneNumber,
  GraphTemplate,
  SendMessageResult,
  UploadMediaInput,
} from './graph-api.types.js';
import { metaErrorInfo } from './meta-error-codes.js';

export const GRAPH_CLIENT_OPTIONS = Symbol('GRAPH_CLIENT_OPTIONS');

export interface GraphClientOptions {
  /** Per-request timeout; default 15 s. */
  timeoutMs?: number;
  /** Timeout for media upload/download (large bodies); default 120 s. */
  mediaTimeoutMs?: number;
}

interface CallOptions {
  json?: unknown;
  form?: FormData;
  query?: Record<string, string | number | undefined>;
  binary?: boolean;
  timeoutMs?: number;
}

const PHONE_FIELDS = 'id,display_phone_number,verified_name,quality_rating,code_verification_status,name_status,platform_type,throughput';
const TEMPLATE_FIELDS = 'id,name,language,status,category,parameter_format,components,rejected_reason';
const MAX_TEMPLATE_PAGES = 1000;

/**
 * Thin client of the WhatsApp Cloud API (Graph API). Stateless: credentials travel with each call so one instance
 * serves every number (Meta or sandbox). Every non-2xx answer, network failure or timeout throws GraphApiError.
 */
@Injectable()
export class GraphClient {
  private readonly timeoutMs: number;
  private readonly mediaTimeoutMs: number;

  constructor(@Optional() @Inject(GRAPH_CLIENT_OPTIONS) options?: GraphClientOptions) {
    this.timeoutMs = options?.timeoutMs ?? 15_000;
    this.mediaTimeoutMs = options?.mediaTimeoutMs ?? 120_000;
  }

  async sendMessage(creds: GraphCredentials, phoneNumberId: string, body: object): Promise<SendMessageResult> {
    const raw = await this.call<{ contacts?: { wa_id?: string }[]; messages?: { id?: string }[] }>(
      creds,
      'POST',
      `${enc(phoneNumberId)}/messages`,
      { json: { messaging_product: 'whatsapp', ...body } },
    );
    const wamid = raw?.messages?.[0]?.id;
    if (typeof wamid !== 'string' || !wamid) {
      throw new GraphApiError({ kind: 'http', httpStatus: 200, message: 'Graph API accepted the message but returned no message id', body: raw });
    }
    return { wamid, waId: raw.contacts?.[0]?.wa_id ?? null, raw };
  }

  /** Marks an inbound message (and the ones before it) read; `typing` also shows a typing indicator (≤ 25 s). */
  async markRead(creds: GraphCredentials, phoneNumberId: string, wamid: string, typing = false): Promise<{ success: boolean }> {
    const json: Record<string, unknown> = { messaging_product: 'whatsapp', status: 'read', message_id: wamid };
    if (typing) json.typing_indicator = { type: 'text' };
    return this.call(creds, 'POST', `${enc(phoneNumberId)}/messages`, { json });
  }

  async getPhoneNumber(creds: GraphCredentials, phoneNumberId: string): Promise<GraphPhoneNumber> {
    return this.call(creds, 'GET', enc(phoneNumberId), { query: { fields: PHONE_FIELDS } });
  }

  /** The WABA's phone numbers (first page, up to 100: enough to check that a number belongs to it). */
  async listPhoneNumbers(creds: GraphCredentials, wabaId: string): Promise<GraphPhoneNumber[]> {
    const page = await this.call<{ data?: GraphPhoneNumber[] }>(creds, 'GET', `${enc(wabaId)}/phone_numbers`, { query: { fields: PHONE_FIELDS, limit: 100 } });
    return page.data ?? [];
  }

  /** Subscribes our app to the WABA's webhooks. */
  async subscribeApp(creds: GraphCredentials, wabaId: string): Promise<{ success: boolean }> {
    return this.call(creds, 'POST', `${enc(wabaId)}/subscribed_apps`);
  }

  /** Every template of the WABA, following Meta's pagination to the end. */
  async listTemplates(creds: GraphCredentials, wabaId: string): Promise<GraphTemplate[]> {
    type Page = { data?: GraphTemplate[]; paging?: { next?: string; cursors?: { after?: string } } };
    const all: GraphTemplate[] = [];
    const base = `${enc(wabaId)}/message_templates`;
    let page = await this.call<Page>(creds, 'GET', base, { query: { fields: TEMPLATE_FIELDS, limit: 100 } });
    for (let i = 0; i < MAX_TEMPLATE_PAGES; i++) {
      all.push(...(page.data ?? []));
      const next = page.paging?.next;
      const after = page.paging?.cursors?.after;
      if (!next || !page.data?.length) break;
      // Follow `next` only on the API's own origin, so the token never travels elsewhere; else use the cursor.
      page = sameOrigin(next, creds.baseUrl)
        ? await this.call<Page>(creds, 'GET', next)
        : await this.call<Page>(creds, 'GET', base, { query: { fields: TEMPLATE_FIELDS, limit: 100, after } });
    }
    return all;
  }

  async createTemplate(creds: GraphCredentials, wabaId: string, body: object): Promise<CreateTemplateResult> {
    return this.call(creds, 'POST', `${enc(wabaId)}/message_templates`, { json: body });
  }

  /** Deletes every language of the named template. */
  async deleteTemplate(creds: GraphCredentials, wabaId: string, name: string): Promise<{ success: boolean }> {
    return this.call(creds, 'DELETE', `${enc(wabaId)}/message_templates`, { query: { name } });
  }

  async uploadMedia(creds: GraphCredentials, phoneNumberId: string, media: UploadMediaInput): Promise<{ id: string }> {
    const form = new FormData();
    form.append('messaging_product', 'whatsapp');
    form.append('type', media.mimeType);
    form.append('file', new Blob([new Uint8Array(media.data)], { type: media.mimeType }), media.filename);
    return this.call(creds, 'POST', `${enc(phoneNumberId)}/media`, { form, timeoutMs: this.mediaTimeoutMs });
  }

  /** A short-lived (5 min) download URL and the media's metadata. */
  async getMediaUrl(creds: GraphCredentials, mediaId: string): Promise<GraphMediaInfo> {
    return this.call(creds, 'GET', enc(mediaId));
  }

  /** Downloads the bytes behind a media URL (the access token is required there too). */
  async downloadMedia(creds: GraphCredentials, url: string): Promise<Buffer> {
    return this.call<Buffer>(creds, 'GET', url, { binary: true, timeoutMs: this.mediaTimeoutMs });
  }

  async deleteMedia(creds: GraphCredentials, mediaId: string): Promise<{ success: boolean }> {
    return this.call(creds, 'DELETE', enc(mediaId));
  }

  private async call<T>(creds: GraphCredentials, method: string, pathOrUrl: string, opts: CallOptions = {}): Promise<T> {
    const url = new URL(/^https?:\/\//.test(pathOrUrl) ? pathOrUrl : `${creds.baseUrl.replace(/\/+$/, '')}/${creds.version}/${pathOrUrl}`);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { Authorization: `Bearer ${creds.accessToken}` };
    let body: string | FormData | undefined;
    if (opts.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(opts.json);
    } else if (opts.form) {
      body = opts.form;
    }
    const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
    const what = `${method} ${url.origin}${url.pathname}`;
    let res: Response;
    let payload: Buffer;
    try {
      res = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
      payload = Buffer.from(await res.arrayBuffer());
    } catch (err) {
      // Not `instanceof Error`: fetch's DOMException may come from another realm (e.g. under test VMs).
      const name = (err as { name?: unknown } | null)?.name;
      const timedOut = name === 'TimeoutError' || name === 'AbortError';
      throw new GraphApiError({
        kind: timedOut ? 'timeout' : 'network',
        httpStatus: 0,
        message: timedOut ? `${what} timed out after ${timeoutMs} ms` : `${what} failed: ${describeNetworkError(err)}`,
        cause: err,
      });
    }
    if (res.ok && opts.binary) return payload as T;
    const text = payload.toString('utf8');
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!res.ok) throw toGraphError(res.status, json, text, what);
    if (json === undefined || json === null || typeof json !== 'object') {
      throw new GraphApiError({ kind: 'http', httpStatus: res.status, message: `${what} answered ${res.status} without a JSON body`, body: text.slice(0, 500) });
    }
    return json as T;
  }
}

function toGraphError(status: number, json: unknown, text: string, what: string): GraphApiError {
  const e = (json as { error?: Record<string, unknown> } | undefined)?.error;
  if (!e || typeof e !== 'object') {
    return new GraphApiError({ kind: 'http', httpStatus: status, message: `${what} answered HTTP ${status}`, body: text.slice(0, 500) });
  }
  const code = typeof e.code === 'number' ? e.code : undefined;
  const message = typeof e.message === 'string' ? e.message : `Graph API error ${code ?? status}`;
  const fromMessage = /^\(#\d+\)\s*(.+)$/.exec(message)?.[1];
  const userTitle = typeof e.error_user_title === 'string' ? e.error_user_title : undefined;
  const errorData = e.error_data as { details?: unknown } | undefined;
  const details =
    typeof errorData?.details === 'string' ? errorData.details : typeof e.error_user_msg === 'string' ? e.error_user_msg : undefined;
  return new GraphApiError({
    kind: 'meta',
    httpStatus: status,
    code,
    subcode: typeof e.error_subcode === 'number' ? e.error_subcode : undefined,
    message,
    title: userTitle ?? fromMessage ?? (code !== undefined ? metaErrorInfo(code)?.title : undefined),
    details,
    fbtraceId: typeof e.fbtrace_id === 'string' ? e.fbtrace_id : undefined,
    body: json,
  });
}

function describeNetworkError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? String((err as { message?: unknown } | null)?.message ?? err);
}

function sameOrigin(url: string, baseUrl: string): boolean {
  try {
    return new URL(url).origin === new URL(baseUrl).origin;
  } catch {
    return false;
  }
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}
