import { AppError } from '../common/app-error.js';
import { normalizePhone } from '../common/phone.js';

/**
 * Per-organization settings kept in Organization.settings (JSON). Only the keys an organization changed are
 * stored, under their wire names; everything else reads as its default, so defaults can improve for everyone.
 */
export interface OrganizationSettings {
  /** Messages an assistant (MCP) may send one recipient in any rolling hour. */
  mcpMaxMessagesPerRecipientPerHour: number;
  /** Contacts the organization never talked to that an assistant may message in any rolling 24 hours. */
  mcpMaxNewRecipientsPerDay: number;
  /** E.164 numbers an assistant may send to; null means no restriction. */
  mcpRecipientAllowList: string[] | null;
  /** Inbound messages made of exactly one of these (trimmed, case-insensitive) opt the contact out of marketing. */
  optOutKeywords: string[];
  /** …and these opt them back in. */
  optInKeywords: string[];
}

export const SETTINGS_DEFAULTS: Readonly<OrganizationSettings> = Object.freeze({
  mcpMaxMessagesPerRecipientPerHour: 10,
  mcpMaxNewRecipientsPerDay: 50,
  mcpRecipientAllowList: null,
  optOutKeywords: ['STOP', 'BERHENTI', 'UNSUBSCRIBE'],
  optInKeywords: ['START', 'MULAI'],
});

export const SETTINGS_LIMITS = {
  maxMessagesPerRecipientPerHour: 1_000,
  maxNewRecipientsPerDay: 100_000,
  allowListSize: 1_000,
  keywords: 50,
  keywordLength: 40,
} as const;

/** Wire (and storage) name of each setting. */
export const SETTING_KEYS = {
  mcpMaxMessagesPerRecipientPerHour: 'mcp_max_messages_per_recipient_per_hour',
  mcpMaxNewRecipientsPerDay: 'mcp_max_new_recipients_per_day',
  mcpRecipientAllowList: 'mcp_recipient_allow_list',
  optOutKeywords: 'opt_out_keywords',
  optInKeywords: 'opt_in_keywords',
} as const satisfies Record<keyof OrganizationSettings, string>;

export type SettingKey = (typeof SETTING_KEYS)[keyof OrganizationSettings];

/** What a PATCH asks for: a value sets the key, null returns it to its default, absent leaves it alone. */
export type SettingsPatch = { [K in keyof OrganizationSettings]?: OrganizationSettings[K] | null };

/** A keyword as it is stored and compared: trimmed, inner whitespace collapsed, upper case. */
export function normalizeKeyword(text: string): string {
  return text.trim().replace(/\s+/g, ' ').toUpperCase();
}

/**
 * The effective settings from the stored JSON. A stored value that no longer validates (an older format, a manual
 * edit) reads as the default rather than breaking every send.
 */
export function resolveSettings(stored: unknown): OrganizationSettings {
  const s = stored && typeof stored === 'object' && !Array.isArray(stored) ? (stored as Record<string, unknown>) : {};
  const int = (key: SettingKey, dflt: number, min: number, max: number) => {
    const v = s[key];
    return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : dflt;
  };
  const strings = (key: SettingKey): string[] | undefined => {
    const v = s[key];
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
  };
  const allow = s[SETTING_KEYS.mcpRecipientAllowList];
  return {
    mcpMaxMessagesPerRecipientPerHour: int(
      SETTING_KEYS.mcpMaxMessagesPerRecipientPerHour,
      SETTINGS_DEFAULTS.mcpMaxMessagesPerRecipientPerHour,
      1,
      SETTINGS_LIMITS.maxMessagesPerRecipientPerHour,
    ),
    mcpMaxNewRecipientsPerDay: int(
      SETTING_KEYS.mcpMaxNewRecipientsPerDay,
      SETTINGS_DEFAULTS.mcpMaxNewRecipientsPerDay,
      0,
      SETTINGS_LIMITS.maxNewRecipientsPerDay,
    ),
    mcpRecipientAllowList:
      allow === null ? null : (strings(SETTING_KEYS.mcpRecipientAllowList) ?? SETTINGS_DEFAULTS.mcpRecipientAllowList),
    optOutKeywords: strings(SETTING_KEYS.optOutKeywords) ?? [...SETTINGS_DEFAULTS.optOutKeywords],
    optInKeywords: strings(SETTING_KEYS.optInKeywords) ?? [...SETTINGS_DEFAULTS.optInKeywords],
  };
}

/**
 * Checks and normalizes a patch against the settings it applies to (the DTO checked the shapes): numbers become
 * E.164, keywords their compared form, duplicates go, and no keyword may both opt out and opt in.
 * Returns the JSON keys to set and the keys to remove (back to their defaults).
 */
export function planSettingsUpdate(
  current: OrganizationSettings,
  patch: SettingsPatch,
): { set: Record<string, unknown>; remove: SettingKey[]; next: OrganizationSettings } {
  const set: Record<string, unknown> = {};
  const remove: SettingKey[] = [];
  const next: OrganizationSettings = { ...current };
  const apply = <K extends keyof OrganizationSettings>(
    field: K,
    value: OrganizationSettings[K] | null | undefined,
    normalize: (v: OrganizationSettings[K]) => OrganizationSettings[K],
  ) => {
    if (value === undefined) return;
    const key = SETTING_KEYS[field];
    if (value === null) {
      remove.push(key);
      next[field] = (
        Array.isArray(SETTINGS_DEFAULTS[field]) ? [...(SETTINGS_DEFAULTS[field] as string[])] : SETTINGS_DEFAULTS[field]
      ) as OrganizationSettings[K];
      return;
    }
    const v = normalize(value);
    set[key] = v;
    next[field] = v;
  };
  apply('mcpMaxMessagesPerRecipientPerHour', patch.mcpMaxMessagesPerRecipientPerHour, (v) => v);
  apply('mcpMaxNewRecipientsPerDay', patch.mcpMaxNewRecipientsPerDay, (v) => v);
  apply('mcpRecipientAllowList', patch.mcpRecipientAllowList, (list) =>
    list === null ? null : unique(list.map((p, i) => normalizePhone(p, `${SETTING_KEYS.mcpRecipientAllowList}[${i}]`))),
  );
  apply('optOutKeywords', patch.optOutKeywords, (list) => keywords(list, SETTING_KEYS.optOutKeywords));
  apply('optInKeywords', patch.optInKeywords, (list) => keywords(list, SETTING_KEYS.optInKeywords));
  const both = next.optOutKeywords.find((k) => next.optInKeywords.includes(k));
  if (both !== undefined)
    throw AppError.validation(
      patch.optInKeywords !== undefined ? SETTING_KEYS.optInKeywords : SETTING_KEYS.optOutKeywords,
      `"${both}" cannot be both an opt-out and an opt-in keyword.`,
    );
  return { set, remove, next };
}

function keywords(list: string[], param: string): string[] {
  const out = unique(list.map(normalizeKeyword));
  const empty = out.indexOf('');
  if (empty !== -1)
    throw AppError.validation(
      `${param}[${list.findIndex((k) => normalizeKeyword(k) === '')}]`,
      'A keyword cannot be blank.',
    );
  return out;
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
