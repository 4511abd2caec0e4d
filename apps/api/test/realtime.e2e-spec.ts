import { Test, type TestingModule } from '@nestjs/testing';
import { io, type Socket } from 'socket.io-client';
import { AppConfig, ConfigModule } from '#config';
import { PrismaService } from '#db';
import { ApiKeysService, DomainEvents, newId, OrganizationsService } from '#domain';
import { RealtimeTokenCodec } from '#domain/realtime/realtime-token.codec.js';
import { RealtimeModule, RealtimePublisher, RedisEmitterPublisher, rooms, type EventEnvelope, type EventScope } from '#realtime';
import { testRedisPrefix } from '#testing';
import type { RealtimeAck } from '../src/realtime/realtime.gateway.js';
import { startTestApi, type TestApi } from './harness.js';

/** Bound of every wait on the network; a failure names what was awaited instead of hanging until Jest's timeout. */
const WAIT_MS = 5_000;

function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${WAIT_MS} ms waiting for ${what}`)), WAIT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A socket.io-client connection that records every event it receives. */
class Client {
  readonly events: EventEnvelope[] = [];
  private readonly waiters: { match: (e: EventEnvelope) => boolean; resolve: (e: EventEnvelope) => void }[] = [];

  constructor(readonly socket: Socket) {
    socket.onAny((_name: string, envelope: EventEnvelope) => {
      this.events.push(envelope);
      for (const w of this.waiters.filter((w) => w.match(envelope))) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(envelope);
      }
    });
  }

  /** The first event (already received or still to come) with this id. */
  waitFor(eventId: string): Promise<EventEnvelope> {
    const seen = this.events.find((e) => e.id === eventId);
    if (seen) return Promise.resolve(seen);
    return within(new Promise((resolve) => this.waiters.push({ match: (e) => e.id === eventId, resolve })), `event ${eventId}`);
  }

  copiesOf(eventId: string): number {
    return this.events.filter((e) => e.id === eventId).length;
  }

  ack(message: 'subscribe' | 'unsubscribe', body: unknown): Promise<RealtimeAck> {
    return within(this.socket.emitWithAck(message, body), `${message} ack`);
  }
}

describe('realtime over Socket.IO (e2e, two api processes, real Redis)', () => {
  let a: TestApi;
  let b: TestApi;
  let worker: TestingModule;
  let org1: string;
  let org2: { id: string; key: string };
  let fixtures: { cnv1: string; pn1: string; meta1: string; cnv2: string; pn2: string; meta2: string; pnGone: string };
  const sockets: Socket[] = [];
  const published: EventEnvelope[] = [];

  beforeAll(async () => {
    const prefix = testRedisPrefix();
    a = await startTestApi({ redis: true, env: { REDIS_PREFIX: prefix } });
    // A second replica: same database, same Redis prefix, same secrets (tokens minted on one verify on the other).
    b = await startTestApi({
      redis: true,
      db: a.db,
      env: {
        REDIS_PREFIX: prefix,
        BOOTSTRAP_API_KEY: a.key,
        ENCRYPTION_KEY: a.config.encryptionKey.toString('hex'),
        META_APP_SECRET: a.config.metaAppSecret,
        META_VERIFY_TOKEN: a.config.metaVerifyToken,
      },
    });
    worker = await Test.createTestingModule({ imports: [ConfigModule.forRoot(a.config), RealtimeModule.forRoot({ role: 'worker' })] }).compile();
    await worker.init();
    for (const api of [a, b]) api.app.get(DomainEvents).addSink({ handle: async (e) => void published.push(e) });

    org1 = (await a.request('GET', '/v1/me')).body.id;
    const other = await a.app.get(OrganizationsService).create({ name: 'Other org', firstKey: { name: 'other' } });
    org2 = { id: other.organization.id, key: other.plaintextKey! };

    const db = a.app.get(PrismaService).db;
    const phone = async (organizationId: string, meta: string, status = 'active') => {
      const id = newId('phoneNumber');
      await db.phoneNumber.create({
        data: {
          id,
          organizationId,
          metaPhoneNumberId: meta,
          connectedMetaId: status === 'disconnected' ? null : meta,
          wabaId: '1000',
          displayPhoneNumber: `+1555${meta.slice(-7)}`,
          accessTokenEnc: 'not-used-here',
          status,
        },
      });
      return id;
    };
    const conversation = async (organizationId: string, phoneNumberId: string) => {
      const id = newId('conversation');
      await db.conversation.create({ data: { id, organizationId, phoneNumberId, contactId: newId('contact') } });
      return id;
    };
    const meta1 = '1065403522420001';
    const meta2 = '1065403522420002';
    const pn1 = await phone(org1, meta1);
    const pn2 = await phone(org2.id, meta2);
    const pnGone = await phone(org1, '1065403522420003', 'disconnected');
    fixtures = { pn1, meta1, pn2, meta2, pnGone, cnv1: await conversation(org1, pn1), cnv2: await conversation(org2.id, pn2) };
  });

  afterEach(() => {
    for (const s of sockets.splice(0)) s.disconnect();
  });

  afterAll(async () => {
    await worker?.close();
    await b?.close();
    await a?.close();
  });

  function open(api: TestApi, token: unknown): Socket {
    const socket = io(`${api.url}/v1`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(socket);
    return socket;
  }

  async function connect(api: TestApi, token: unknown): Promise<Client> {
    const socket = open(api, token);
    const client = new Client(socket);
    await within(
      new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', reject);
      }),
      'connect',
    );
    return client;
  }

  async function refusal(api: TestApi, token: unknown): Promise<{ message: string; data: unknown }> {
    const socket = open(api, token);
    return within(
      new Promise((resolve, reject) => {
        socket.once('connect', () => reject(new Error('connected, but a refusal was expected')));
        socket.once('connect_error', (err: Error & { data?: unknown }) => resolve({ message: err.message, data: err.data }));
      }),
      'connect_error',
    );
  }

  async function mint(api: TestApi, body: unknown = {}, key = a.key) {
    return api.request('POST', '/v1/realtime/tokens', body, api.auth(key));
  }

  /** Publishes like a service does after a commit, through the api process' DomainEvents; returns the event id. */
  async function emitVia(api: TestApi, organizationId: string, scope: EventScope = {}): Promise<string> {
    const marker = newId('request'); // DomainEvents mints the id; the sink finds the envelope by this marker
    await api.app.get(DomainEvents).emit(organizationId, 'conversation.updated', { conversation: { object: 'conversation', marker }, changes: ['status'] }, scope);
    const envelope = published.find((e) => (e.data as { conversation?: { marker?: string } }).conversation?.marker === marker);
    expect(envelope).toBeDefined();
    return envelope!.id;
  }

  /** Publishes like a worker process does: Redis emitter, no Socket.IO server. */
  async function emitViaWorker(organizationId: string, scope: EventScope = {}): Promise<string> {
    const envelope: EventEnvelope<'message.created'> = {
      id: newId('webhookEvent'),
      type: 'message.created',
      created_at: new Date().toISOString(),
      organization_id: organizationId,
      data: { message: { object: 'message', id: newId('message') } },
    };
    await worker.get(RealtimePublisher).publish(envelope, scope);
    return envelope.id;
  }

  describe('handshake', () => {
    it('accepts an API key and delivers the organization events published through DomainEvents', async () => {
      const client = await connect(a, a.key);
      const id = await emitVia(a, org1);
      const got = await client.waitFor(id);
      expect(got).toMatchObject({ id, type: 'conversation.updated', organization_id: org1, data: { changes: ['status'] } });
      expect(got.created_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    });

    it('mints a realtime token over REST and accepts it on either replica', async () => {
      const res = await mint(a, { ttl_seconds: 120 });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ object: 'realtime_token', token: expect.stringMatching(/^rt_[\w-]+\.[\w-]{43}$/), expires_at: expect.any(String) });
      const expiresAt = Date.parse(res.body.expires_at);
      expect(expiresAt).toBeGreaterThan(Date.now() + 60_000);
      expect(expiresAt).toBeLessThanOrEqual(Date.now() + 120_000);
      const onB = await connect(b, res.body.token);
      const id = await emitVia(b, org1);
      expect((await onB.waitFor(id)).organization_id).toBe(org1);
    });

    it('defaults to 10 minutes and validates ttl_seconds', async () => {
      const dflt = await mint(a);
      expect(dflt.status).toBe(201);
      expect(Date.parse(dflt.body.expires_at)).toBeGreaterThan(Date.now() + 540_000);
      expect(Date.parse(dflt.body.expires_at)).toBeLessThanOrEqual(Date.now() + 600_000);
      for (const ttl of [59, 3601, 1.5, '600']) {
        const res = await mint(a, { ttl_seconds: ttl });
        expect(res.status).toBe(400);
        expect(res.body.error).toMatchObject({ code: 'validation_failed', param: 'ttl_seconds' });
      }
      expect((await a.request('POST', '/v1/realtime/tokens', {}, { Authorization: '' })).status).toBe(401);
    });

    it('documents the token route in OpenAPI with its DTO', async () => {
      const doc = (await (await fetch(`${a.url}/v1/openapi.json`)).json()) as {
        paths: Record<string, { post?: unknown }>;
        components: { schemas: Record<string, { properties: Record<string, unknown> }> };
      };
      expect(doc.paths['/v1/realtime/tokens'].post).toBeDefined();
      expect(doc.components.schemas.CreateRealtimeTokenDto.properties.ttl_seconds).toMatchObject({ minimum: 60, maximum: 3600 });
    });

    it.each([
      ['no token', undefined, 'missing_api_key'],
      ['a well-formed unknown key', 'kdv_live_0000000000000000000000000000000000000000', 'invalid_api_key'],
      ['garbage', 'hello', 'invalid_api_key'],
      ['a malformed realtime token', 'rt_abc.def', 'invalid_realtime_token'],
    ])('refuses %s with a catalogued connect_error', async (_name, token, code) => {
      const { data } = await refusal(a, token);
      expect(data).toMatchObject({ type: 'authentication_error', code });
    });

    it('refuses an expired or tampered token', async () => {
      const { ctx } = await a.app.get(ApiKeysService).authenticate(a.key);
      const codec = new RealtimeTokenCodec(a.config.encryptionKey);
      const base = { organizationId: org1, apiKeyId: ctx.apiKeyId!, scope: 'full' as const };
      const expired = codec.sign({ ...base, expiresAt: Math.floor(Date.now() / 1000) - 1 });
      const refusedExpired = await refusal(a, expired);
      expect(refusedExpired.data).toMatchObject({ code: 'invalid_realtime_token' });
      expect(refusedExpired.message).toMatch(/expired/);
      // Same claims, signed under another key (a forged token naming org1).
      const forged = new RealtimeTokenCodec(Buffer.alloc(32, 7)).sign({ ...base, expiresAt: Math.floor(Date.now() / 1000) + 600 });
      expect((await refusal(a, forged)).data).toMatchObject({ code: 'invalid_realtime_token' });
      // The control: the same claims signed with the real key connect.
      await connect(a, codec.sign({ ...base, expiresAt: Math.floor(Date.now() / 1000) + 600 }));
    });

    it('stops accepting tokens (and the key) once the key that minted them is revoked', async () => {
      const created = await a.request('POST', '/v1/api_keys', { name: 'dashboard' });
      expect(created.status).toBe(201);
      const { token } = (await mint(a, {}, created.body.key)).body;
      (await connect(a, token)).socket.disconnect();
      expect((await a.request('DELETE', `/v1/api_keys/${created.body.id}`)).status).toBe(200);
      expect((await refusal(a, token)).data).toMatchObject({ code: 'invalid_realtime_token' });
      expect((await refusal(b, token)).data).toMatchObject({ code: 'invalid_realtime_token' });
      expect((await refusal(a, created.body.key)).data).toMatchObject({ code: 'invalid_api_key' });
    });
  });

  describe('subscriptions', () => {
    it('joins a conversation and a phone number (by our id or Meta’s) of the organization', async () => {
      const client = await connect(a, a.key);
      expect(await client.ack('subscribe', { conversation_id: fixtures.cnv1 })).toEqual({ ok: true, room: rooms.conversation(org1, fixtures.cnv1) });
      expect(await client.ack('subscribe', { phone_number_id: fixtures.pn1 })).toEqual({ ok: true, room: rooms.phoneNumber(org1, fixtures.pn1) });
      expect(await client.ack('subscribe', { phone_number_id: fixtures.meta1 })).toEqual({ ok: true, room: rooms.phoneNumber(org1, fixtures.pn1) });
      expect(await client.ack('unsubscribe', { conversation_id: fixtures.cnv1 })).toEqual({ ok: true, room: rooms.conversation(org1, fixtures.cnv1) });
      expect(await client.ack('unsubscribe', { phone_number_id: fixtures.meta1 })).toEqual({ ok: true, room: rooms.phoneNumber(org1, fixtures.pn1) });
    });

    it('answers malformed subscriptions with validation errors', async () => {
      const client = await connect(a, a.key);
      expect(await client.ack('subscribe', {})).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
      expect(await client.ack('subscribe', { conversation_id: fixtures.cnv1, phone_number_id: fixtures.pn1 })).toMatchObject({
        ok: false,
        error: { code: 'validation_failed' },
      });
      expect(await client.ack('subscribe', { conversation_id: 42 })).toMatchObject({ ok: false, error: { code: 'validation_failed', param: 'conversation_id' } });
      expect(await client.ack('subscribe', { room: 'org:x' })).toMatchObject({ ok: false, error: { code: 'unknown_parameter' } });
      expect(await client.ack('subscribe', 'cnv_x')).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    });

    it('refuses another organization’s, unknown and disconnected objects alike, and leaks none of their events', async () => {
      const client = await connect(a, a.key);
      const notFound = { ok: false, error: { code: 'not_found', message: expect.any(String) } };
      for (const body of [
        { conversation_id: fixtures.cnv2 },
        { phone_number_id: fixtures.pn2 },
        { phone_number_id: fixtures.meta2 },
        { conversation_id: newId('conversation') },
        { phone_number_id: newId('phoneNumber') },
        { phone_number_id: '999999999' },
        { phone_number_id: fixtures.pnGone },
        { conversation_id: 'not-an-id' },
      ])
        expect(await client.ack('subscribe', body)).toMatchObject(notFound);

      // Org 2's events, in every room an org 1 socket tried to reach, from both kinds of publisher.
      const other = await connect(b, org2.key);
      const scope = { conversationId: fixtures.cnv2, phoneNumberId: fixtures.pn2 };
      const leaked = [await emitVia(a, org2.id, scope), await emitViaWorker(org2.id, scope)];
      await Promise.all(leaked.map((id) => other.waitFor(id))); // they were really published
      // Published after them on the same channels: once these arrive, anything leaked would have arrived too.
      await client.waitFor(await emitVia(a, org1));
      await client.waitFor(await emitViaWorker(org1));
      expect(client.events.map((e) => e.organization_id)).toEqual([org1, org1]);
      expect(other.events.every((e) => e.organization_id === org2.id)).toBe(true);
    });
  });

  describe('fan-out across processes', () => {
    it('delivers an event published on api A to a client on api B, and one published on B to a client on A', async () => {
      const onA = await connect(a, a.key);
      const onB = await connect(b, a.key);
      const fromA = await emitVia(a, org1);
      const fromB = await emitVia(b, org1);
      for (const client of [onA, onB]) {
        await client.waitFor(fromA);
        await client.waitFor(fromB);
      }
    });

    it('delivers what a worker-role publisher (Redis emitter) publishes to clients on both api processes', async () => {
      const onA = await connect(a, a.key);
      const onB = await connect(b, a.key);
      const id = await emitViaWorker(org1, { conversationId: fixtures.cnv1 });
      expect(await onA.waitFor(id)).toMatchObject({ id, type: 'message.created', organization_id: org1 });
      expect(await onB.waitFor(id)).toMatchObject({ id, type: 'message.created', organization_id: org1 });
    });

    it('sends one copy per event to a client in the org, conversation and phone number rooms', async () => {
      const local = await connect(a, a.key);
      const remote = await connect(b, a.key);
      for (const client of [local, remote]) {
        expect((await client.ack('subscribe', { conversation_id: fixtures.cnv1 })).ok).toBe(true);
        expect((await client.ack('subscribe', { phone_number_id: fixtures.pn1 })).ok).toBe(true);
      }
      const scope = { conversationId: fixtures.cnv1, phoneNumberId: fixtures.pn1 };
      const ids = [await emitVia(a, org1, scope), await emitViaWorker(org1, scope)];
      const sentinels = [await emitVia(a, org1), await emitViaWorker(org1)];
      for (const client of [local, remote]) {
        for (const id of sentinels) await client.waitFor(id);
        for (const id of ids) expect(client.copiesOf(id)).toBe(1);
      }
    });
  });

  it('a worker-role publisher refuses to start without REDIS_URL', () => {
    const config = new AppConfig({ DATABASE_URL: a.db.url, META_APP_SECRET: 's', META_VERIFY_TOKEN: 'v', ENCRYPTION_KEY: '0'.repeat(64) });
    expect(() => new RedisEmitterPublisher(config)).toThrow(/REDIS_URL/);
  });
});

describe('realtime in one process without Redis (embedded-style, in-memory adapter) (e2e)', () => {
  let api: TestApi;
  let socket: Socket | undefined;

  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    socket?.disconnect();
    await api?.close();
  });

  it('serves the same gateway and delivers DomainEvents to a token-authenticated client', async () => {
    const { token } = (await api.request('POST', '/v1/realtime/tokens', {})).body;
    socket = io(`${api.url}/v1`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
    const client = new Client(socket);
    await within(
      new Promise<void>((resolve, reject) => {
        socket!.once('connect', resolve);
        socket!.once('connect_error', reject);
      }),
      'connect',
    );
    const organizationId = (await api.request('GET', '/v1/me')).body.id as string;
    const seen: EventEnvelope[] = [];
    api.app.get(DomainEvents).addSink({ handle: async (e) => void seen.push(e) });
    await api.app.get(DomainEvents).emit(organizationId, 'contact.created', { contact: { object: 'contact' } });
    expect(await client.waitFor(seen[0].id)).toMatchObject({ type: 'contact.created', organization_id: organizationId });
  });
});
