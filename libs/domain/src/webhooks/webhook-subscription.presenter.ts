import type { WebhookSubscription } from '#db';

/** The wire shape; the secret appears only in the responses that create it (creation, rotation). */
export function presentWebhookSubscription(s: WebhookSubscription, secret?: string, now: Date = new Date()) {
  const graceActive =
    s.previousSecretEnc !== null && s.previousSecretExpiresAt !== null && s.previousSecretExpiresAt > now;
  return {
    object: 'webhook_subscription' as const,
    id: s.id,
    url: s.url,
    events: s.events,
    description: s.description,
    status: s.status,
    disabled_reason: s.disabledReason,
    consecutive_failures: s.consecutiveFailures,
    failing_since: s.failingSince?.toISOString() ?? null,
    previous_secret_expires_at: graceActive ? s.previousSecretExpiresAt!.toISOString() : null,
    created_at: s.createdAt.toISOString(),
    updated_at: s.updatedAt.toISOString(),
    ...(secret ? { secret } : {}),
  };
}
