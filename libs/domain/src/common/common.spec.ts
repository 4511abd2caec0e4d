import { AppError } from './app-error.js';
import { isId, newId, ulid } from './ids.js';
import { decodeCursor, encodeCursor, toPage } from './pagination.js';
import { normalizePhone, toWaId } from './phone.js';

describe('ids', () => {
  it('are prefixed, 26 base32 characters, and sort by creation', () => {
    const ids = Array.from({ length: 2000 }, () => newId('message'));
    expect(ids.every((id) => isId('message', id))).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
  it('encode time first, so a later millisecond sorts later', () => {
    expect(ulid(1_700_000_000_001) > ulid(1_700_000_000_000 + 5_000)).toBe(false);
  });
  it('isId checks the prefix and the alphabet', () => {
    expect(isId('message', newId('contact'))).toBe(false);
    expect(isId('message', 'msg_' + 'u'.repeat(26))).toBe(false); // u is not in Crockford's alphabet
    expect(isId('message', 42)).toBe(false);
  });
});

describe('pagination', () => {
  it('round-trips cursors and pages limit + 1 rows', () => {
    const rows = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
    const page = toPage(rows, 2, (r) => [r.id]);
    expect(page.data).toEqual([{ id: 'a' }, { id: 'b' }]);
    expect(page.hasMore).toBe(true);
    expect(decodeCursor(page.nextCursor!)).toEqual(['b']);
    expect(toPage(rows, 3, (r) => [r.id])).toMatchObject({ hasMore: false, nextCursor: null });
    expect(decodeCursor(encodeCursor(['x', 3]))).toEqual(['x', 3]);
  });
  it('rejects forged cursors with invalid_cursor', () => {
    for (const bad of ['%%%', Buffer.from('{"a":1}').toString('base64url'), Buffer.from('[]').toString('base64url')]) {
      expect(() => decodeCursor(bad)).toThrow(AppError);
      try {
        decodeCursor(bad);
      } catch (e) {
        expect((e as AppError).code).toBe('invalid_cursor');
      }
    }
  });
});

describe('phone numbers', () => {
  it.each([
    ['+628123456789', '+628123456789'],
    ['628123456789', '+628123456789'],
    ['+1 (415) 555-0100', '+14155550100'],
    ['44.20.7946.0958', '+442079460958'],
  ])('normalizes %s to %s', (input, out) => {
    expect(normalizePhone(input)).toBe(out);
    expect(toWaId(out)).toBe(out.slice(1));
  });
  it.each(['', 'abc', '+0123456789', '12345', '+1234567890123456', '+62 812 abc'])('refuses %p', (input) => {
    expect(() => normalizePhone(input, 'to')).toThrow(expect.objectContaining({ code: 'invalid_phone_number', details: { param: 'to' } }));
  });
});

describe('AppError', () => {
  it('renders the envelope from the catalogue', () => {
    const err = new AppError('outside_24h_window', undefined, { param: 'to' });
    expect(err.status).toBe(422);
    expect(err.toBody('req_1')).toEqual({
      error: { type: 'unprocessable_error', code: 'outside_24h_window', message: err.message, param: 'to', request_id: 'req_1' },
    });
    expect(err.hint).toMatch(/template/);
  });
});
