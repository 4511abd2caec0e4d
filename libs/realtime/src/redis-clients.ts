import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';

/**
 * A dedicated connection for realtime fan-out (pub/sub cannot share the app's client: a subscribed connection
 * accepts no other commands). Errors are logged at most every 10 s; ioredis reconnects by itself.
 */
export function realtimeRedis(redisUrl: string, connectionName: string, logger: Logger): Redis {
  const client = new Redis(redisUrl, { connectionName });
  let lastLogged = 0;
  client.on('error', (err: Error) => {
    if (Date.now() - lastLogged < 10_000) return;
    lastLogged = Date.now();
    logger.error(`Redis connection error (${connectionName}): ${err.message}`);
  });
  catchPublishErrors(client, logger);
  return client;
}

/**
 * The Socket.IO Redis adapter and emitter call `publish` without handling its promise; a rejection while Redis is
 * unreachable (or after shutdown closed the client) would be an unhandled rejection that ends the process. Realtime
 * events are best effort (the database and customer webhooks are the durable record), so a failed publish is logged.
 */
function catchPublishErrors(client: Redis, logger: Logger): void {
  const publish = client.publish.bind(client) as (...args: unknown[]) => Promise<number>;
  const guarded = (...args: unknown[]): Promise<number> => {
    const result = publish(...args);
    result.catch((err: unknown) => logger.warn(`Realtime publish failed: ${err instanceof Error ? err.message : String(err)}`));
    return result;
  };
  client.publish = guarded as unknown as Redis['publish'];
}

/** Closes a client politely, or drops it when QUIT cannot be sent. */
export async function closeRedis(client: Redis | undefined): Promise<void> {
  if (!client || client.status === 'end') return;
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}
