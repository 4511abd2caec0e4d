import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppConfig } from '#config';
import { RESPONSE_BODY_LIMIT, WebhookSender } from './webhook-sender.js';
import { WebhookTargetGuard, type ResolvedAddress } from './webhook-target.guard.js';

/**
 * The production policy (private targets refused), except that this test's receiver on 127.0.0.1 counts as public
 * and plain http is allowed, so redirects and DNS answers can be exercised against a real local server.
 */
class LabGuard extends WebhookTargetGuard {
  readonly hosts = new Map<string, string[]>();
  lookups: string[] = [];

  constructor() {
    super({ webhooksAllowPrivateTargets: false } as AppConfig);
    this.resolveHost = async (host): Promise<ResolvedAddress[]> => {
      this.lookups.push(host);
      const found = this.hosts.get(host);
      if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
      return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    };
  }

  protected override allowsProtocol(protocol: string): boolean {
    return protocol === 'http:' || protocol === 'https:';
  }

  protected override allowsAddress(address: string): boolean {
    return address === '127.0.0.1' || super.allowsAddress(address);
  }
}

interface Seen {
  path: string;
  host: string | undefined;
  body: string;
  headers: http.IncomingHttpHeaders;
}

describe('WebhookSender (real HTTP)', () => {
  let server: http.Server;
  let base: string;
  let port: number;
  const seen: Seen[] = [];
  let route: (req: http.IncomingMessage, res: http.ServerResponse) => void;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({
          path: req.url ?? '',
          host: req.headers.host,
          body: Buffer.concat(chunks).toString(),
          headers: req.headers,
        });
        route(req, res);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  let guard: LabGuard;
  let sender: WebhookSender;
  beforeEach(() => {
    seen.length = 0;
    guard = new LabGuard();
    sender = new WebhookSender(guard);
  });

  it('POSTs the body with the given headers and keeps the first 2 kB of the answer', async () => {
    route = (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(10_000));
    const r = await sender.post(`${base}/hook`, '{"a":1}', { 'webhook-id': 'evt_1' });
    expect(r).toMatchObject({ statusCode: 200, error: null });
    expect(r.responseBody).toHaveLength(RESPONSE_BODY_LIMIT);
    expect(r.durationMs).toBeGreaterThanOrEqual(0);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ path: '/hook', body: '{"a":1}' });
    expect(seen[0].headers).toMatchObject({
      'webhook-id': 'evt_1',
      'content-type': 'application/json',
      'content-length': '7',
    });
  });

  it('reports non-2xx answers with their Retry-After', async () => {
    route = (_req, res) => res.writeHead(503, { 'retry-after': '7' }).end('busy');
    const r = await sender.post(`${base}/hook`, '{}', {});
    expect(r).toMatchObject({ statusCode: 503, error: null, responseBody: 'busy', retryAfterMs: 7000 });
  });

  it('connects only to the address the guard checked (DNS is asked once per hop, never by the socket)', async () => {
    guard.hosts.set('hooks.test', ['127.0.0.1']);
    route = (_req, res) => res.writeHead(204).end();
    const r = await sender.post(`http://hooks.test:${port}/pinned`, '{}', {});
    expect(r).toMatchObject({ statusCode: 204, error: null });
    expect(guard.lookups).toEqual(['hooks.test']);
    expect(seen[0]).toMatchObject({ path: '/pinned', host: `hooks.test:${port}` });
  });

  it('refuses a host when any of its addresses is private, without connecting', async () => {
    guard.hosts.set('mixed.test', ['8.8.8.8', '10.0.0.7']);
    guard.hosts.set('rebind.test', ['127.0.0.1', '169.254.169.254']);
    for (const host of ['mixed.test', 'rebind.test']) {
      const r = await sender.post(`http://${host}:${port}/x`, '{}', {});
      expect(r.statusCode).toBeNull();
      expect(r.error).toMatch(/^target refused: .* resolves to (10\.0\.0\.7|169\.254\.169\.254)/);
    }
    expect(seen).toHaveLength(0);
  });

  it('reports an unresolvable host', async () => {
    const r = await sender.post(`http://nowhere.test:${port}/x`, '{}', {});
    expect(r).toMatchObject({ statusCode: null });
    expect(r.error).toMatch(/nowhere\.test does not resolve \(ENOTFOUND\)/);
  });

  it('follows redirects by re-POSTing the same body and headers, checking every hop', async () => {
    guard.hosts.set('moved.test', ['127.0.0.1']);
    route = (req, res) => {
      if (req.url === '/a') return void res.writeHead(301, { location: `http://moved.test:${port}/b` }).end();
      if (req.url === '/b') return void res.writeHead(308, { location: '/c' }).end();
      res.writeHead(200).end('ok');
    };
    const r = await sender.post(`${base}/a`, '{"n":1}', { 'webhook-signature': 'v1,abc' });
    expect(r).toMatchObject({ statusCode: 200, error: null, responseBody: 'ok' });
    expect(seen.map((s) => [s.path, s.body, s.headers['webhook-signature']])).toEqual([
      ['/a', '{"n":1}', 'v1,abc'],
      ['/b', '{"n":1}', 'v1,abc'],
      ['/c', '{"n":1}', 'v1,abc'],
    ]);
    expect(guard.lookups).toEqual(['moved.test', 'moved.test']); // the relative hop is resolved and checked again
  });

  it.each([
    ['loopback', 'http://127.0.0.2:1/'],
    ['IPv6 loopback', 'http://[::1]:1/'],
    ['IPv4-mapped loopback', 'http://[::ffff:127.0.0.2]:1/'],
    ['private', 'http://10.1.2.3/'],
    ['metadata', 'http://169.254.169.254/latest/meta-data/'],
    ['a name resolving to a private address', 'http://intranet.test/'],
  ])('refuses a redirect to a %s target', async (_what, target) => {
    guard.hosts.set('intranet.test', ['192.168.0.10']);
    route = (_req, res) => res.writeHead(302, { location: target }).end();
    const r = await sender.post(`${base}/start`, '{}', {});
    expect(r.statusCode).toBe(302);
    expect(r.error).toMatch(/^after a redirect, target refused: /);
    expect(seen).toHaveLength(1);
  });

  it('refuses a redirect to another scheme or with credentials', async () => {
    for (const target of ['ftp://example.com/x', `http://user:pw@127.0.0.1:${port}/x`]) {
      seen.length = 0;
      route = (_req, res) => res.writeHead(307, { location: target }).end();
      const r = await sender.post(`${base}/start`, '{}', {});
      expect(r.error).toMatch(/target refused: redirect to .* refused/);
      expect(seen).toHaveLength(1);
    }
  });

  it('stops after three redirects', async () => {
    route = (req, res) => res.writeHead(307, { location: `/loop${seen.length}` }).end();
    const r = await sender.post(`${base}/loop`, '{}', {});
    expect(r).toMatchObject({ statusCode: 307, error: 'more than 3 redirects' });
    expect(seen).toHaveLength(4);
  });

  it('gives up on an endpoint that does not answer within the deadline', async () => {
    route = () => undefined; // never answers
    sender.timeoutMs = 300;
    const r = await sender.post(`${base}/slow`, '{}', {});
    expect(r).toMatchObject({ statusCode: null, error: 'timed out after 300 ms' });
  });

  it('keeps the status of an answer whose body stalls', async () => {
    route = (_req, res) => {
      res.writeHead(200);
      res.write('partial');
    };
    sender.timeoutMs = 300;
    const r = await sender.post(`${base}/stall`, '{}', {});
    expect(r).toMatchObject({ statusCode: 200, error: null, responseBody: 'partial' });
  });
});

describe('WebhookTargetGuard', () => {
  const guard = (allowPrivate: boolean) =>
    new WebhookTargetGuard({ webhooksAllowPrivateTargets: allowPrivate } as AppConfig);

  it('in production refuses http, credentials, private literals and names resolving to loopback', async () => {
    const g = guard(false);
    await expect(g.check('http://example.com/')).rejects.toMatchObject({ reason: 'scheme' });
    await expect(g.check('https://u:p@example.com/')).rejects.toMatchObject({ reason: 'credentials' });
    await expect(g.check('not a url')).rejects.toMatchObject({ reason: 'invalid' });
    for (const url of [
      'https://127.0.0.1/',
      'https://[::1]/',
      'https://[::ffff:127.0.0.1]/',
      'https://0x7f.1/',
      'https://2130706433/',
      'https://localhost/',
    ])
      await expect(g.check(url)).rejects.toMatchObject({ reason: 'address' });
    await expect(g.check('https://93.184.216.34/hook')).resolves.toBeInstanceOf(URL);
  });

  it('with private targets allowed, takes http and private hosts without resolving them', async () => {
    const g = guard(true);
    await expect(g.check('http://127.0.0.1:9/x')).resolves.toBeInstanceOf(URL);
    await expect(g.check('http://not-resolvable.invalid/')).resolves.toBeInstanceOf(URL);
    await expect(g.check('ftp://example.com/')).rejects.toMatchObject({ reason: 'scheme' });
  });
});
