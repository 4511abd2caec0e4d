import type { MetaOurCode } from '#whatsapp';

/**
 * Why an outbound message failed: Meta's errors mapped once in libs/whatsapp (`meta_*`), plus the outcomes our
 * delivery pipeline decides itself. Stored in Message.errorCode beside Meta's own code, title and details.
 */
export type MessageFailureCode =
  | MetaOurCode
  | 'meta_retries_exhausted'
  | 'phone_number_paused'
  | 'phone_number_unavailable'
  // A scheduled send re-checked at send_at:
  | 'outside_24h_window'
  | 'contact_opted_out'
  | 'template_not_sendable';

const OWN: Record<Exclude<MessageFailureCode, MetaOurCode>, string> = {
  meta_retries_exhausted: 'Meta kept failing transiently; the send was given up after the last retry.',
  phone_number_paused: 'Sends from this number are paused (its access token was refused); update the token to resume.',
  phone_number_unavailable: 'The sending number is disconnected or no longer exists.',
  outside_24h_window: 'At send time the 24-hour window was closed and the message had no fallback_template; send an approved template.',
  contact_opted_out: 'At send time the contact had opted out of marketing messages; the MARKETING template was not sent.',
  template_not_sendable: 'At send time the template could no longer be sent (no longer approved, or gone).',
};

const META: Partial<Record<MetaOurCode, string>> = {
  meta_auth_failed: 'Meta refused the number\'s access token; the number was paused.',
  meta_undeliverable: 'WhatsApp could not deliver to this recipient (not on WhatsApp, an old client, or blocked).',
  meta_outside_window: 'More than 24 hours since the customer last wrote; send an approved template.',
  meta_invalid_parameter: 'Meta rejected a parameter of the message.',
  meta_marketing_opted_out: 'The recipient stopped marketing messages from this business.',
};

export function describeFailure(code: string | null, metaTitle: string | null): string {
  if (!code) return metaTitle ?? 'The message failed.';
  return (OWN as Record<string, string>)[code] ?? (META as Record<string, string>)[code] ?? metaTitle ?? code.replace(/_/g, ' ');
}
