import { REALTIME_EVENTS } from '#realtime';

/** Customer webhooks carry the same events as realtime clients; `*` subscribes to all, including future ones. */
export const WEBHOOK_EVENT_TYPES = REALTIME_EVENTS;
export const WEBHOOK_EVENT_CHOICES = [...REALTIME_EVENTS, '*'] as const;

export const WEBHOOK_SUBSCRIPTION_STATUSES = ['active', 'disabled'] as const;
export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const;

/** Why a subscription stopped receiving events (`disabled_reason`). */
export const DISABLED_REASONS = {
  manual: 'disabled_by_user',
  gone: 'endpoint_gone',
  failing: 'too_many_failures',
} as const;
