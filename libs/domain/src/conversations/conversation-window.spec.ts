import { isWindowOpen, needsOpenWindow, windowExpiresAt, WINDOW_MS } from './conversation-window.js';

describe('customer service window', () => {
  const inbound = new Date('2026-03-01T10:00:00.000Z');

  it('expires exactly 24 h after the last inbound message', () => {
    expect(windowExpiresAt(inbound)?.toISOString()).toBe('2026-03-02T10:00:00.000Z');
    expect(windowExpiresAt(null)).toBeNull();
  });

  it('is open strictly before the expiry and closed from it on', () => {
    const conv = { windowExpiresAt: windowExpiresAt(inbound) };
    expect(isWindowOpen(conv, new Date(inbound.getTime() + WINDOW_MS - 1))).toBe(true);
    expect(isWindowOpen(conv, new Date(inbound.getTime() + WINDOW_MS))).toBe(false);
    expect(isWindowOpen(conv, new Date(inbound.getTime() + 1))).toBe(true);
  });

  it('is closed for a conversation with no inbound message and for no conversation', () => {
    expect(isWindowOpen({ windowExpiresAt: null })).toBe(false);
    expect(isWindowOpen(null)).toBe(false);
    expect(isWindowOpen(undefined)).toBe(false);
  });

  it('requires the window for every type but templates', () => {
    for (const t of ['text', 'image', 'video', 'audio', 'document', 'sticker', 'location', 'contacts', 'reaction', 'interactive'])
      expect(needsOpenWindow(t)).toBe(true);
    expect(needsOpenWindow('template')).toBe(false);
  });
});
