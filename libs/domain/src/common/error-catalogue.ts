/**
 * The one error catalogue. Every error a client can see has a stable snake_case code, an HTTP status and a type.
 * REST renders `{ error: { type, code, message, param?, request_id } }`; MCP renders the same JSON as an
 * `isError` tool result with `hint` (one sentence on what to do next).
 */
export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'conflict_error'
  | 'unprocessable_error'
  | 'rate_limit_error'
  | 'upstream_error'
  | 'api_error';

export interface CatalogueEntry {
  status: number;
  type: ErrorType;
  message: string;
  /** What a person or an assistant should do next. */
  hint?: string;
}

export const ERROR_CATALOGUE = {
  // 400: malformed input
  validation_failed: { status: 400, type: 'invalid_request_error', message: 'The request is invalid.', hint: 'Fix the named parameter and retry.' },
  invalid_json: { status: 400, type: 'invalid_request_error', message: 'The request body is not valid JSON.' },
  unknown_parameter: { status: 400, type: 'invalid_request_error', message: 'The request has a parameter that is not allowed.', hint: 'Remove the named parameter.' },
  invalid_cursor: { status: 400, type: 'invalid_request_error', message: 'The pagination cursor is invalid.', hint: 'Use next_cursor exactly as a list returned it.' },
  invalid_phone_number: { status: 400, type: 'invalid_request_error', message: 'The phone number is not a valid E.164 number.', hint: 'Use the international format with country code, e.g. +628123456789.' },
  invalid_idempotency_key: { status: 400, type: 'invalid_request_error', message: 'Idempotency-Key must be 1-255 printable ASCII characters.' },
  // 401 / 403
  missing_api_key: { status: 401, type: 'authentication_error', message: 'No API key was provided.', hint: 'Send Authorization: Bearer <key> or X-API-Key: <key>.' },
  invalid_api_key: { status: 401, type: 'authentication_error', message: 'The API key is invalid or has been revoked.', hint: 'Create a new key with `npm run cli -- keys create`.' },
  invalid_signature: { status: 401, type: 'authentication_error', message: 'X-Hub-Signature-256 is missing or does not match the payload.', hint: 'Sign the raw body with HMAC-SHA256 and the Meta app secret.' },
  invalid_realtime_token: { status: 401, type: 'authentication_error', message: 'The realtime token is invalid or expired.' },
  insufficient_scope: { status: 403, type: 'permission_error', message: 'This API key is read-only.', hint: 'Use a key with the full scope for writes.' },
  test_key_live_number: { status: 403, type: 'permission_error', message: 'Test keys (kdv_test_) may only use sandbox numbers.', hint: 'Use a live key, or a sandbox number.' },
  origin_not_allowed: { status: 403, type: 'permission_error', message: 'The Origin of this request is not allowed.' },
  // 404
  not_found: { status: 404, type: 'not_found_error', message: 'The requested resource does not exist.' },
  route_not_found: { status: 404, type: 'not_found_error', message: 'No such route.' },
  // 405 / 406 / 409 / 413 / 415
  method_not_allowed: { status: 405, type: 'invalid_request_error', message: 'This method is not allowed on this route.' },
  idempotency_in_progress: { status: 409, type: 'conflict_error', message: 'A request with this Idempotency-Key is still in progress.', hint: 'Retry after the first request has finished.' },
  already_exists: { status: 409, type: 'conflict_error', message: 'A resource with these unique fields already exists.' },
  phone_number_already_connected: { status: 409, type: 'conflict_error', message: 'This WhatsApp number is already connected to an organization.' },
  payload_too_large: { status: 413, type: 'invalid_request_error', message: 'The request body is too large.' },
  unsupported_media_type: { status: 415, type: 'invalid_request_error', message: 'Content-Type must be application/json.' },
  // 422: well-formed but not allowed now
  idempotency_key_reuse: { status: 422, type: 'unprocessable_error', message: 'This Idempotency-Key was already used with a different request.', hint: 'Use a new key for a different request.' },
  outside_24h_window: { status: 422, type: 'unprocessable_error', message: 'The 24-hour customer service window is closed for this contact.', hint: 'Send an approved template instead; list_templates shows them.' },
  template_not_approved: { status: 422, type: 'unprocessable_error', message: 'The template is not approved.', hint: 'Use an APPROVED template; list_templates shows them.' },
  template_not_found: { status: 422, type: 'unprocessable_error', message: 'No template with this name and language exists for this number.', hint: 'Check list_templates for names and languages.' },
  template_parameter_mismatch: { status: 422, type: 'unprocessable_error', message: 'The template parameters do not match its components.', hint: 'Send exactly the parameters the template declares.' },
  phone_number_required: { status: 422, type: 'unprocessable_error', message: 'phone_number_id is required because the organization has several numbers.', hint: 'Call list_phone_numbers and pass one id.' },
  no_phone_number: { status: 422, type: 'unprocessable_error', message: 'The organization has no connected phone number.', hint: 'Connect a number first (POST /v1/phone_numbers, or { "sandbox": true }).' },
  phone_number_paused: { status: 422, type: 'unprocessable_error', message: 'Sends from this number are paused.', hint: 'Update its access token with PATCH /v1/phone_numbers/{id}.' },
  not_a_sandbox_number: { status: 422, type: 'unprocessable_error', message: 'This operation is only available for sandbox numbers.' },
  invalid_state: { status: 422, type: 'unprocessable_error', message: 'The resource is not in a state that allows this operation.' },
  meta_verification_failed: { status: 422, type: 'unprocessable_error', message: 'Meta rejected the phone number credentials.' },
  meta_request_failed: { status: 422, type: 'unprocessable_error', message: 'Meta rejected the request.', hint: 'Read the Graph API error in details, fix the request and retry.' },
  phone_number_limit_reached: { status: 422, type: 'unprocessable_error', message: 'The organization has connected as many phone numbers as its plan allows.', hint: 'Disconnect a number or upgrade the plan.' },
  media_not_ready: { status: 422, type: 'unprocessable_error', message: 'The media has not been downloaded yet, or its download failed.', hint: 'Retry in a few seconds; a failed download is not retried.' },
  webhook_url_not_allowed: { status: 422, type: 'unprocessable_error', message: 'The webhook URL is not allowed.', hint: 'Use a public https URL; private, loopback, link-local and metadata addresses are refused.' },
  webhook_url_unresolvable: { status: 422, type: 'unprocessable_error', message: 'The webhook URL\'s host name does not resolve.', hint: 'Check the host name, or create its DNS record first.' },
  webhook_subscription_disabled: { status: 422, type: 'unprocessable_error', message: 'The webhook subscription is disabled.', hint: 'Re-enable it with PATCH /v1/webhook_subscriptions/{id} {"status":"active"}, then replay.' },
  send_at_out_of_range: { status: 422, type: 'unprocessable_error', message: 'send_at must be in the future and at most 30 days ahead.', hint: 'Pass an ISO 8601 time with a timezone between now and 30 days ahead, or omit send_at to send now.' },
  contact_opted_out: { status: 422, type: 'unprocessable_error', message: 'The contact opted out of marketing messages.', hint: 'Send a utility or authentication template, or a free-form reply while the 24-hour window is open; marketing templates are refused until the contact opts back in.' },
  guard_rail_recipient_not_allowed: { status: 422, type: 'unprocessable_error', message: 'Assistant sends are limited to an allow-list of recipients, and this number is not on it.', hint: 'Send only to the numbers on the allow-list, or ask a person to add this number (PATCH /v1/settings, mcp_recipient_allow_list).' },
  guard_rail_recipient_rate: { status: 422, type: 'unprocessable_error', message: 'The assistant reached its limit of messages to this recipient in the last hour.', hint: 'Do not retry before the time the message names; ask a person to send it if it cannot wait (the limit is mcp_max_messages_per_recipient_per_hour in /v1/settings).' },
  guard_rail_new_recipients: { status: 422, type: 'unprocessable_error', message: 'The assistant reached its daily limit of new recipients.', hint: 'Message only contacts who already have a conversation, or ask a person to send it or to raise mcp_max_new_recipients_per_day in /v1/settings.' },
  // 429
  rate_limited: { status: 429, type: 'rate_limit_error', message: 'Too many requests.', hint: 'Wait for the number of seconds in Retry-After, then retry.' },
  // 5xx
  upstream_unavailable: { status: 502, type: 'upstream_error', message: 'The WhatsApp Cloud API could not be reached.' },
  service_unavailable: { status: 503, type: 'api_error', message: 'The service is starting or shutting down.' },
  internal_error: { status: 500, type: 'api_error', message: 'An unexpected error occurred.', hint: 'Retry later; quote the request_id when reporting it.' },
} as const satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;
