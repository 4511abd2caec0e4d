import crypto from 'node:crypto';
import type { InboundMessage, WebhookContact } from '#whatsapp';
import { MEDIA_TYPES, type MediaType } from './media-rules.js';
import { SandboxAdminError } from './sandbox-admin.error.js';
import { newWamid, phoneDigits } from './sandbox-ids.js';
import type { SandboxMedia, SandboxNumber } from './sandbox-state.types.js';

/**
 * Body of POST /_sandbox/inbound. `type` names the message type and the same-named field carries its body in Meta's
 * inbound shape, except media: `{ caption?, filename?, mime_type?, data_base64?, voice?, animated? }` — the sandbox
 * stores the bytes (a small placeholder when none are given) and puts the new media id in the webhook.
 */
export interface InboundInjection {
  phone_number_id: string;
  /** The customer's number, E.164 with or without '+'; may be '' together with user_id (2026 usernames). */
  from: string;
  type: string;
  profile_name?: string;
  user_id?: string;
  /** Reply to a message: `{ message_id }` (or Meta's `{ id }`), optional forwarded flags. */
  context?: { message_id?: string; id?: string; forwarded?: boolean; frequently_forwarded?: boolean };
  /** Unix seconds (number or string); defaults to now. An old timestamp opens an already-expired window. */
  timestamp?: number | string;
  [typeBody: string]: unknown;
}

type CreateMedia = (kind: MediaType, data: Buffer, mime: string, filename?: string) => SandboxMedia;

const DEFAULT_MIME: Record<MediaType, string> = {
  image: 'image/jpeg',
  video: 'video/mp4',
  audio: 'audio/ogg; codecs=opus',
  document: 'application/pdf',
  sticker: 'image/webp',
};

const INBOUND_TYPES = ['text', ...MEDIA_TYPES, 'location', 'contacts', 'reaction', 'interactive', 'button', 'unsupported'];

export function buildInboundMessage(number: SandboxNumber, input: InboundInjection, createMedia: CreateMedia) {
  if (!input || typeof input !== 'object') throw new SandboxAdminError(400, 'The body must be a JSON object');
  if (typeof input.from !== 'string') throw new SandboxAdminError(400, 'from is required (the customer phone number)');
  const from = phoneDigits(input.from);
  if (from === '' ? typeof input.user_id !== 'string' || !input.user_id : !/^\d{7,15}$/.test(from))
    throw new SandboxAdminError(400, 'from must be a phone number (or empty together with user_id)');
  if (from === number.display_phone_number) throw new SandboxAdminError(400, 'from must differ from the business number');
  const type = input.type;
  if (typeof type !== 'string' || !INBOUND_TYPES.includes(type)) throw new SandboxAdminError(400, `type must be one of ${INBOUND_TYPES.join(', ')}`);

  let seconds = Math.floor(Date.now() / 1000);
  if (input.timestamp !== undefined) {
    seconds = Number(input.timestamp);
    if (!Number.isInteger(seconds) || seconds <= 0) throw new SandboxAdminError(400, 'timestamp must be unix seconds');
  }
  const message: Record<string, unknown> = { from, id: newWamid(from || '0'), timestamp: String(seconds), type };
  if (input.context !== undefined) {
    const c = input.context;
    const quoted = c?.message_id ?? c?.id;
    if (!c || typeof c !== 'object' || typeof quoted !== 'string') throw new SandboxAdminError(400, 'context must be { message_id }');
    message.context = {
      from: number.display_phone_number,
      id: quoted,
      ...(c.forwarded ? { forwarded: true } : {}),
      ...(c.frequently_forwarded ? { frequently_forwarded: true } : {}),
    };
  }

  let mediaId: string | undefined;
  const body = input[type];
  if ((MEDIA_TYPES as readonly string[]).includes(type)) {
    const kind = type as MediaType;
    const m = (body ?? {}) as Record<string, unknown>;
    if (typeof m !== 'object') throw new SandboxAdminError(400, `${type} must be an object`);
    const mime = typeof m.mime_type === 'string' ? m.mime_type : kind === 'audio' && m.voice === false ? 'audio/mpeg' : DEFAULT_MIME[kind];
    const data = typeof m.data_base64 === 'string' ? Buffer.from(m.data_base64, 'base64') : placeholder(kind);
    const filename = kind === 'document' ? (typeof m.filename === 'string' ? m.filename : 'document.pdf') : undefined;
    const record = createMedia(kind, data, mime, filename);
    mediaId = record.id;
    message[type] = {
      ...(typeof m.caption === 'string' && (kind === 'image' || kind === 'video' || kind === 'document') ? { caption: m.caption } : {}),
      ...(filename ? { filename } : {}),
      mime_type: mime,
      sha256: record.sha256,
      id: record.id,
      ...(kind === 'audio' ? { voice: m.voice !== false } : {}),
      ...(kind === 'sticker' ? { animated: record.animated ?? false } : {}),
    };
  } else {
    switch (type) {
      case 'text':
        if (!isObj(body) || typeof body.body !== 'string' || !body.body) throw new SandboxAdminError(400, 'text must be { body }');
        message.text = { body: body.body };
        break;
      case 'location':
        if (!isObj(body) || typeof body.latitude !== 'number' || typeof body.longitude !== 'number')
          throw new SandboxAdminError(400, 'location must be { latitude, longitude, name?, address?, url? }');
        message.location = body;
        break;
      case 'contacts':
        if (!Array.isArray(body) || !body.length || !body.every((c) => isObj(c) && isObj(c.name) && typeof c.name.formatted_name === 'string'))
          throw new SandboxAdminError(400, 'contacts must be a non-empty array of { name: { formatted_name, ... }, phones?, ... }');
        message.contacts = body;
        break;
      case 'reaction':
        if (!isObj(body) || typeof body.message_id !== 'string') throw new SandboxAdminError(400, 'reaction must be { message_id, emoji }');
        message.reaction = { message_id: body.message_id, ...(typeof body.emoji === 'string' && body.emoji ? { emoji: body.emoji } : {}) };
        break;
      case 'interactive':
        message.interactive = interactive(body);
        break;
      case 'button':
        if (!isObj(body) || typeof body.payload !== 'string' || typeof body.text !== 'string') throw new SandboxAdminError(400, 'button must be { payload, text }');
        message.button = { payload: body.payload, text: body.text };
        break;
      case 'unsupported':
        message.errors = [
          { code: 131051, title: 'Message type unknown', message: 'Message type unknown', error_data: { details: 'Message type is currently not supported.' } },
        ];
        message.unsupported = { type: isObj(body) && typeof body.type === 'string' ? body.type : 'unknown' };
        break;
    }
  }
  const contact: WebhookContact = {
    profile: { name: typeof input.profile_name === 'string' && input.profile_name ? input.profile_name : 'Sandbox Customer' },
    wa_id: from,
    ...(typeof input.user_id === 'string' && input.user_id ? { user_id: input.user_id } : {}),
  };
  return { message: message as unknown as InboundMessage, contact, mediaId };
}

function interactive(body: unknown) {
  if (!isObj(body)) throw new SandboxAdminError(400, 'interactive must be { type: button_reply | list_reply | nfm_reply, ... }');
  switch (body.type) {
    case 'button_reply': {
      const r = body.button_reply;
      if (!isObj(r) || typeof r.id !== 'string' || typeof r.title !== 'string') throw new SandboxAdminError(400, 'interactive.button_reply must be { id, title }');
      return { type: 'button_reply', button_reply: { id: r.id, title: r.title } };
    }
    case 'list_reply': {
      const r = body.list_reply;
      if (!isObj(r) || typeof r.id !== 'string' || typeof r.title !== 'string') throw new SandboxAdminError(400, 'interactive.list_reply must be { id, title, description? }');
      return { type: 'list_reply', list_reply: { id: r.id, title: r.title, ...(typeof r.description === 'string' ? { description: r.description } : {}) } };
    }
    case 'nfm_reply': {
      const r = body.nfm_reply;
      if (!isObj(r)) throw new SandboxAdminError(400, 'interactive.nfm_reply must be { response_json, body?, name? }');
      const responseJson = typeof r.response_json === 'string' ? r.response_json : JSON.stringify(r.response_json ?? {});
      return { type: 'nfm_reply', nfm_reply: { response_json: responseJson, body: typeof r.body === 'string' ? r.body : 'Sent', name: typeof r.name === 'string' ? r.name : 'flow' } };
    }
    default:
      throw new SandboxAdminError(400, 'interactive.type must be button_reply, list_reply or nfm_reply');
  }
}

/** Small stand-in files starting with each format's magic bytes (not decodable media). */
function placeholder(kind: MediaType): Buffer {
  const magic: Record<MediaType, Buffer> = {
    image: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]),
    video: Buffer.from('\x00\x00\x00\x18ftypmp42', 'latin1'),
    audio: Buffer.from('OggS\x00\x02', 'latin1'),
    document: Buffer.from('%PDF-1.4\n', 'latin1'),
    sticker: Buffer.from('RIFF\x00\x00\x00\x00WEBPVP8 ', 'latin1'),
  };
  return Buffer.concat([magic[kind], crypto.randomBytes(256)]);
}

function isObj(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}
