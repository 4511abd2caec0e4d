import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphApiError } from './graph-api.error.js';
import { GraphClient } from './graph.client.js';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => void;

/** A real HTTP server answering what a proxy or Meta might (the sandbox covers Meta's JSON answers). */
async function serve(handler: Handler) {
  const seen: { url: string; auth?: string }[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    seen.push({ url: url.pathname + url.search, auth: req.headers.authorization });
    handler(req, res, url);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    seen,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

async function failure(call: Promise<unknown>): Promise<GraphApiError> {
  try {
    await call;
  } catch (err) {
    if (err instanceof GraphApiError) return err;
    throw err;
  }
  throw new Error('expected a GraphApiError');
}

describe('GraphClient transport failures', () => {
  it('turns a refused connection into a retryable network error', async () => {
    const s = await serve((_q, res) => res.end());
    await s.close();
    const err = await failure(new GraphClient().sendMessage({ baseUrl: s.base, version: 'v24.0', accessToken: 't' }, '1', { to: '1' }));
    expect({ kind: err.kind, status: err.httpStatus }).toEqual({ kind: 'network', status: 0 });
    expect(err.classification).toMatchObject({ retry: 'backoff', ourCode: 'meta_network_error' });
  });

  it('gives up after its timeout', async () => {
    const s = await serve(() => undefined); // never answers
    try {
      const err = await failure(new GraphClient({ timeoutMs: 150 }).getPhoneNumber({ baseUrl: s.base, version: 'v24.0', accessToken: 't' }, '1'));
      expect(err.kind).toBe('timeout');
      expect(err.classification.ourCode).toBe('meta_timeout');
    } finally {
      await s.close();
    }
  });

  it('classifies a non-JSON 502 as kind http, retried with backoff', async () => {
    const s = await serve((_q, res) => {
      res.writeHead(502, { 'Content-Type': 'text/html' });
      res.end('<html>Bad Gateway</html>');
    });
    try {
      const err = await failure(new GraphClient().sendMessage({ baseUrl: s.base, version: 'v24.0', accessToken: 't' }, '1', { to: '1' }));
      expect({ kind: err.kind, status: err.httpStatus, code: err.code }).toEqual({ kind: 'http', status: 502, code: undefined });
      expect(err.classification).toMatchObject({ retry: 'backoff', ourCode: 'meta_service_unavailable' });
    } finally {
      await s.close();
    }
  });

  it('parses Meta’s error body: code, subcode, title from the message, details, fbtrace_id', async () => {
    const s = await serve((_q, res) => {
      res.writeHead(400, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: { message: '(#131056) (Business Account, Consumer Account) pair rate limit hit', type: 'OAuthException', code: 131056, error_subcode: 2494100, error_data: { messaging_product: 'whatsapp', details: 'too many' }, fbtrace_id: 'Aabc' } }));
    });
    try {
      const err = await failure(new GraphClient().sendMessage({ baseUrl: s.base, version: 'v24.0', accessToken: 't' }, '1', { to: '1' }));
      expect(err).toMatchObject({ kind: 'meta', httpStatus: 400, code: 131056, subcode: 2494100, title: '(Business Account, Consumer Account) pair rate limit hit', details: 'too many', fbtraceId: 'Aabc' });
    } finally {
      await s.close();
    }
  });

  it('follows paging.next on the API origin, and uses the cursor when next points elsewhere', async () => {
    let base = '';
    const s = await serve((_q, res, url) => {
      const after = url.searchParams.get('after');
      const page = (data: object[], next?: string, cursor?: string) => JSON.stringify({ data, paging: { cursors: { after: cursor }, ...(next ? { next } : {}) } });
      res.setHeader('Content-Type', 'application/json');
      if (!after) res.end(page([{ id: '1' }], `${base}/v24.0/waba/message_templates?after=c1`, 'c1'));
      else if (after === 'c1') res.end(page([{ id: '2' }], 'https://elsewhere.invalid/v24.0/waba/message_templates?after=c2', 'c2'));
      else res.end(page([{ id: '3' }]));
    });
    base = s.base;
    try {
      const all = await new GraphClient().listTemplates({ baseUrl: s.base, version: 'v24.0', accessToken: 'tok' }, 'waba');
      expect(all.map((t) => t.id)).toEqual(['1', '2', '3']);
      expect(s.seen).toHaveLength(3);
      expect(s.seen.every((r) => r.auth === 'Bearer tok')).toBe(true);
      expect(s.seen[2].url).toContain('after=c2');
    } finally {
      await s.close();
    }
  });
});
