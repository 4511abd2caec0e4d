import crypto from 'node:crypto';
import type { DynamicModule, Type } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { AppConfig, ConfigModule } from '#config';
import { DbModule, PrismaService, type PhoneNumber } from '#db';
import { QueueModule } from '#queue';
import { RealtimeModule, type EventEnvelope } from '#realtime';
import { createTestDatabase, type TestDatabase } from '#testing';
import { newId } from '../../common/ids.js';
import { SecretBox } from '../../common/secret-box.js';
import { systemContext, type TenantContext } from '../../common/tenant-context.js';
import { DomainEvents } from '../../events/domain-events.js';
import { MetaWebhookIngestModule } from '../../meta-webhooks/meta-webhook-ingest.module.js';
import { MetaWebhooksModule } from '../../meta-webhooks/meta-webhooks.module.js';
import { PlatformModule } from '../../platform.module.js';
import { MessageDeliveryModule } from '../message-delivery.module.js';
import { MessagesModule } from '../messages.module.js';

export interface MessagingTestModule {
  moduleRef: TestingModule;
  db: TestDatabase;
  prisma: PrismaService;
  config: AppConfig;
  /** Every domain event emitted, in order. */
  events: EventEnvelope[];
  /** A new organization with one active (sandbox-flagged) number whose Meta id is `metaId`. */
  organization(metaId?: string): Promise<{ ctx: TenantContext; phone: PhoneNumber }>;
  close(): Promise<void>;
}

/**
 * The messaging domain against a fresh PostgreSQL database: services, repositories, ingest and the sweeps, with
 * the in-process queue NOT running processors (jobs stay visible in the queue), so tests drive each step.
 */
export async function createMessagingTestModule(env: Record<string, string> = {}, imports: Array<Type | DynamicModule> = []): Promise<MessagingTestModule> {
  const db = await createTestDatabase();
  const config = new AppConfig({
    DATABASE_URL: db.url,
    META_APP_SECRET: crypto.randomBytes(16).toString('hex'),
    META_VERIFY_TOKEN: 'verify-me',
    ENCRYPTION_KEY: crypto.randomBytes(32).toString('hex'),
    LOG_LEVEL: 'silent',
    RUN_PROCESSORS: 'false',
    SWEEP_INTERVAL_MS: '3600000',
    SANDBOX_URL: 'http://127.0.0.1:9',
    ...env,
  });
  const moduleRef = await Test.createTestingModule({
    imports: [
      ConfigModule.forRoot(config),
      DbModule,
      QueueModule,
      PlatformModule,
      RealtimeModule.forRoot({ role: 'api' }),
      MessagesModule,
      MetaWebhooksModule,
      MetaWebhookIngestModule,
      MessageDeliveryModule,
      ...imports,
    ],
  }).compile();
  moduleRef.useLogger(false);
  await moduleRef.init();
  const prisma = moduleRef.get(PrismaService);
  const secrets = moduleRef.get(SecretBox);
  const events: EventEnvelope[] = [];
  moduleRef.get(DomainEvents).addSink({ handle: async (e) => void events.push(e) });
  let meta = 100_000 + Math.floor(Math.random() * 800_000);
  return {
    moduleRef,
    db,
    prisma,
    config,
    events,
    async organization(metaId = String(meta++)) {
      const organizationId = newId('organization');
      await prisma.db.organization.create({ data: { id: organizationId, name: organizationId } });
      const id = newId('phoneNumber');
      const phone = await prisma.db.phoneNumber.create({
        data: {
          id,
          organizationId,
          metaPhoneNumberId: metaId,
          connectedMetaId: metaId,
          wabaId: `waba-${metaId}`,
          displayPhoneNumber: '+15550000000',
          isSandbox: true,
          accessTokenEnc: secrets.encrypt('token', `${id}:access_token`),
        },
      });
      return { ctx: { ...systemContext(organizationId), actorType: 'api_key', apiKeyId: newId('apiKey'), via: 'rest' }, phone };
    },
    async close() {
      await moduleRef.close();
      await db.drop();
    },
  };
}

/** A Meta `messages` webhook payload for one number. */
export function metaPayload(metaPhoneNumberId: string, value: Record<string, unknown>) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: 'waba',
        changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550000000', phone_number_id: metaPhoneNumberId }, ...value } }],
      },
    ],
  };
}

export function inboundText(from: string, wamid: string, at: Date, body: string, name = 'Budi') {
  return {
    contacts: [{ profile: { name }, wa_id: from }],
    messages: [{ from, id: wamid, timestamp: String(Math.floor(at.getTime() / 1000)), type: 'text', text: { body } }],
  };
}

export function statusOf(wamid: string, status: string, at: Date, extra: Record<string, unknown> = {}) {
  return { id: wamid, status, timestamp: String(Math.floor(at.getTime() / 1000)), recipient_id: '628123456789', ...extra };
}
