/**
 * Meta's Cloud API error codes as Meta documents them: title (the text after `(#code)` in `message`), the HTTP status
 * of a synchronous answer, and a typical `error_data.details`. The sandbox answers with these; the client and the
 * classifier read titles from here. Codes 200-299 share one row (`metaErrorInfo` resolves the range).
 */
export interface MetaErrorInfo {
  title: string;
  httpStatus: number;
  details: string;
}

export const META_ERROR_CODES: Readonly<Record<number, MetaErrorInfo>> = {
  0: { title: 'AuthException', httpStatus: 401, details: 'We were unable to authenticate the app user.' },
  1: { title: 'API Unknown', httpStatus: 400, details: 'Invalid request or possible server error.' },
  2: { title: 'API Service', httpStatus: 503, details: 'Temporary due to downtime or due to being overloaded.' },
  3: { title: 'API Method', httpStatus: 500, details: 'Capability or permissions issue.' },
  4: { title: 'API Too Many Calls', httpStatus: 429, details: 'The app has reached its API call rate limit.' },
  10: { title: 'Permission Denied', httpStatus: 403, details: 'Permission is either not granted or has been removed.' },
  33: { title: 'Parameter value is not valid', httpStatus: 400, details: 'The business phone number has been deleted.' },
  100: { title: 'Invalid parameter', httpStatus: 400, details: 'The request included one or more unsupported or misspelled parameters.' },
  190: { title: 'Access token has expired', httpStatus: 401, details: 'Your access token has expired.' },
  200: { title: 'API Permission', httpStatus: 403, details: 'Permission is either not granted or has been removed.' },
  368: { title: 'Temporarily blocked for policies violations', httpStatus: 403, details: 'The WhatsApp Business Account associated with the app has been restricted or disabled for violating a platform policy.' },
  80007: { title: 'Rate limit issues', httpStatus: 400, details: 'The WhatsApp Business Account has reached its rate limit.' },
  130429: { title: 'Rate limit hit', httpStatus: 400, details: 'Message failed to send because there were too many messages sent from this phone number in a short period of time.' },
  130497: { title: 'Business account is restricted from messaging users in this country', httpStatus: 403, details: 'The WhatsApp Business Account is restricted from messaging users in this country.' },
  131000: { title: 'Something went wrong', httpStatus: 500, details: 'Message failed to send due to an unknown error.' },
  131005: { title: 'Access denied', httpStatus: 403, details: 'Permission is either not granted or has been removed.' },
  131008: { title: 'Required parameter is missing', httpStatus: 400, details: 'The request is missing a required parameter.' },
  131009: { title: 'Parameter value is not valid', httpStatus: 400, details: 'One or more parameter values are invalid.' },
  131016: { title: 'Service unavailable', httpStatus: 503, details: 'A service is temporarily unavailable.' },
  131021: { title: 'Recipient cannot be sender', httpStatus: 400, details: 'Sender and recipient phone number is the same.' },
  131026: { title: 'Message undeliverable', httpStatus: 400, details: 'Message Undeliverable.' },
  131031: { title: 'Account has been locked', httpStatus: 403, details: 'The WhatsApp Business Account associated with the app has been restricted or disabled for violating a platform policy, or we were unable to verify data included in the request against data set on the WhatsApp Business Account.' },
  131047: { title: 'Re-engagement message', httpStatus: 400, details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.' },
  131048: { title: 'Spam rate limit hit', httpStatus: 400, details: 'Message failed to send because there are restrictions on how many messages can be sent from this phone number. This may be because too many previous messages were blocked or flagged as spam.' },
  131049: { title: 'This message was not delivered to maintain healthy ecosystem engagement.', httpStatus: 400, details: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.' },
  131050: { title: 'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.', httpStatus: 400, details: 'The recipient has stopped marketing messages from this business.' },
  131051: { title: 'Unsupported message type', httpStatus: 400, details: 'Message type is not currently supported.' },
  131052: { title: 'Media download error', httpStatus: 400, details: 'Unable to download the media sent by the user.' },
  131053: { title: 'Media upload error', httpStatus: 400, details: 'Unable to upload the media used in the message.' },
  131056: { title: '(Business Account, Consumer Account) pair rate limit hit', httpStatus: 400, details: 'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.' },
  131057: { title: 'Account in maintenance mode', httpStatus: 500, details: 'Business Account is in maintenance mode.' },
  132000: { title: 'Number of parameters does not match the expected number of params', httpStatus: 400, details: 'The number of variable parameter values included in the request did not match the number of variable parameters defined in the template.' },
  132001: { title: 'Template does not exist', httpStatus: 404, details: 'The template does not exist in the specified language or the template has not been approved.' },
  132005: { title: 'Translated text too long', httpStatus: 400, details: 'Translated text is too long.' },
  132007: { title: 'Template Format Character Policy Violated', httpStatus: 400, details: 'Template content violates a WhatsApp policy.' },
  132012: { title: 'Parameter format does not match format in the created template', httpStatus: 400, details: 'Variable parameter values formatted incorrectly.' },
  132015: { title: 'Template is Paused', httpStatus: 400, details: 'Template is paused due to low quality so it cannot be sent in a template message.' },
  132016: { title: 'Template is Disabled', httpStatus: 400, details: 'Template has been paused too many times due to low quality and is now permanently disabled.' },
  133004: { title: 'Server Temporarily Unavailable', httpStatus: 503, details: 'Server is temporarily unavailable.' },
  135000: { title: 'Generic user error', httpStatus: 400, details: 'Message failed to send because of an unknown error with your request parameters.' },
};

export const META_ERROR_DOCS_URL = 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/';

/** The documented row for a code (200-299 share the `API Permission` row); undefined for codes Meta does not list. */
export function metaErrorInfo(code: number): MetaErrorInfo | undefined {
  if (code >= 200 && code <= 299) return META_ERROR_CODES[200];
  return META_ERROR_CODES[code];
}
