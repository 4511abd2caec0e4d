import { idFloor, newId } from '../common/ids.js';
import { resolveSettings } from '../settings/organization-settings.js';
import { allowListRefusal, HOUR_MS, newRecipientRefusal, recipientRateRefusal } from './guard-rails.js';

const TO = '+628123456789';

describe('assistant guard rails (decisions)', () => {
  const now = new Date('2026-03-01T12:00:00.000Z');
  const ago = (ms: number) => new Date(now.getTime() - ms);

  it('allow-list: no list lets everyone through; a list only its numbers; an empty list nobody', () => {
    expect(allowListRefusal(resolveSettings({}), TO)).toBeNull();
    expect(allowListRefusal(resolveSettings({ mcp_recipient_allow_list: [TO] }), TO)).toBeNull();
    const other = allowListRefusal(resolveSettings({ mcp_recipient_allow_list: ['+15550001111'] }), TO);
    expect(other).toMatchObject({ code: 'guard_rail_recipient_not_allowed', status: 422, param: 'to' });
    expect(other!.message).toContain(TO);
    expect(other!.hint).toMatch(/allow-list/);
    expect(allowListRefusal(resolveSettings({ mcp_recipient_allow_list: [] }), TO)!.message).toMatch(/switched off/);
  });

  it('per-recipient rate: refuses at the limit and names when the next send is allowed', () => {
    const s = resolveSettings({ mcp_max_messages_per_recipient_per_hour: 3 });
    const two = [ago(50 * 60_000), ago(10 * 60_000)];
    expect(recipientRateRefusal(s, TO, two, now)).toBeNull();
    const three = [ago(50 * 60_000), ago(20 * 60_000), ago(10 * 60_000)];
    const refused = recipientRateRefusal(s, TO, three, now)!;
    expect(refused).toMatchObject({ code: 'guard_rail_recipient_rate', status: 422 });
    // The oldest of the three leaves the rolling hour 10 minutes from now.
    expect(refused.details.retry_after).toBe(new Date(now.getTime() + 10 * 60_000).toISOString());
    expect(refused.message).toContain(new Date(now.getTime() + 10 * 60_000).toISOString());
    // Older sends do not count.
    expect(recipientRateRefusal(s, TO, [ago(HOUR_MS + 1), ...two], now)).toBeNull();
    // A lowered limit: the slot frees when enough old sends left the hour.
    const five = [ago(55 * 60_000), ago(40 * 60_000), ago(30 * 60_000), ago(20 * 60_000), ago(10 * 60_000)];
    expect(recipientRateRefusal(s, TO, five, now)!.details.retry_after).toBe(
      new Date(now.getTime() + 30 * 60_000).toISOString(),
    );
  });

  it('new recipients per day: refuses at the limit; 0 keeps the assistant to existing conversations', () => {
    const s = resolveSettings({ mcp_max_new_recipients_per_day: 2 });
    expect(newRecipientRefusal(s, TO, 1)).toBeNull();
    expect(newRecipientRefusal(s, TO, 2)).toMatchObject({
      code: 'guard_rail_new_recipients',
      status: 422,
      param: 'to',
    });
    expect(newRecipientRefusal(resolveSettings({ mcp_max_new_recipients_per_day: 0 }), TO, 0)!.message).toMatch(
      /only message existing contacts/,
    );
  });

  it('idFloor sorts below every id created at or after its time and above earlier ones', () => {
    const before = newId('message');
    const at = new Date(Date.now() + 5);
    while (Date.now() <= at.getTime() + 1) {
      /* wait for the clock to pass `at` */
    }
    const after = newId('message');
    const floor = idFloor('message', at);
    expect(floor < after).toBe(true);
    expect(before < floor).toBe(true);
    expect(floor).toMatch(/^msg_[0-9a-hjkmnp-tv-z]{10}0{16}$/);
  });
});
