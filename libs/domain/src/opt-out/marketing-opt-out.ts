import { AppError } from '../common/app-error.js';
import { normalizeKeyword, type OrganizationSettings } from '../settings/organization-settings.js';

export type KeywordIntent = 'opt_out' | 'opt_in';

/**
 * What an inbound message asks for when its whole text (trimmed, case-insensitive, inner spaces collapsed) is one
 * of the organization's keywords: a text body, or the text of a tapped template quick-reply button ("STOP").
 */
export function keywordIntent(
  type: string,
  content: unknown,
  s: Pick<OrganizationSettings, 'optOutKeywords' | 'optInKeywords'>,
): { intent: KeywordIntent; keyword: string } | null {
  const text = inboundText(type, content);
  if (text === null) return null;
  const said = normalizeKeyword(text);
  if (said === '') return null;
  if (s.optOutKeywords.some((k) => normalizeKeyword(k) === said)) return { intent: 'opt_out', keyword: said };
  if (s.optInKeywords.some((k) => normalizeKeyword(k) === said)) return { intent: 'opt_in', keyword: said };
  return null;
}

function inboundText(type: string, content: unknown): string | null {
  const c = (content ?? {}) as { body?: unknown; text?: unknown };
  if (type === 'text') return typeof c.body === 'string' ? c.body : null;
  if (type === 'button') return typeof c.text === 'string' ? c.text : null;
  return null;
}

/** Marketing templates are refused for a contact who opted out; utility and authentication ones still go. */
export function optOutRefusal(
  contact: { optedOut: boolean; optedOutAt: Date | null; phone: string | null },
  templateCategory: string | null | undefined,
  templateName: string,
): AppError | null {
  if (!contact.optedOut || templateCategory?.toUpperCase() !== 'MARKETING') return null;
  const since = contact.optedOutAt ? ` on ${contact.optedOutAt.toISOString()}` : '';
  return new AppError(
    'contact_opted_out',
    `${contact.phone ?? 'The contact'} opted out of marketing messages${since}; ${templateName} is a MARKETING template. ` +
      'Use a utility or authentication template, or reply within the 24-hour window.',
    { param: 'template.name', category: 'MARKETING' },
  );
}
