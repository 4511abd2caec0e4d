/**
 * Concise renderings for tool results: one line per object, the ids a model needs for its next call, nothing
 * else. They read the wire shapes (the presenters' output), so concise and detailed can never disagree.
 */
import type { presentContact } from '#domain/contacts/contact.presenter.js';
import type { presentConversation, presentContactSummary } from '#domain/conversations/conversation.presenter.js';
import type { presentMessage } from '#domain/messages/message.presenter.js';
import type { presentPhoneNumber } from '#domain/phone-numbers/phone-number.presenter.js';
import type { presentTemplate } from '#domain/templates/template.presenter.js';

type ContactWire = Pick<ReturnType<typeof presentContactSummary>, 'id' | 'name' | 'profile_name' | 'phone' | 'user_id'>;
type ConversationWire = ReturnType<typeof presentConversation>;
type MessageWire = ReturnType<typeof presentMessage>;
/** Message bodies are Cloud API objects of many shapes; the gist reads a few well-known fields. */
type Body = { [key: string]: Body | string | number | undefined } | undefined;

const clip = (s: unknown, n = 80): string => {
  const text = typeof s === 'string' ? s.replace(/\s+/g, ' ').trim() : '';
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
};

/** 2026-01-31 09:15 UTC: minutes are enough for a model and cost fewer tokens than full ISO strings. */
export const when = (iso: unknown): string =>
  typeof iso === 'string' ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : 'never';

export function contactLabel(c: Partial<ContactWire> | null | undefined): string {
  if (!c) return 'unknown contact';
  const name = c.name || c.profile_name;
  const phone = c.phone ?? (c.user_id ? `user ${c.user_id}` : null);
  return [name, phone && (name ? `(${phone})` : phone)].filter(Boolean).join(' ') || c.id || 'unknown contact';
}

export function contactLine(c: ReturnType<typeof presentContact>): string {
  const extras = [c.email, c.opted_out ? 'opted out of marketing' : null].filter(Boolean).join(', ');
  return `${c.id} ${contactLabel(c)}${extras ? ` — ${extras}` : ''}`;
}

export function conversationLine(c: ConversationWire): string {
  const window = c.window_open ? `window open until ${when(c.window_expires_at)}` : 'window closed (templates only)';
  const unread = c.unread_count ? `, ${c.unread_count} unread` : '';
  const last = c.last_message_preview
    ? ` — last: "${clip(c.last_message_preview, 60)}" (${when(c.last_message_at)})`
    : '';
  return `${c.id} with ${contactLabel(c.contact)} [${c.contact_id}] on ${c.phone_number_id}: ${c.status}${unread}, ${window}${last}`;
}

/** What a message says, whatever its type. */
export function messageGist(m: Pick<MessageWire, 'type'> & Record<string, unknown>): string {
  const body = m[m.type] as Body;
  const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined);
  const at = (...path: string[]): string | undefined => {
    let v: unknown = body;
    for (const k of path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
    return str(v);
  };
  switch (m.type) {
    case 'text':
      return `"${clip(at('body'), 200)}"`;
    case 'template':
      return `[template ${at('name') ?? '?'} / ${at('language', 'code') ?? '?'}]`;
    case 'interactive':
      return `[interactive ${at('type') ?? ''}] "${clip(at('body', 'text') ?? at('button_reply', 'title') ?? at('list_reply', 'title'), 120)}"`;
    case 'image':
    case 'video':
    case 'document':
    case 'audio':
    case 'sticker':
      return `[${m.type}]${at('caption') ? ` "${clip(at('caption'), 120)}"` : ''}`;
    case 'reaction':
      return `[reaction ${at('emoji') ?? ''}]`;
    case 'location':
      return `[location ${at('name') ?? ''} ${at('latitude') ?? ''},${at('longitude') ?? ''}]`.replace(/\s+]/, ']');
    default:
      return `[${m.type}]`;
  }
}

export function messageLine(m: MessageWire): string {
  // The presenter's union (outbound vs inbound fields) is read through one loose view.
  const t = m as Partial<Record<'sent_at' | 'queued_at' | 'received_at', string | null>>;
  const at = when(
    m.direction === 'outbound' ? (t.sent_at ?? t.queued_at ?? m.created_at) : (t.received_at ?? m.created_at),
  );
  const arrow = m.direction === 'outbound' ? 'us →' : '→ us';
  const failed = m.status === 'failed' && m.error ? ` (${m.error.code}: ${clip(m.error.message, 100)})` : '';
  return `${at} ${arrow} ${messageGist(m)} — ${m.status}${failed} [${m.id}]`;
}

export function phoneNumberLine(p: ReturnType<typeof presentPhoneNumber>): string {
  const flags = [
    p.status,
    p.is_sandbox ? 'sandbox' : null,
    p.paused_reason ? `paused: ${clip(p.paused_reason, 60)}` : null,
  ]
    .filter(Boolean)
    .join(', ');
  return `${p.id} ${p.display_phone_number ?? ''}${p.verified_name ? ` "${p.verified_name}"` : ''} (Meta phone_number_id ${p.phone_number_id}) — ${flags}`;
}

export function templateLine(t: ReturnType<typeof presentTemplate>): string {
  const params =
    t.parameters && Object.keys(t.parameters).length
      ? ` — parameters: ${JSON.stringify(t.parameters)}`
      : ' — no parameters';
  return `${t.name} / ${t.language} (${t.category}, ${t.status})${params}`;
}

/** The tail of a page: how to get more, if there is more. */
export function pageFooter(list: { has_more: boolean; next_cursor: string | null }): string {
  return list.has_more ? `\nMore results: call again with cursor "${list.next_cursor}".` : '';
}

export function listSummary<T>(
  list: { data: T[]; has_more: boolean; next_cursor: string | null },
  noun: [string, string],
  line: (x: T) => string,
): string {
  if (!list.data.length) return `No ${noun[1]} found.`;
  const head = `${list.data.length} ${list.data.length === 1 ? noun[0] : noun[1]}${list.has_more ? ' (more available)' : ''}:`;
  return [head, ...list.data.map((x) => `- ${line(x)}`)].join('\n') + pageFooter(list);
}
