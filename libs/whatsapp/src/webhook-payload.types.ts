/**
 * Meta's webhook payloads for a WhatsApp Business Account (Cloud API, v24 era), as they arrive on the wire
 * (snake_case). Unknown fields may appear at any level: treat these as the known subset.
 */

export interface WebhookEnvelope {
  object: 'whatsapp_business_account';
  entry: WebhookEntry[];
}

export interface WebhookEntry {
  /** The WABA id. */
  id: string;
  /** Present on some fields (e.g. message_template_status_update): unix seconds. */
  time?: number;
  changes: WebhookChange[];
}

export type WebhookChange =
  | { field: 'messages'; value: MessagesChangeValue }
  | { field: 'message_template_status_update'; value: TemplateStatusUpdateValue }
  | { field: string; value: Record<string, unknown> };

export interface WebhookMetadata {
  /** Digits only, no '+'. */
  display_phone_number: string;
  phone_number_id: string;
}

export interface MessagesChangeValue {
  messaging_product: 'whatsapp';
  metadata: WebhookMetadata;
  contacts?: WebhookContact[];
  messages?: InboundMessage[];
  statuses?: WebhookStatus[];
  /** Errors not tied to one message. */
  errors?: WebhookError[];
}

export interface WebhookContact {
  profile: { name: string };
  /** The customer's phone number (digits). May be empty from 2026 when the customer uses a username. */
  wa_id: string;
  /** Business-scoped user id (2026 usernames). */
  user_id?: string;
}

/** Asynchronous error form (inside webhooks). */
export interface WebhookError {
  code: number;
  title: string;
  message?: string;
  error_data?: { details: string };
  href?: string;
}

// ---- inbound messages ----

export type InboundMessageType =
  | 'text'
  | 'image'
  | 'video'
  | 'audio'
  | 'document'
  | 'sticker'
  | 'location'
  | 'contacts'
  | 'reaction'
  | 'interactive'
  | 'button'
  | 'unsupported'
  | 'system'
  | 'order'
  | 'request_welcome';

export interface InboundContext {
  /** Who sent the quoted message (the business number's digits when a customer replies to us). */
  from?: string;
  /** The quoted message's wamid. */
  id?: string;
  forwarded?: boolean;
  frequently_forwarded?: boolean;
  referred_product?: { catalog_id: string; product_retailer_id: string };
}

interface InboundBase {
  from: string;
  id: string;
  /** Unix seconds as a string. */
  timestamp: string;
  context?: InboundContext;
  /** Present on click-to-WhatsApp ads. */
  referral?: Record<string, unknown>;
  errors?: WebhookError[];
}

export interface InboundMedia {
  id: string;
  mime_type: string;
  sha256: string;
  caption?: string;
}

export interface InboundTextMessage extends InboundBase {
  type: 'text';
  text: { body: string };
}
export interface InboundImageMessage extends InboundBase {
  type: 'image';
  image: InboundMedia;
}
export interface InboundVideoMessage extends InboundBase {
  type: 'video';
  video: InboundMedia;
}
export interface InboundAudioMessage extends InboundBase {
  type: 'audio';
  audio: InboundMedia & { voice?: boolean };
}
export interface InboundDocumentMessage extends InboundBase {
  type: 'document';
  document: InboundMedia & { filename?: string };
}
export interface InboundStickerMessage extends InboundBase {
  type: 'sticker';
  sticker: InboundMedia & { animated?: boolean };
}
export interface InboundLocationMessage extends InboundBase {
  type: 'location';
  location: { latitude: number; longitude: number; name?: string; address?: string; url?: string };
}

export interface SharedContact {
  name: { formatted_name: string; first_name?: string; last_name?: string; middle_name?: string; suffix?: string; prefix?: string };
  phones?: { phone?: string; type?: string; wa_id?: string }[];
  emails?: { email?: string; type?: string }[];
  addresses?: { street?: string; city?: string; state?: string; zip?: string; country?: string; country_code?: string; type?: string }[];
  org?: { company?: string; department?: string; title?: string };
  urls?: { url?: string; type?: string }[];
  birthday?: string;
}
export interface InboundContactsMessage extends InboundBase {
  type: 'contacts';
  contacts: SharedContact[];
}
export interface InboundReactionMessage extends InboundBase {
  type: 'reaction';
  /** `emoji` is absent or empty when the customer removes a reaction. */
  reaction: { message_id: string; emoji?: string };
}

export type InboundInteractive =
  | { type: 'button_reply'; button_reply: { id: string; title: string } }
  | { type: 'list_reply'; list_reply: { id: string; title: string; description?: string } }
  | { type: 'nfm_reply'; nfm_reply: { response_json: string; body: string; name: string } };
export interface InboundInteractiveMessage extends InboundBase {
  type: 'interactive';
  interactive: InboundInteractive;
}
/** A template quick-reply button was tapped. */
export interface InboundButtonMessage extends InboundBase {
  type: 'button';
  button: { payload: string; text: string };
}
export interface InboundUnsupportedMessage extends InboundBase {
  type: 'unsupported';
  /** `[{ code: 131051, ... }]`. */
  errors: WebhookError[];
  unsupported?: { type?: string };
}
export interface InboundOtherMessage extends InboundBase {
  type: 'system' | 'order' | 'request_welcome';
  [key: string]: unknown;
}

export type InboundMessage =
  | InboundTextMessage
  | InboundImageMessage
  | InboundVideoMessage
  | InboundAudioMessage
  | InboundDocumentMessage
  | InboundStickerMessage
  | InboundLocationMessage
  | InboundContactsMessage
  | InboundReactionMessage
  | InboundInteractiveMessage
  | InboundButtonMessage
  | InboundUnsupportedMessage
  | InboundOtherMessage;

// ---- statuses of outbound messages ----

export type WebhookStatusValue = 'sent' | 'delivered' | 'read' | 'failed';

export interface WebhookPricing {
  /** Deprecated by Meta in favour of type + category, still sent. */
  billable?: boolean;
  /** 'PMP' (per-message pricing) from July 2025; 'CBP' before. */
  pricing_model: string;
  /** 'regular' | 'free_customer_service' | 'free_entry_point' (v24+). */
  type?: string;
  category: 'marketing' | 'utility' | 'authentication' | 'authentication_international' | 'service' | 'referral_conversion' | string;
}

export interface WebhookStatus {
  /** wamid of our outbound message. */
  id: string;
  status: WebhookStatusValue;
  timestamp: string;
  recipient_id: string;
  recipient_user_id?: string;
  /** Echo of what we sent (our message id). */
  biz_opaque_callback_data?: string;
  pricing?: WebhookPricing;
  /** v23 and lower only. */
  conversation?: { id: string; expiration_timestamp?: string; origin?: { type: string } };
  errors?: WebhookError[];
}

// ---- template status ----

export type TemplateStatusEvent =
  | 'APPROVED'
  | 'REJECTED'
  | 'PENDING'
  | 'PAUSED'
  | 'DISABLED'
  | 'FLAGGED'
  | 'IN_APPEAL'
  | 'REINSTATED'
  | 'PENDING_DELETION'
  | 'DELETED'
  | 'LIMIT_EXCEEDED'
  | 'ARCHIVED';

export interface TemplateStatusUpdateValue {
  event: TemplateStatusEvent;
  message_template_id: number;
  message_template_name: string;
  message_template_language: string;
  /** 'NONE' when approved; otherwise e.g. 'INVALID_FORMAT', 'TAG_CONTENT_MISMATCH', 'LOW_QUALITY'. */
  reason: string | null;
  message_template_category?: string;
  disable_info?: { disable_date: string };
  other_info?: { title: string; description: string };
}
