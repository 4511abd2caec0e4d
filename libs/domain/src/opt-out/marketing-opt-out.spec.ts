import { resolveSettings } from '../settings/organization-settings.js';
import { keywordIntent, optOutRefusal } from './marketing-opt-out.js';

describe('marketing opt-out', () => {
  const defaults = resolveSettings({});

  it('matches the whole message against the keywords, trimmed and case-insensitive', () => {
    expect(keywordIntent('text', { body: 'STOP' }, defaults)).toEqual({ intent: 'opt_out', keyword: 'STOP' });
    expect(keywordIntent('text', { body: '  berhenti \n' }, defaults)).toEqual({
      intent: 'opt_out',
      keyword: 'BERHENTI',
    });
    expect(keywordIntent('text', { body: 'Unsubscribe' }, defaults)?.intent).toBe('opt_out');
    expect(keywordIntent('text', { body: 'start' }, defaults)).toEqual({ intent: 'opt_in', keyword: 'START' });
    expect(keywordIntent('text', { body: 'Mulai' }, defaults)?.intent).toBe('opt_in');
    // A tapped quick-reply button carries its text.
    expect(keywordIntent('button', { payload: 'x', text: 'Stop' }, defaults)?.intent).toBe('opt_out');
  });

  it('ignores keywords inside longer messages, other types and empty texts', () => {
    expect(keywordIntent('text', { body: 'please stop the delivery' }, defaults)).toBeNull();
    expect(keywordIntent('text', { body: 'STOP!' }, defaults)).toBeNull();
    expect(keywordIntent('text', { body: '   ' }, defaults)).toBeNull();
    expect(keywordIntent('image', { caption: 'STOP' }, defaults)).toBeNull();
    expect(keywordIntent('text', {}, defaults)).toBeNull();
  });

  it("uses the organization's own keywords (an empty list turns keyword opt-out off)", () => {
    const custom = resolveSettings({ opt_out_keywords: ['STOP ALL', 'KELUAR'], opt_in_keywords: [] });
    expect(keywordIntent('text', { body: 'stop   all' }, custom)?.intent).toBe('opt_out');
    expect(keywordIntent('text', { body: 'STOP' }, custom)).toBeNull();
    expect(keywordIntent('text', { body: 'START' }, custom)).toBeNull();
    expect(keywordIntent('text', { body: 'STOP' }, resolveSettings({ opt_out_keywords: [] }))).toBeNull();
  });

  it('refuses only MARKETING templates, only for opted-out contacts', () => {
    const out = { optedOut: true, optedOutAt: new Date('2026-01-02T03:04:05.000Z'), phone: '+628123456789' };
    const refused = optOutRefusal(out, 'MARKETING', 'promo_image');
    expect(refused).toMatchObject({ code: 'contact_opted_out', status: 422, param: 'template.name' });
    expect(refused!.message).toContain('2026-01-02T03:04:05.000Z');
    expect(refused!.hint).toMatch(/utility or authentication/);
    expect(optOutRefusal(out, 'UTILITY', 'order_update')).toBeNull();
    expect(optOutRefusal(out, 'AUTHENTICATION', 'otp')).toBeNull();
    expect(optOutRefusal({ ...out, optedOut: false }, 'MARKETING', 'promo_image')).toBeNull();
  });
});
