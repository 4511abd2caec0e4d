/** Every queue of the system. Kebab-case names; the same names in BullMQ and in the in-process driver. */
export const QUEUES = {
  messageDelivery: 'message-delivery',
  inboundEvents: 'inbound-events',
  webhookDelivery: 'webhook-delivery',
  templateSync: 'template-sync',
  mediaDownload: 'media-download',
  broadcasts: 'broadcasts',
  maintenance: 'maintenance',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export const QUEUE_NAMES: readonly QueueName[] = Object.values(QUEUES);

/**
 * Job payloads carry only ids: PostgreSQL holds the state, so a job can be rebuilt by a sweep after Redis loses it
 * and a processor always re-reads the current row.
 */
export interface JobPayloads {
  'message-delivery': { messageId: string; organizationId: string };
  'inbound-events': { inboundEventId: string };
  'webhook-delivery': { deliveryId: string; organizationId: string };
  'template-sync': { phoneNumberId: string; organizationId: string };
  'media-download': { mediaId: string; organizationId: string };
  broadcasts: { broadcastId: string; organizationId: string };
  maintenance: { task: string };
}
