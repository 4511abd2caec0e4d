import { rooms, type EventScope } from './event-map.js';

/** The Socket.IO namespace clients connect to; the gateway, the server publisher and the emitter share it. */
export const REALTIME_NAMESPACE = '/v1';

/**
 * Redis pub/sub key of the Socket.IO adapter (api) and the emitter (workers). Both must use the same one; the
 * environment's REDIS_PREFIX keeps environments and test files sharing one Redis from hearing each other.
 */
export function socketIoRedisKey(redisPrefix: string): string {
  return `${redisPrefix}:socket.io`;
}

/**
 * The organization's room plus the narrower rooms in scope. Emitted in ONE `to([...])` call, so a socket in several
 * of them gets the event once (Socket.IO dedupes across the rooms of one emit, also through the Redis adapter).
 * `scope.phoneNumberId` is our `pn_…` id.
 */
export function targetRooms(organizationId: string, scope: EventScope = {}): string[] {
  const targets = [rooms.org(organizationId)];
  if (scope.conversationId) targets.push(rooms.conversation(organizationId, scope.conversationId));
  if (scope.phoneNumberId) targets.push(rooms.phoneNumber(organizationId, scope.phoneNumberId));
  return targets;
}
