import { AppError } from '../common/app-error.js';
import type { WebhookTargetRefused } from './webhook-target-refused.error.js';

export function targetRefusedError(err: WebhookTargetRefused): AppError {
  if (err.reason === 'invalid') return AppError.validation('url', err.message);
  if (err.reason === 'unresolvable') return new AppError('webhook_url_unresolvable', err.message, { param: 'url' });
  return new AppError('webhook_url_not_allowed', err.message, { param: 'url' });
}

export function subscriptionDisabledError(subscriptionId: string, deleted = false): AppError {
  return new AppError(
    'webhook_subscription_disabled',
    deleted
      ? `The subscription ${subscriptionId} of this delivery was deleted.`
      : `The subscription ${subscriptionId} is disabled.`,
    { param: 'subscription_id' },
  );
}
