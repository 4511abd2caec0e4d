import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { Injectable } from '@nestjs/common';
import { parseRetryAfter } from './webhook-delivery-policy.js';
import { WebhookTargetGuard, type ResolvedAddress } from './webhook-target.guard.js';
import { WebhookTargetRefused } from './webhook-target-refused.error.js';

export interface WebhookSendResult {
  /** The final response's status (the last redirect's when a redirect was refused); null when none arrived. */
  statusCode: number | null;
  /** Up to RESPONSE_BODY_LIMIT bytes of the final response's body. */
  responseBody: string | null;
  /** Why the attempt failed before or instead of a response; null when a response arrived. */
  error: string | null;
  retryAfterMs: number | undefined;
  durationMs: number;
}

export const RESPONSE_BODY_LIMIT = 2048;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

interface HopResponse {
  statusCode: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * POSTs one signed webhook. Each hop is resolved and checked by the guard, then connected to the checked address
 * only (a pinned `lookup`, no keep-alive pool). Redirects are followed by hand, at most `maxRedirects`, re-POSTing the
 * same body and signature (a receiver moving its endpoint still gets the event; converting to GET would drop it).
 * One deadline covers every hop of the attempt.
 */
@Injectable()
export class WebhookSender {
  timeoutMs = 10_000;
  maxRedirects = 3;

  constructor(private readonly guard: WebhookTargetGuard) {}

  async post(rawUrl: string, body: string, headers: Record<string, string>): Promise<WebhookSendResult> {
    const started = Date.now();
    const deadline = started + this.timeoutMs;
    const payload = Buffer.from(body, 'utf8');
    const done = (r: Omit<WebhookSendResult, 'durationMs'>): WebhookSendResult => ({
      ...r,
      durationMs: Date.now() - started,
    });
    let url: URL;
    let last: HopResponse | undefined;
    try {
      url = this.guard.parse(rawUrl);
      for (let hop = 0; ; hop++) {
        const addresses = await this.guard.resolve(url);
        last = await this.request(url, addresses[0], payload, headers, deadline);
        const location = last.headers.location;
        if (!REDIRECTS.has(last.statusCode) || !location) break;
        if (hop >= this.maxRedirects)
          return done({
            statusCode: last.statusCode,
            responseBody: last.body,
            error: `more than ${this.maxRedirects} redirects`,
            retryAfterMs: undefined,
          });
        let next: URL;
        try {
          next = this.guard.parse(new URL(location, url).toString());
        } catch (err) {
          throw err instanceof WebhookTargetRefused
            ? new WebhookTargetRefused(err.reason, `redirect to ${location} refused: ${err.message}`)
            : err;
        }
        url = next;
      }
    } catch (err) {
      const message = err instanceof WebhookTargetRefused ? `target refused: ${err.message}` : describe(err);
      const redirected = last && REDIRECTS.has(last.statusCode);
      return done({
        statusCode: redirected ? last!.statusCode : null,
        responseBody: null,
        error: redirected ? `after a redirect, ${message}` : message,
        retryAfterMs: undefined,
      });
    }
    return done({
      statusCode: last.statusCode,
      responseBody: last.body,
      error: null,
      retryAfterMs: parseRetryAfter(last.headers['retry-after']),
    });
  }

  private request(
    url: URL,
    pinned: ResolvedAddress,
    payload: Buffer,
    headers: Record<string, string>,
    deadline: number,
  ): Promise<HopResponse> {
    const remaining = deadline - Date.now();
    if (remaining <= 0) return Promise.reject(new Error(`timed out after ${this.timeoutMs} ms`));
    const lookup: LookupFunction = (_host, opts, cb) => {
      // Node asks for every address when it races IPv4/IPv6 (autoSelectFamily); either way, only the checked one.
      if (opts.all) (cb as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [pinned]);
      else cb(null, pinned.address, pinned.family);
    };
    const client = url.protocol === 'https:' ? https : http;
    return new Promise<HopResponse>((resolve, reject) => {
      let settled = false;
      let finishBody: (() => void) | undefined;
      // Before the answer the deadline fails the hop; after it, it only cuts the body short.
      const timer = setTimeout(
        () => (finishBody ? finishBody() : req.destroy(new Error(`timed out after ${this.timeoutMs} ms`))),
        remaining,
      );
      const req = client.request(
        url,
        {
          method: 'POST',
          agent: false,
          lookup,
          headers: {
            'content-type': 'application/json',
            'user-agent': 'kdv-webhooks/1',
            ...headers,
            'content-length': String(payload.length),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          const finish = () => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            res.destroy();
            const text = Buffer.concat(chunks).subarray(0, RESPONSE_BODY_LIMIT).toString('utf8').replaceAll('\0', ''); // PostgreSQL text refuses NUL
            resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body: text });
          };
          finishBody = finish;
          // The status decides the attempt; a body that stalls or is huge only shortens what we keep of it.
          if (REDIRECTS.has(res.statusCode ?? 0)) return finish();
          res.on('data', (chunk: Buffer) => {
            chunks.push(chunk);
            size += chunk.length;
            if (size >= RESPONSE_BODY_LIMIT) finish();
          });
          res.on('end', finish);
          res.on('error', finish);
          res.on('close', finish);
        },
      );
      req.on('error', (err) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(err);
      });
      req.end(payload);
    });
  }
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as NodeJS.ErrnoException).code;
  return code && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
}
