export * from './prisma.service.js';
export * from './db.module.js';
export * from './pg-config.js';
export * from './migrator.js';
export { Prisma } from './generated/prisma/client.js';
export type {
  Organization,
  ApiKey,
  PhoneNumber,
  Contact,
  Conversation,
  Message,
  Media,
  Template,
  Label,
  ContactLabel,
  ContactNote,
  WebhookSubscription,
  WebhookDelivery,
  WebhookDeliveryAttempt,
  AuditLog,
  InboundEvent,
  IdempotencyRecord,
  Broadcast,
  BroadcastRecipient,
} from './generated/prisma/client.js';
