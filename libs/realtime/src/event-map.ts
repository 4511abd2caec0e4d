/**
 * Realtime events and customer webhook events share names and payloads. Payloads are the public (snake_case)
 * shapes of the resources, as REST returns them.
 */
export interface RealtimeEventMap {
  'message.received': { message: Record<string, unknown> };
  'message.created': { message: Record<string, unknown> };
  'message.status_updated': { message: Record<string, unknown>; previous_status: string | null };
  'message.failed': { message: Record<string, unknown> };
  'conversation.created': { conversation: Record<string, unknown> };
  'conversation.updated': { conversation: Record<string, unknown>; changes?: string[] };
  'contact.created': { contact: Record<string, unknown> };
  'contact.updated': { contact: Record<string, unknown>; changes?: string[] };
  'template.status_updated': { template: Record<string, unknown>; previous_status: string | null };
}

export type RealtimeEventName = keyof RealtimeEventMap;

export const REALTIME_EVENTS = [
  'message.received',
  'message.created',
  'message.status_updated',
  'message.failed',
  'conversation.created',
  'conversation.updated',
  'contact.created',
  'contact.updated',
  'template.status_updated',
] as const satisfies readonly RealtimeEventName[];

/** Narrower rooms an event is also delivered to (clients join them with `subscribe`). */
export interface EventScope {
  conversationId?: string;
  phoneNumberId?: string;
}

/** The envelope clients receive: the same for Socket.IO and customer webhooks. */
export interface EventEnvelope<N extends RealtimeEventName = RealtimeEventName> {
  id: string; // evt_…
  type: N;
  created_at: string;
  organization_id: string;
  data: RealtimeEventMap[N];
}

export const rooms = {
  org: (organizationId: string) => `org:${organizationId}`,
  conversation: (organizationId: string, conversationId: string) => `org:${organizationId}:cnv:${conversationId}`,
  phoneNumber: (organizationId: string, phoneNumberId: string) => `org:${organizationId}:pn:${phoneNumberId}`,
};

/**
 * Publishes an event to the organization's room and the narrower rooms in scope. Implementations: Socket.IO
 * server in this process (embedded / api), or the Redis emitter (workers, which have no HTTP server).
 */
export abstract class RealtimePublisher {
  abstract publish<N extends RealtimeEventName>(envelope: EventEnvelope<N>, scope?: EventScope): Promise<void>;
}
