import { MEDIA_RULES, MEDIA_TYPES, type MediaType } from './media-rules.js';
import { SandboxGraphError } from './sandbox-graph.error.js';
import { phoneDigits } from './sandbox-ids.js';
import { SandboxNotEmulatedError } from './sandbox-not-emulated.error.js';

/**
 * Validates a `POST /{phone_number_id}/messages` body the way the Cloud API does, with the limits of WHATSAPP.md.
 * Structural problems answer (#100) Invalid parameter, missing values (#131008), bad values (#131009), with
 * Meta-style `details` ("Param text['body'] must be at most 4096 characters long.").
 * Cross-object checks (media ids, templates, the window) are the caller's.
 */

export type OutboundType = 'text' | MediaType | 'location' | 'contacts' | 'reaction' | 'interactive' | 'template';

export interface ValidatedMarkRead {
  kind: 'read';
  messageId: string;
  typing: boolean;
}

export interface ValidatedSend {
  kind: 'send';
  /** `to` exactly as given (echoed as contacts[0].input). */
  input: string;
  toDigits: string;
  type: OutboundType;
  payload: Record<string, unknown>;
  bizOpaque: string | null;
  /** Media referenced by the message: the media message itself or an interactive/template header. */
  media: { type: MediaType; id?: string; link?: string; path: string }[];
}

type Obj = Record<string, unknown>;

const OUTBOUND_TYPES: readonly OutboundType[] = ['text', ...MEDIA_TYPES, 'location', 'contacts', 'reaction', 'interactive', 'template'];
const NOT_EMULATED_TYPES = ['order_details', 'order_status', 'payment', 'voice_call', 'call_permission_request'];

export function validateOutbound(body: unknown): ValidatedSend | ValidatedMarkRead {
  if (!isObj(body)) throw SandboxGraphError.invalidParameter('The request body must be a JSON object.');
  if (body.messaging_product === undefined) {
    throw new SandboxGraphError(100, { message: '(#100) The parameter messaging_product is required.', details: 'The parameter messaging_product is required.' });
  }
  if (body.messaging_product !== 'whatsapp') throw SandboxGraphError.invalidParameter("Param messaging_product must be 'whatsapp'.");

  if (body.status !== undefined) return validateMarkRead(body);

  if (body.recipient_type !== undefined && body.recipient_type !== 'individual') {
    if (body.recipient_type === 'group') throw new SandboxNotEmulatedError('POST /{phone_number_id}/messages with recipient_type group', 'Groups API');
    throw SandboxGraphError.invalidParameter("Param recipient_type must be 'individual'.");
  }
  if (body.to === undefined) throw new SandboxGraphError(100, { message: '(#100) The parameter to is required.', details: 'The parameter to is required.' });
  if (typeof body.to !== 'string') throw SandboxGraphError.invalidParameter('Param to must be a string.');
  const toDigits = phoneDigits(body.to);
  if (!/^\d{7,15}$/.test(toDigits)) throw SandboxGraphError.invalidParameter(`Param to must be a valid WhatsApp phone number, got '${body.to}'.`);

  const type = body.type === undefined ? 'text' : body.type;
  if (typeof type !== 'string') throw SandboxGraphError.invalidParameter('Param type must be a string.');
  if (NOT_EMULATED_TYPES.includes(type)) throw new SandboxNotEmulatedError(`POST /{phone_number_id}/messages with type ${type}`);
  if (!OUTBOUND_TYPES.includes(type as OutboundType)) throw SandboxGraphError.invalidParameter(`Param type must be one of {${OUTBOUND_TYPES.join(', ')}}, got '${type}'.`);

  let bizOpaque: string | null = null;
  if (body.biz_opaque_callback_data !== undefined) {
    if (typeof body.biz_opaque_callback_data !== 'string') throw SandboxGraphError.invalidParameter('Param biz_opaque_callback_data must be a string.');
    if (body.biz_opaque_callback_data.length > 512) throw SandboxGraphError.invalidParameter('Param biz_opaque_callback_data must be at most 512 characters long.');
    bizOpaque = body.biz_opaque_callback_data;
  }
  if (body.context !== undefined) {
    if (type === 'reaction') throw SandboxGraphError.invalidParameter('Param context is not supported for reaction messages.');
    if (!isObj(body.context) || typeof body.context.message_id !== 'string' || !body.context.message_id)
      throw SandboxGraphError.invalidParameter("Param context['message_id'] is required.");
  }

  const raw = body[type];
  if (raw === undefined) throw new SandboxGraphError(100, { message: `(#100) The parameter ${type} is required.`, details: `The parameter ${type} is required.` });
  const media: ValidatedSend['media'] = [];
  let payload: Obj;
  if (type === 'contacts') {
    validateContacts(raw);
    payload = { contacts: raw };
  } else {
    if (!isObj(raw)) throw SandboxGraphError.invalidParameter(`Param ${type} must be a JSON object.`);
    payload = raw;
    switch (type as OutboundType) {
      case 'text':
        validateText(raw);
        break;
      case 'location':
        validateLocation(raw);
        break;
      case 'reaction':
        validateReaction(raw);
        break;
      case 'interactive':
        validateInteractive(raw, media);
        break;
      case 'template':
        validateTemplateShape(raw, media);
        break;
      default:
        media.push(validateMedia(type as MediaType, raw, type));
    }
  }
  return { kind: 'send', input: body.to, toDigits, type: type as OutboundType, payload, bizOpaque, media };
}

function validateMarkRead(body: Obj): ValidatedMarkRead {
  if (body.status !== 'read') throw SandboxGraphError.invalidParameter("Param status must be 'read'.");
  if (typeof body.message_id !== 'string' || !body.message_id) throw SandboxGraphError.invalidParameter('Param message_id is required.');
  let typing = false;
  if (body.typing_indicator !== undefined) {
    if (!isObj(body.typing_indicator) || body.typing_indicator.type !== 'text')
      throw SandboxGraphError.invalidParameter("Param typing_indicator['type'] must be 'text'.");
    typing = true;
  }
  return { kind: 'read', messageId: body.message_id, typing };
}

// ---- per type ----

function validateText(t: Obj): void {
  requireString(t.body, "text['body']", 4096);
  if (t.preview_url !== undefined && typeof t.preview_url !== 'boolean') throw SandboxGraphError.invalidParameter("Param text['preview_url'] must be a boolean.");
}

function validateMedia(type: MediaType, m: Obj, path: string): ValidatedSend['media'][number] {
  const rule = MEDIA_RULES[type];
  const hasId = m.id !== undefined;
  const hasLink = m.link !== undefined;
  if (hasId === hasLink) throw SandboxGraphError.invalidParameter(`Param ${path} must have exactly one of 'id' or 'link'.`);
  if (hasId && (typeof m.id !== 'string' || !/^\d+$/.test(m.id))) throw SandboxGraphError.invalidParameter(`Param ${path}['id'] must be a media id.`);
  if (hasLink) requireUrl(m.link, `${path}['link']`);
  if (m.caption !== undefined) {
    if (!rule.caption) throw SandboxGraphError.invalidParameter(`Param ${path}['caption'] is not supported for ${type} messages.`);
    requireString(m.caption, `${path}['caption']`, 1024, 0);
  }
  if (m.filename !== undefined) {
    if (!rule.filename) throw SandboxGraphError.invalidParameter(`Param ${path}['filename'] is only supported for documents.`);
    requireString(m.filename, `${path}['filename']`, 240);
  }
  if (m.voice !== undefined && (type !== 'audio' || typeof m.voice !== 'boolean'))
    throw SandboxGraphError.invalidParameter(`Param ${path}['voice'] must be a boolean on audio messages.`);
  return { type, path, ...(hasId ? { id: m.id as string } : { link: m.link as string }) };
}

function validateLocation(l: Obj): void {
  const lat = Number(l.latitude);
  const lng = Number(l.longitude);
  if (l.latitude === undefined || l.longitude === undefined) throw SandboxGraphError.missing("Param location['latitude'] and location['longitude'] are required.");
  if (!(typeof l.latitude === 'number' || typeof l.latitude === 'string') || !Number.isFinite(lat) || lat < -90 || lat > 90)
    throw SandboxGraphError.invalidValue("Param location['latitude'] must be a number from -90 to 90.");
  if (!(typeof l.longitude === 'number' || typeof l.longitude === 'string') || !Number.isFinite(lng) || lng < -180 || lng > 180)
    throw SandboxGraphError.invalidValue("Param location['longitude'] must be a number from -180 to 180.");
  if (l.name !== undefined) requireString(l.name, "location['name']", 1000);
  if (l.address !== undefined) requireString(l.address, "location['address']", 1000);
}

function validateContacts(c: unknown): void {
  if (!Array.isArray(c) || c.length === 0) throw SandboxGraphError.invalidParameter('Param contacts must be a non-empty array.');
  c.forEach((contact, i) => {
    const p = `contacts[${i}]`;
    if (!isObj(contact)) throw SandboxGraphError.invalidParameter(`Param ${p} must be a JSON object.`);
    if (!isObj(contact.name)) throw SandboxGraphError.missing(`Param ${p}['name'] is required.`);
    requireString(contact.name.formatted_name, `${p}['name']['formatted_name']`, 1000);
    const parts = ['first_name', 'last_name', 'middle_name', 'suffix', 'prefix'];
    if (!parts.some((k) => typeof (contact.name as Obj)[k] === 'string' && (contact.name as Obj)[k] !== ''))
      throw SandboxGraphError.missing(`Param ${p}['name'] requires at least one of ${parts.join(', ')} besides formatted_name.`);
    for (const list of ['phones', 'emails', 'urls', 'addresses']) {
      if (contact[list] !== undefined && !Array.isArray(contact[list])) throw SandboxGraphError.invalidParameter(`Param ${p}['${list}'] must be an array.`);
    }
  });
}

function validateReaction(r: Obj): void {
  requireString(r.message_id, "reaction['message_id']", 1000);
  if (typeof r.emoji !== 'string') throw SandboxGraphError.invalidParameter("Param reaction['emoji'] is required (an empty string removes the reaction).");
  if ([...r.emoji].length > 8) throw SandboxGraphError.invalidValue("Param reaction['emoji'] must be a single emoji.");
}

// ---- interactive ----

function validateInteractive(i: Obj, media: ValidatedSend['media']): void {
  const kind = i.type;
  if (typeof kind !== 'string') throw SandboxGraphError.missing("Param interactive['type'] is required.");
  if (['product', 'product_list', 'catalog_message', 'address_message'].includes(kind))
    throw new SandboxNotEmulatedError(`POST /{phone_number_id}/messages with interactive type ${kind}`, 'needs a catalog or a country-specific feature');
  if (!isObj(i.action)) throw SandboxGraphError.missing("Param interactive['action'] is required.");
  const action = i.action;
  switch (kind) {
    case 'button': {
      interactiveHeader(i, ['text', 'image', 'video', 'document'], media);
      interactiveBody(i, 1024, true);
      interactiveFooter(i);
      const buttons = action.buttons;
      if (!Array.isArray(buttons) || buttons.length < 1 || buttons.length > 3) throw SandboxGraphError.invalidValue("Param interactive['action']['buttons'] must have 1 to 3 buttons.");
      const titles = new Set<string>();
      const ids = new Set<string>();
      buttons.forEach((b, n) => {
        const p = `interactive['action']['buttons'][${n}]`;
        if (!isObj(b) || b.type !== 'reply' || !isObj(b.reply)) throw SandboxGraphError.invalidParameter(`Param ${p} must be { type: 'reply', reply: { id, title } }.`);
        requireString(b.reply.id, `${p}['reply']['id']`, 256);
        const title = b.reply.title;
        if (typeof title !== 'string' || title.trim() === '' || [...title].length > 20)
          throw SandboxGraphError.invalidValue(`Button title length invalid. Min length: 1, Max length: 20 (${p}['reply']['title']).`);
        if (titles.has(title.trim().toLowerCase())) throw SandboxGraphError.invalidValue('Duplicate button title.');
        if (ids.has(b.reply.id as string)) throw SandboxGraphError.invalidValue('Duplicate button id.');
        titles.add(title.trim().toLowerCase());
        ids.add(b.reply.id as string);
      });
      return;
    }
    case 'list': {
      interactiveHeader(i, ['text'], media);
      interactiveBody(i, 4096, true);
      interactiveFooter(i);
      const button = action.button;
      if (typeof button !== 'string' || button.trim() === '' || [...button].length > 20)
        throw SandboxGraphError.invalidValue("Param interactive['action']['button'] must be 1 to 20 characters long.");
      const sections = action.sections;
      if (!Array.isArray(sections) || sections.length < 1 || sections.length > 10)
        throw SandboxGraphError.invalidValue("Param interactive['action']['sections'] must have 1 to 10 sections.");
      let rows = 0;
      const rowIds = new Set<string>();
      sections.forEach((s, n) => {
        const p = `interactive['action']['sections'][${n}]`;
        if (!isObj(s)) throw SandboxGraphError.invalidParameter(`Param ${p} must be a JSON object.`);
        if (s.title !== undefined || sections.length > 1) requireString(s.title, `${p}['title']`, 24);
        if (!Array.isArray(s.rows) || s.rows.length === 0) throw SandboxGraphError.invalidValue(`Param ${p}['rows'] must be a non-empty array.`);
        s.rows.forEach((r, m) => {
          const rp = `${p}['rows'][${m}]`;
          if (!isObj(r)) throw SandboxGraphError.invalidParameter(`Param ${rp} must be a JSON object.`);
          requireString(r.id, `${rp}['id']`, 200);
          requireString(r.title, `${rp}['title']`, 24);
          if (r.description !== undefined) requireString(r.description, `${rp}['description']`, 72, 0);
          if (rowIds.has(r.id as string)) throw SandboxGraphError.invalidValue('Duplicate row id.');
          rowIds.add(r.id as string);
          rows++;
        });
      });
      if (rows > 10) throw SandboxGraphError.invalidValue(`Total row count exceed max allowed count: 10 (got ${rows}).`);
      return;
    }
    case 'cta_url': {
      interactiveHeader(i, ['text', 'image', 'video', 'document'], media);
      interactiveBody(i, 1024, true);
      interactiveFooter(i);
      if (action.name !== 'cta_url') throw SandboxGraphError.invalidParameter("Param interactive['action']['name'] must be 'cta_url'.");
      ctaParameters(action.parameters, "interactive['action']['parameters']");
      return;
    }
    case 'carousel': {
      interactiveBody(i, 1024, true);
      if (i.header !== undefined) throw SandboxGraphError.invalidParameter("Param interactive['header'] is not supported on carousels (cards carry headers).");
      const cards = action.cards;
      if (!Array.isArray(cards) || cards.length < 2 || cards.length > 10) throw SandboxGraphError.invalidValue("Param interactive['action']['cards'] must have 2 to 10 cards.");
      let headerType: string | undefined;
      cards.forEach((c, n) => {
        const p = `interactive['action']['cards'][${n}]`;
        if (!isObj(c)) throw SandboxGraphError.invalidParameter(`Param ${p} must be a JSON object.`);
        if (c.card_index !== n) throw SandboxGraphError.invalidValue(`Param ${p}['card_index'] must be ${n}.`);
        if (c.type !== 'cta_url') throw SandboxGraphError.invalidParameter(`Param ${p}['type'] must be 'cta_url'.`);
        if (!isObj(c.header) || (c.header.type !== 'image' && c.header.type !== 'video'))
          throw SandboxGraphError.invalidParameter(`Param ${p}['header'] must be an image or video header.`);
        if (headerType && c.header.type !== headerType) throw SandboxGraphError.invalidValue('All carousel cards must have the same header type.');
        headerType = c.header.type;
        const ht = c.header.type as 'image' | 'video';
        if (!isObj(c.header[ht])) throw SandboxGraphError.missing(`Param ${p}['header']['${ht}'] is required.`);
        media.push(validateMedia(ht, c.header[ht] as Obj, `${p}['header']['${ht}']`));
        if (c.body !== undefined) {
          if (!isObj(c.body)) throw SandboxGraphError.invalidParameter(`Param ${p}['body'] must be a JSON object.`);
          requireString(c.body.text, `${p}['body']['text']`, 160);
        }
        if (!isObj(c.action) || c.action.name !== 'cta_url') throw SandboxGraphError.invalidParameter(`Param ${p}['action']['name'] must be 'cta_url'.`);
        ctaParameters(c.action.parameters, `${p}['action']['parameters']`);
      });
      return;
    }
    case 'flow': {
      interactiveHeader(i, ['text'], media);
      interactiveBody(i, 1024, true);
      interactiveFooter(i);
      if (action.name !== 'flow' || !isObj(action.parameters)) throw SandboxGraphError.invalidParameter("Param interactive['action'] must be { name: 'flow', parameters }.");
      const params = action.parameters;
      if (params.flow_id === undefined && params.flow_name === undefined) throw SandboxGraphError.missing('flow_id or flow_name is required.');
      requireString(params.flow_cta, "interactive['action']['parameters']['flow_cta']", 30);
      return;
    }
    case 'location_request_message': {
      interactiveBody(i, 1024, true);
      if (action.name !== 'send_location') throw SandboxGraphError.invalidParameter("Param interactive['action']['name'] must be 'send_location'.");
      return;
    }
    default:
      throw SandboxGraphError.invalidParameter(
        `Param interactive['type'] must be one of {button, list, cta_url, carousel, flow, location_request_message}, got '${kind}'.`,
      );
  }
}

function interactiveHeader(i: Obj, allowed: string[], media: ValidatedSend['media']): void {
  if (i.header === undefined) return;
  const h = i.header;
  if (!isObj(h) || typeof h.type !== 'string' || !allowed.includes(h.type))
    throw SandboxGraphError.invalidParameter(`Param interactive['header']['type'] must be one of {${allowed.join(', ')}}.`);
  if (h.type === 'text') {
    requireString(h.text, "interactive['header']['text']", 60);
    return;
  }
  const t = h.type as MediaType;
  if (!isObj(h[t])) throw SandboxGraphError.missing(`Param interactive['header']['${t}'] is required.`);
  media.push(validateMedia(t, h[t] as Obj, `interactive['header']['${t}']`));
}

function interactiveBody(i: Obj, max: number, required: boolean): void {
  if (i.body === undefined) {
    if (required) throw SandboxGraphError.missing("Param interactive['body'] is required.");
    return;
  }
  if (!isObj(i.body)) throw SandboxGraphError.invalidParameter("Param interactive['body'] must be a JSON object.");
  requireString(i.body.text, "interactive['body']['text']", max);
}

function interactiveFooter(i: Obj): void {
  if (i.footer === undefined) return;
  if (!isObj(i.footer)) throw SandboxGraphError.invalidParameter("Param interactive['footer'] must be a JSON object.");
  requireString(i.footer.text, "interactive['footer']['text']", 60);
}

function ctaParameters(p: unknown, path: string): void {
  if (!isObj(p)) throw SandboxGraphError.missing(`Param ${path} is required.`);
  requireString(p.display_text, `${path}['display_text']`, 20);
  requireUrl(p.url, `${path}['url']`);
}

// ---- template (shape only; the template itself is checked against the WABA's templates) ----

function validateTemplateShape(t: Obj, media: ValidatedSend['media']): void {
  requireString(t.name, "template['name']", 512);
  if (!isObj(t.language) || typeof t.language.code !== 'string' || !t.language.code) throw SandboxGraphError.missing("Param template['language']['code'] is required.");
  if (t.language.policy !== undefined && t.language.policy !== 'deterministic') throw SandboxGraphError.invalidParameter("Param template['language']['policy'] must be 'deterministic'.");
  if (t.components === undefined) return;
  if (!Array.isArray(t.components)) throw SandboxGraphError.invalidParameter("Param template['components'] must be an array.");
  t.components.forEach((c, n) => {
    const p = `template['components'][${n}]`;
    if (!isObj(c) || typeof c.type !== 'string') throw SandboxGraphError.invalidParameter(`Param ${p}['type'] is required.`);
    const type = c.type.toLowerCase();
    if (!['header', 'body', 'button', 'footer'].includes(type)) throw SandboxGraphError.invalidParameter(`Param ${p}['type'] must be one of {header, body, button}.`);
    if (c.parameters !== undefined && !Array.isArray(c.parameters)) throw SandboxGraphError.invalidParameter(`Param ${p}['parameters'] must be an array.`);
    const params = (c.parameters ?? []) as unknown[];
    params.forEach((param, m) => {
      const pp = `${p}['parameters'][${m}]`;
      if (!isObj(param) || typeof param.type !== 'string') throw SandboxGraphError.invalidParameter(`Param ${pp}['type'] is required.`);
      const pt = param.type;
      if (pt === 'image' || pt === 'video' || pt === 'document') {
        if (!isObj(param[pt])) throw SandboxGraphError.missing(`Param ${pp}['${pt}'] is required.`);
        media.push(validateMedia(pt, param[pt] as Obj, `${pp}['${pt}']`));
      }
    });
  });
}

// ---- helpers ----

function isObj(v: unknown): v is Obj {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function requireString(v: unknown, path: string, max: number, min = 1): void {
  if (v === undefined || v === null) throw SandboxGraphError.missing(`Param ${path} is required.`);
  if (typeof v !== 'string') throw SandboxGraphError.invalidParameter(`Param ${path} must be a string.`);
  // Meta counts characters (code points), not UTF-16 units.
  const len = [...v].length;
  if (len < min || (min > 0 && v.trim() === '')) throw SandboxGraphError.invalidParameter(`Param ${path} must be at least ${min} characters long.`);
  if (len > max) throw SandboxGraphError.invalidParameter(`Param ${path} must be at most ${max} characters long.`);
}

function requireUrl(v: unknown, path: string): void {
  requireString(v, path, 2000);
  let url: URL;
  try {
    url = new URL(v as string);
  } catch {
    throw SandboxGraphError.invalidParameter(`Param ${path} must be a valid URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw SandboxGraphError.invalidParameter(`Param ${path} must be an http(s) URL.`);
}
