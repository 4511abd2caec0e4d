import { Webhook } from 'standardwebhooks';
import { DomainEvents, OrganizationsService } from '#domain';
import { WebhookSubscriptionsRepository } from '#domain/webhooks/webhook-subscriptions.repository.js';
import { startTestApi, type TestApi } from './harness.js';
import { waitFor, WebhookReceiver, type ReceivedWebhook } from './webhook-receiver.js';

/** Small delays so retries happen within a test: 5 attempts, ~100 ms apart. */
const FAST_RETRIES = { WEBHOOK_RETRY_SCHEDULE_MS: '100,100,100,100' };

interface Ctx {
  api: TestApi;
  receiver: WebhookReceiver;
  orgId: string;
}

function verifies(secret: string, r: ReceivedWebhook): boolean {
  try {
    new Webhook(secret).verify(r.body, r.headers);
    return true;
  } catch {
    return false;
  }
}

async function subscribe(c: Ctx, path: string, events: string[] = ['*'], key?: string) {
  const res = await c.api.request(
    'POST',
    '/v1/webhook_subscriptions',
    { url: c.receiver.url + path, events, description: path },
    key ? c.api.auth(key) : undefined,
  );
  expect(res.status).toBe(201);
  return res.body as { id: string; secret: string; [k: string]: unknown };
}

function emitContact(
  c: Ctx,
  name: string,
  type: 'contact.created' | 'contact.updated' = 'contact.created',
  orgId = c.orgId,
) {
  return c.api.app.get(DomainEvents).emit(orgId, type, { contact: { id: `ctc_${name}`, name } });
}

async function deliveriesOf(c: Ctx, subscriptionId: string): Promise<any[]> {
  const res = await c.api.request('GET', `/v1/webhook_deliveries?subscription_id=${subscriptionId}&limit=100`);
  expect(res.status).toBe(200);
  return res.body.data;
}

async function settled(c: Ctx, subscriptionId: string, count: number, status: string): Promise<any[]> {
  return waitFor(async () => {
    const ds = await deliveriesOf(c, subscriptionId);
    return ds.length === count && ds.every((d) => d.status === status) ? ds : null;
  }, `${count} ${status} deliveries for ${subscriptionId}`);
}

/** Boots an api and a receiver; every test's subscriptions are deleted after it, so events never leak between tests. */
function setup(opts: Parameters<typeof startTestApi>[0]): Ctx {
  const c = {} as Ctx;
  beforeAll(async () => {
    c.api = await startTestApi(opts);
    c.receiver = await new WebhookReceiver().start();
    c.orgId = (await c.api.request('GET', '/v1/me')).body.id;
    await c.api.app.get(OrganizationsService).setLimits(c.orgId, { plan: 'enterprise' });
  });
  afterEach(async () => {
    const subs = (await c.api.request('GET', '/v1/webhook_subscriptions?limit=100')).body.data as { id: string }[];
    for (const s of subs) await c.api.request('DELETE', `/v1/webhook_subscriptions/${s.id}`);
  });
  afterAll(async () => {
    await c.receiver?.stop();
    await c.api?.close();
  });
  return c;
}

/** The scenarios both queue drivers must pass. */
function deliveryScenarios(c: Ctx) {
  it('delivers a signed event that verifies with the standardwebhooks library, only for the chosen events', async () => {
    const sub = await subscribe(c, '/signed', ['contact.created']);
    expect(sub).toMatchObject({
      object: 'webhook_subscription',
      status: 'active',
      events: ['contact.created'],
      disabled_reason: null,
    });
    expect(sub.secret).toMatch(/^whsec_/);
    const fetched = await c.api.request('GET', `/v1/webhook_subscriptions/${sub.id}`);
    expect(fetched.body).not.toHaveProperty('secret');
    expect(JSON.stringify(fetched.body)).not.toContain(sub.secret);

    await c.api.app.get(DomainEvents).emit(c.orgId, 'conversation.created', { conversation: { id: 'cnv_x' } });
    await emitContact(c, 'ana');
    const [req] = await waitFor(
      () => (c.receiver.at('/signed').length ? c.receiver.at('/signed') : null),
      'the signed request',
    );
    const payload = new Webhook(sub.secret).verify(req.body, req.headers) as any;
    expect(payload).toMatchObject({
      type: 'contact.created',
      organization_id: c.orgId,
      data: { contact: { id: 'ctc_ana', name: 'ana' } },
    });
    expect(Object.keys(payload)).toEqual(['id', 'type', 'created_at', 'organization_id', 'data']);
    expect(req.headers['webhook-id']).toBe(payload.id);
    expect(payload.id).toMatch(/^evt_/);
    expect(Math.abs(Number(req.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(300);
    expect(req.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/=]+$/);

    const [d] = await settled(c, sub.id, 1, 'succeeded');
    expect(d).toMatchObject({
      object: 'webhook_delivery',
      event_id: payload.id,
      event_type: 'contact.created',
      attempt_count: 1,
      last_status_code: 200,
    });
    const detail = await c.api.request('GET', `/v1/webhook_deliveries/${d.id}`);
    expect(detail.body.payload).toEqual(payload);
    expect(detail.body.attempts).toEqual([
      expect.objectContaining({
        object: 'webhook_delivery_attempt',
        status_code: 200,
        error: null,
        response_body: 'ok',
      }),
    ]);
    expect(detail.body.attempts[0].duration_ms).toBeGreaterThanOrEqual(0);
    expect(c.receiver.at('/signed')).toHaveLength(1); // conversation.created was not subscribed
  });

  it('retries a failing receiver and records every attempt until it answers 2xx', async () => {
    c.receiver.answer('/flaky', (n) => (n < 2 ? { status: 500, body: 'down' } : { status: 200, body: 'back' }));
    const sub = await subscribe(c, '/flaky');
    await emitContact(c, 'bo');
    const [d] = await settled(c, sub.id, 1, 'succeeded');
    expect(d.attempt_count).toBe(3);
    const detail = await c.api.request('GET', `/v1/webhook_deliveries/${d.id}`);
    expect(detail.body.attempts.map((a: any) => [a.status_code, a.response_body])).toEqual([
      [500, 'down'],
      [500, 'down'],
      [200, 'back'],
    ]);
    const got = c.receiver.at('/flaky');
    expect(new Set(got.map((r) => r.headers['webhook-id']))).toEqual(new Set([d.event_id]));
    expect(got.every((r) => verifies(sub.secret, r))).toBe(true);
    const after = await c.api.request('GET', `/v1/webhook_subscriptions/${sub.id}`);
    expect(after.body).toMatchObject({ consecutive_failures: 0, failing_since: null, status: 'active' });
  });

  it('replays a delivery with the same webhook-id and payload, in a new attempt cycle', async () => {
    const sub = await subscribe(c, '/replay');
    await emitContact(c, 'cy');
    const [d] = await settled(c, sub.id, 1, 'succeeded');
    const replay = await c.api.request('POST', `/v1/webhook_deliveries/${d.id}/replay`);
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ id: d.id, status: 'pending', attempt_count: 0 });
    const got = await waitFor(
      () => (c.receiver.at('/replay').length === 2 ? c.receiver.at('/replay') : null),
      'the replayed request',
    );
    expect(got[1].headers['webhook-id']).toBe(got[0].headers['webhook-id']);
    expect(got[1].body).toBe(got[0].body);
    expect(verifies(sub.secret, got[1])).toBe(true);
    const [again] = await settled(c, sub.id, 1, 'succeeded');
    const detail = await c.api.request('GET', `/v1/webhook_deliveries/${again.id}`);
    expect(detail.body.attempts).toHaveLength(2);
  });
}

describe('customer webhooks (e2e, in-process queue)', () => {
  const c = setup({ env: FAST_RETRIES });

  deliveryScenarios(c);

  it('a receiver that is down, then up, gets every event exactly once after recovery', async () => {
    c.receiver.answer('/outage', (n) => (n < 4 ? { status: 503, body: 'maintenance' } : { status: 204 }));
    const sub = await subscribe(c, '/outage', ['contact.updated']);
    for (const name of ['d1', 'd2', 'd3']) await emitContact(c, name, 'contact.updated');
    const ds = await settled(c, sub.id, 3, 'succeeded');
    const ok = c.receiver.at('/outage').filter((r) => r.answered === 204);
    expect(ok.map((r) => r.headers['webhook-id']).sort()).toEqual(ds.map((d) => d.event_id).sort());
    expect(ok.every((r) => verifies(sub.secret, r))).toBe(true);
  });

  it('honours Retry-After when it asks for more than the schedule', async () => {
    c.receiver.answer('/busy', (n) => (n === 0 ? { status: 429, headers: { 'Retry-After': '2' } } : { status: 200 }));
    const sub = await subscribe(c, '/busy');
    await emitContact(c, 'ed');
    const waiting = await waitFor(async () => {
      const [d] = await deliveriesOf(c, sub.id);
      if (!d || d.status !== 'pending' || d.attempt_count !== 1 || d.last_status_code !== 429) return null;
      return (await c.api.request('GET', `/v1/webhook_deliveries/${d.id}`)).body;
    }, 'the first 429 attempt');
    const gap = Date.parse(waiting.next_attempt_at) - Date.parse(waiting.attempts[0].created_at);
    expect(gap).toBeGreaterThan(1_500); // the schedule alone would wait ~100 ms
    const [d] = await settled(c, sub.id, 1, 'succeeded');
    expect(d.attempt_count).toBe(2);
  });

  it('410 Gone disables the subscription, stops deliveries, and PATCH re-enables it', async () => {
    c.receiver.answer('/gone', () => ({ status: 410 }));
    const sub = await subscribe(c, '/gone');
    await emitContact(c, 'fa');
    const disabled = await waitFor(async () => {
      const s = (await c.api.request('GET', `/v1/webhook_subscriptions/${sub.id}`)).body;
      return s.status === 'disabled' ? s : null;
    }, 'the subscription to be disabled');
    expect(disabled.disabled_reason).toBe('endpoint_gone');
    const [d] = await settled(c, sub.id, 1, 'failed');
    expect(d).toMatchObject({ attempt_count: 1, last_status_code: 410 });

    await emitContact(c, 'fb');
    expect(await deliveriesOf(c, sub.id)).toHaveLength(1);
    expect(c.receiver.at('/gone')).toHaveLength(1);
    const replay = await c.api.request('POST', `/v1/webhook_deliveries/${d.id}/replay`);
    expect(replay.status).toBe(422);
    expect(replay.body.error.code).toBe('webhook_subscription_disabled');

    const audit = await c.api.request('GET', `/v1/audit_logs?target_id=${sub.id}`);
    expect(audit.body.data).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'webhook_subscription.disabled', metadata: { reason: 'endpoint_gone' } }),
        expect.objectContaining({ action: 'webhook_subscription.created' }),
      ]),
    );

    const enabled = await c.api.request('PATCH', `/v1/webhook_subscriptions/${sub.id}`, { status: 'active' });
    expect(enabled.body).toMatchObject({ status: 'active', disabled_reason: null, consecutive_failures: 0 });
  });

  it('gives up after the schedule, and a bulk replay by filter sends the failed deliveries again', async () => {
    let up = false;
    c.receiver.answer('/down', () => (up ? { status: 200 } : { status: 500 }));
    const sub = await subscribe(c, '/down');
    await emitContact(c, 'ga');
    await emitContact(c, 'gb', 'contact.updated');
    const failed = await settled(c, sub.id, 2, 'failed');
    expect(failed.map((d) => d.attempt_count)).toEqual([5, 5]);
    expect(c.receiver.at('/down')).toHaveLength(10);
    const s = (await c.api.request('GET', `/v1/webhook_subscriptions/${sub.id}`)).body;
    expect(s).toMatchObject({ status: 'active', consecutive_failures: 10 });
    expect(s.failing_since).not.toBeNull();

    up = true;
    const none = await c.api.request('POST', '/v1/webhook_deliveries/replay', {
      subscription_id: sub.id,
      event_type: 'message.received',
    });
    expect(none.body).toEqual({ object: 'webhook_delivery_replay', replayed: 0, has_more: false });
    const bulk = await c.api.request('POST', '/v1/webhook_deliveries/replay', {
      subscription_id: sub.id,
      status: 'failed',
    });
    expect(bulk.status).toBe(200);
    expect(bulk.body).toEqual({ object: 'webhook_delivery_replay', replayed: 2, has_more: false });
    const done = await settled(c, sub.id, 2, 'succeeded');
    const ok = c.receiver.at('/down').filter((r) => r.answered === 200);
    expect(ok.map((r) => r.headers['webhook-id']).sort()).toEqual(done.map((d) => d.event_id).sort());
    const listed = await c.api.request('GET', `/v1/webhook_deliveries?status=failed&subscription_id=${sub.id}`);
    expect(listed.body.data).toEqual([]);
  });

  it('rotation: both secrets sign during the grace period; a rotation without grace retires the old one', async () => {
    const sub = await subscribe(c, '/rotate');
    const rotated = await c.api.request('POST', `/v1/webhook_subscriptions/${sub.id}/secrets`, {});
    expect(rotated.status).toBe(200);
    const second = rotated.body.secret as string;
    expect(second).toMatch(/^whsec_/);
    expect(second).not.toBe(sub.secret);
    const graceLeft = Date.parse(rotated.body.previous_secret_expires_at) - Date.now();
    expect(graceLeft).toBeGreaterThan(23 * 3_600_000);
    expect(graceLeft).toBeLessThanOrEqual(24 * 3_600_000);

    await emitContact(c, 'ha');
    const [first] = await waitFor(
      () => (c.receiver.at('/rotate').length === 1 ? c.receiver.at('/rotate') : null),
      'a request during grace',
    );
    expect(first.headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(verifies(sub.secret, first)).toBe(true);
    expect(verifies(second, first)).toBe(true);

    const third = await c.api.request('POST', `/v1/webhook_subscriptions/${sub.id}/secrets`, {
      grace_period_seconds: 0,
    });
    expect(third.body.previous_secret_expires_at).toBeNull();
    await emitContact(c, 'hb');
    const got = await waitFor(
      () => (c.receiver.at('/rotate').length === 2 ? c.receiver.at('/rotate') : null),
      'a request after rotation',
    );
    expect(got[1].headers['webhook-signature'].split(' ')).toHaveLength(1);
    expect(verifies(third.body.secret, got[1])).toBe(true);
    expect(verifies(second, got[1])).toBe(false);
    expect(verifies(sub.secret, got[1])).toBe(false);

    const tooLong = await c.api.request('POST', `/v1/webhook_subscriptions/${sub.id}/secrets`, {
      grace_period_seconds: 8 * 86_400,
    });
    expect(tooLong.status).toBe(400);
    const audit = await c.api.request(
      'GET',
      `/v1/audit_logs?target_id=${sub.id}&action=webhook_subscription.secret_rotated`,
    );
    expect(audit.body.data).toHaveLength(2);
    expect(JSON.stringify(audit.body)).not.toContain('whsec_');
  });

  it('validates subscriptions and pages through them', async () => {
    const bad = async (body: object, status: number, code: string) => {
      const res = await c.api.request('POST', '/v1/webhook_subscriptions', body);
      expect([res.status, res.body.error?.code]).toEqual([status, code]);
    };
    await bad({ url: `${c.receiver.url}/x`, events: ['message.deleted'] }, 400, 'validation_failed');
    await bad({ url: `${c.receiver.url}/x`, events: [] }, 400, 'validation_failed');
    await bad({ url: 'not a url', events: ['*'] }, 400, 'validation_failed');
    await bad({ url: 'ftp://example.com/x', events: ['*'] }, 422, 'webhook_url_not_allowed');
    await bad({ url: `${c.receiver.url}/x`, events: ['*'], secret: 'mine' }, 400, 'unknown_parameter');

    const subs = [
      await subscribe(c, '/p1', ['*', 'contact.created']),
      await subscribe(c, '/p2'),
      await subscribe(c, '/p3'),
    ];
    expect(subs[0].events).toEqual(['*']);
    const page1 = await c.api.request('GET', '/v1/webhook_subscriptions?limit=2');
    expect(page1.body).toMatchObject({ object: 'list', has_more: true });
    const page2 = await c.api.request('GET', `/v1/webhook_subscriptions?limit=2&cursor=${page1.body.next_cursor}`);
    expect([...page1.body.data, ...page2.body.data].map((s: any) => s.id)).toEqual(subs.map((s) => s.id));
    expect(page2.body.has_more).toBe(false);

    const patched = await c.api.request('PATCH', `/v1/webhook_subscriptions/${subs[1].id}`, {
      events: ['message.failed'],
      description: null,
    });
    expect(patched.body).toMatchObject({ events: ['message.failed'], description: null });
    const disabled = await c.api.request('PATCH', `/v1/webhook_subscriptions/${subs[1].id}`, { status: 'disabled' });
    expect(disabled.body).toMatchObject({ status: 'disabled', disabled_reason: 'disabled_by_user' });
    expect(
      (await c.api.request('GET', '/v1/webhook_subscriptions?status=disabled')).body.data.map((s: any) => s.id),
    ).toEqual([subs[1].id]);
    const deleted = await c.api.request('DELETE', `/v1/webhook_subscriptions/${subs[2].id}`);
    expect(deleted.body).toMatchObject({ id: subs[2].id, deleted: true });
    expect((await c.api.request('GET', `/v1/webhook_subscriptions/${subs[2].id}`)).status).toBe(404);
  });

  it("another organization's key gets 404 on every route, and its events never reach this organization", async () => {
    const mine = await subscribe(c, '/mine');
    await emitContact(c, 'ia');
    const [delivery] = await settled(c, mine.id, 1, 'succeeded');
    const other = await c.api.app.get(OrganizationsService).create({ name: 'Other', firstKey: { name: 'k' } });
    const key = other.plaintextKey!;
    const as = (method: string, path: string, body?: unknown) => c.api.request(method, path, body, c.api.auth(key));

    const routes: [string, string, unknown?][] = [
      ['GET', `/v1/webhook_subscriptions/${mine.id}`],
      ['PATCH', `/v1/webhook_subscriptions/${mine.id}`, { description: 'stolen' }],
      ['POST', `/v1/webhook_subscriptions/${mine.id}/secrets`, {}],
      ['DELETE', `/v1/webhook_subscriptions/${mine.id}`],
      ['GET', `/v1/webhook_deliveries/${delivery.id}`],
      ['POST', `/v1/webhook_deliveries/${delivery.id}/replay`],
      ['POST', '/v1/webhook_deliveries/replay', { subscription_id: mine.id, status: 'succeeded' }],
    ];
    for (const [method, path, body] of routes) {
      const res = await as(method, path, body);
      expect([method, path, res.status, res.body.error?.code]).toEqual([method, path, 404, 'not_found']);
    }
    expect((await as('GET', '/v1/webhook_subscriptions')).body.data).toEqual([]);
    expect((await as('GET', '/v1/webhook_deliveries')).body.data).toEqual([]);
    expect((await as('GET', `/v1/webhook_deliveries?subscription_id=${mine.id}`)).body.data).toEqual([]);
    expect((await as('POST', '/v1/webhook_deliveries/replay', { status: 'succeeded' })).body.replayed).toBe(0);
    expect((await c.api.request('GET', `/v1/webhook_subscriptions/${mine.id}`)).body.description).toBe('/mine');

    const theirs = await subscribe(c, '/theirs', ['*'], key);
    await emitContact(c, 'other-org', 'contact.created', other.organization.id);
    await waitFor(() => c.receiver.at('/theirs').length === 1, 'the other organization’s own delivery');
    expect(verifies(theirs.secret, c.receiver.at('/theirs')[0])).toBe(true);
    expect(await deliveriesOf(c, mine.id)).toHaveLength(1);
    expect(c.receiver.at('/mine')).toHaveLength(1);
    await as('DELETE', `/v1/webhook_subscriptions/${theirs.id}`);
  });
});

describe('customer webhooks (e2e, BullMQ on Redis)', () => {
  const c = setup({ redis: true, env: FAST_RETRIES });
  deliveryScenarios(c);

  it('the recovery sweep sends a due delivery whose job was lost', async () => {
    const sub = await subscribe(c, '/swept');
    // A row written as if its enqueue had been lost with Redis: pending, due, no job.
    const { WebhookDeliveriesRepository } = await import('#domain/webhooks/webhook-deliveries.repository.js');
    await c.api.app.get(WebhookDeliveriesRepository).createMany(c.orgId, [
      {
        id: 'whd_01kaaaaaaaaaaaaaaaaaaaaaaa',
        subscriptionId: sub.id,
        eventId: 'evt_01kaaaaaaaaaaaaaaaaaaaaaaa',
        eventType: 'contact.created',
        payload: {
          id: 'evt_01kaaaaaaaaaaaaaaaaaaaaaaa',
          type: 'contact.created',
          created_at: new Date().toISOString(),
          organization_id: c.orgId,
          data: { contact: {} },
        },
        nextAttemptAt: new Date(),
      },
    ]);
    const [req] = await waitFor(
      () => (c.receiver.at('/swept').length ? c.receiver.at('/swept') : null),
      'the swept delivery',
    );
    expect(req.headers['webhook-id']).toBe('evt_01kaaaaaaaaaaaaaaaaaaaaaaa');
    expect(verifies(sub.secret, req)).toBe(true);
  });
});

describe('customer webhooks (e2e, private targets refused)', () => {
  const c = setup({ env: { WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'false' } });

  it.each([
    ['plain http', 'http://example.com/hook'],
    ['loopback', 'https://127.0.0.1/hook'],
    ['IPv6 loopback', 'https://[::1]/hook'],
    ['IPv4-mapped IPv6 loopback', 'https://[::ffff:127.0.0.1]/hook'],
    ['a numeric loopback', 'https://2130706433/hook'],
    ['10/8', 'https://10.0.0.1/hook'],
    ['192.168/16', 'https://192.168.1.10/hook'],
    ['CGNAT', 'https://100.64.1.1/hook'],
    ['cloud metadata', 'https://169.254.169.254/latest/meta-data/'],
    ['IPv6 metadata', 'https://[fd00:ec2::254]/'],
    ['a name resolving to loopback', 'https://localhost/hook'],
  ])('refuses %s at registration', async (_what, url) => {
    const res = await c.api.request('POST', '/v1/webhook_subscriptions', { url, events: ['*'] });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'webhook_url_not_allowed', param: 'url' });
  });

  it('refuses an unresolvable host and a PATCH to a private URL; accepts a public address', async () => {
    const nx = await c.api.request('POST', '/v1/webhook_subscriptions', {
      url: 'https://no-such-host.invalid/hook',
      events: ['*'],
    });
    expect([nx.status, nx.body.error.code]).toEqual([422, 'webhook_url_unresolvable']);
    const ok = await c.api.request('POST', '/v1/webhook_subscriptions', {
      url: 'https://93.184.216.34/hook',
      events: ['message.failed'],
    });
    expect(ok.status).toBe(201);
    const patch = await c.api.request('PATCH', `/v1/webhook_subscriptions/${ok.body.id}`, {
      url: 'https://[::ffff:a9fe:a9fe]/',
    });
    expect([patch.status, patch.body.error.code]).toEqual([422, 'webhook_url_not_allowed']);
    expect((await c.api.request('GET', `/v1/webhook_subscriptions/${ok.body.id}`)).body.url).toBe(
      'https://93.184.216.34/hook',
    );
  });

  it('checks again at send time: a stored URL that now points at a private address is never called', async () => {
    const sub = await c.api.request('POST', '/v1/webhook_subscriptions', {
      url: 'https://93.184.216.34/hook',
      events: ['contact.created'],
    });
    // As if the URL had been accepted earlier (DNS since changed, or the flag was on): point it at the receiver.
    await c.api.app
      .get(WebhookSubscriptionsRepository)
      .update(c.orgId, sub.body.id, { url: `${c.receiver.url.replace('http:', 'https:')}/private` });
    await emitContact(c, 'ja');
    const d = await waitFor(async () => {
      const [row] = await deliveriesOf(c, sub.body.id);
      return row?.attempt_count === 1 && row.last_error ? row : null;
    }, 'the refused attempt');
    expect(d.last_status_code).toBeNull();
    expect(d.last_error).toMatch(/^target refused: 127\.0\.0\.1 resolves to 127\.0\.0\.1, a loopback address/);
    expect(c.receiver.at('/private')).toHaveLength(0);
  });
});
