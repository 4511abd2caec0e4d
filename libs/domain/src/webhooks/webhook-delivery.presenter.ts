import type { WebhookDelivery, WebhookDeliveryAttempt } from '#db';

/** Lists leave out the payload and the attempts; retrieving one delivery includes both. */
export function presentWebhookDelivery(d: WebhookDelivery, detail?: { attempts: WebhookDeliveryAttempt[] }) {
  return {
    object: 'webhook_delivery' as const,
    id: d.id,
    subscription_id: d.subscriptionId,
    event_id: d.eventId,
    event_type: d.eventType,
    status: d.status,
    attempt_count: d.attempts,
    next_attempt_at: d.status === 'pending' ? (d.nextAttemptAt?.toISOString() ?? null) : null,
    last_status_code: d.lastStatusCode,
    last_error: d.lastError,
    created_at: d.createdAt.toISOString(),
    updated_at: d.updatedAt.toISOString(),
    ...(detail ? { payload: d.payload, attempts: detail.attempts.map(presentWebhookAttempt) } : {}),
  };
}

export function presentWebhookAttempt(a: WebhookDeliveryAttempt) {
  return {
    object: 'webhook_delivery_attempt' as const,
    id: a.id,
    status_code: a.statusCode,
    error: a.error,
    duration_ms: a.durationMs,
    response_body: a.responseBody,
    created_at: a.createdAt.toISOString(),
  };
}
