import { isStatusAdvance, STATUS_RANK } from './message-status.js';

describe('status ranking', () => {
  it('ranks sent < delivered < read < failed', () => {
    expect(STATUS_RANK.sent).toBeLessThan(STATUS_RANK.delivered);
    expect(STATUS_RANK.delivered).toBeLessThan(STATUS_RANK.read);
    expect(STATUS_RANK.read).toBeLessThan(STATUS_RANK.failed);
  });

  it.each([
    [null, 'sent', true],
    ['sent', 'delivered', true],
    ['sent', 'read', true],
    ['delivered', 'sent', false],
    ['read', 'delivered', false],
    ['read', 'read', false],
    ['sent', 'failed', true],
    ['delivered', 'failed', true],
    ['read', 'failed', false],
    ['failed', 'read', false],
    ['failed', 'failed', false],
  ] as const)('%s → %s advances: %s', (current, next, expected) => {
    expect(isStatusAdvance(current, next)).toBe(expected);
  });
});
