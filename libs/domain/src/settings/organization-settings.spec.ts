import { AppError } from '../common/app-error.js';
import { normalizeKeyword, planSettingsUpdate, resolveSettings, SETTINGS_DEFAULTS } from './organization-settings.js';

describe('organization settings', () => {
  it('reads defaults for missing keys and for stored values that no longer validate', () => {
    expect(resolveSettings({})).toEqual(SETTINGS_DEFAULTS);
    expect(resolveSettings(null)).toEqual(SETTINGS_DEFAULTS);
    const s = resolveSettings({
      mcp_max_messages_per_recipient_per_hour: 0, // below the minimum
      mcp_max_new_recipients_per_day: 0, // 0 is allowed here
      mcp_recipient_allow_list: ['+628123456789'],
      opt_out_keywords: 'STOP', // not a list
      retention: { raw_payloads_days: 7 }, // another feature's key is ignored
    });
    expect(s).toEqual({ ...SETTINGS_DEFAULTS, mcpMaxNewRecipientsPerDay: 0, mcpRecipientAllowList: ['+628123456789'] });
  });

  it('plans an update: normalizes numbers and keywords, drops duplicates, null resets to the default', () => {
    const current = resolveSettings({ mcp_max_messages_per_recipient_per_hour: 3, opt_in_keywords: ['GO'] });
    const plan = planSettingsUpdate(current, {
      mcpMaxMessagesPerRecipientPerHour: null,
      mcpRecipientAllowList: ['628123456789', '+62 812-3456-789', '+15550001111'],
      optOutKeywords: ['  stop ', 'Stop', 'berhenti  semua'],
    });
    expect(plan.set).toEqual({
      mcp_recipient_allow_list: ['+628123456789', '+15550001111'],
      opt_out_keywords: ['STOP', 'BERHENTI SEMUA'],
    });
    expect(plan.remove).toEqual(['mcp_max_messages_per_recipient_per_hour']);
    expect(plan.next.mcpMaxMessagesPerRecipientPerHour).toBe(SETTINGS_DEFAULTS.mcpMaxMessagesPerRecipientPerHour);
    expect(plan.next.optInKeywords).toEqual(['GO']);
    expect(planSettingsUpdate(current, {}).set).toEqual({});
  });

  it('refuses a keyword that would both opt out and opt in, blank keywords and bad numbers, naming the field', () => {
    const current = resolveSettings({});
    const err = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return e as AppError;
      }
      throw new Error('expected a refusal');
    };
    expect(err(() => planSettingsUpdate(current, { optInKeywords: ['stop'] }))).toMatchObject({
      code: 'validation_failed',
      param: 'opt_in_keywords',
    });
    expect(err(() => planSettingsUpdate(current, { optOutKeywords: ['start'] }))).toMatchObject({
      code: 'validation_failed',
      param: 'opt_out_keywords',
    });
    expect(err(() => planSettingsUpdate(current, { optOutKeywords: ['STOP', '   '] }))).toMatchObject({
      code: 'validation_failed',
      param: 'opt_out_keywords[1]',
    });
    expect(err(() => planSettingsUpdate(current, { mcpRecipientAllowList: ['+628123456789', 'nope'] }))).toMatchObject({
      code: 'invalid_phone_number',
      param: 'mcp_recipient_allow_list[1]',
    });
    // Swapping both lists in one update is fine.
    expect(planSettingsUpdate(current, { optOutKeywords: ['START'], optInKeywords: ['STOP'] }).next).toMatchObject({
      optOutKeywords: ['START'],
      optInKeywords: ['STOP'],
    });
  });

  it('compares keywords trimmed, upper-cased, with inner whitespace collapsed', () => {
    expect(normalizeKeyword('  stop\t all \n')).toBe('STOP ALL');
  });
});
