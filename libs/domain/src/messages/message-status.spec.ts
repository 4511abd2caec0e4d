import fc from 'fast-check';
import { canApplyMetaStatus, statusesAdvancableTo, type MetaMessageStatus } from './message-status.js';

const META: MetaMessageStatus[] = ['sent', 'delivered', 'read', 'failed'];

/** Applies a stream of Meta statuses the way the ingest does: each one only if it may replace the current. */
function replay(start: string, events: MetaMessageStatus[]): string {
  let status = start;
  for (const e of events) if (canApplyMetaStatus(status, e)) status = e;
  return status;
}

describe('message status rules', () => {
  it('moves forward only: sent < delivered < read', () => {
    expect(canApplyMetaStatus('sent', 'delivered')).toBe(true);
    expect(canApplyMetaStatus('sent', 'read')).toBe(true);
    expect(canApplyMetaStatus('delivered', 'read')).toBe(true);
    expect(canApplyMetaStatus('read', 'sent')).toBe(false);
    expect(canApplyMetaStatus('read', 'delivered')).toBe(false);
    expect(canApplyMetaStatus('delivered', 'sent')).toBe(false);
    expect(canApplyMetaStatus('delivered', 'delivered')).toBe(false);
  });

  it('lets a Meta status complete a message still queued or sending (our id echoed after a lost answer)', () => {
    for (const s of ['queued', 'sending', 'scheduled']) for (const m of META) expect(canApplyMetaStatus(s, m)).toBe(true);
  });

  it('keeps failed and canceled final, and ignores failed after read', () => {
    for (const m of META) {
      expect(canApplyMetaStatus('failed', m)).toBe(false);
      expect(canApplyMetaStatus('canceled', m)).toBe(false);
      expect(canApplyMetaStatus('received', m)).toBe(false);
    }
    expect(canApplyMetaStatus('delivered', 'failed')).toBe(true);
    expect(canApplyMetaStatus('read', 'failed')).toBe(false);
  });

  it('derives the compare-and-set guard from the same rule', () => {
    expect(statusesAdvancableTo('read').sort()).toEqual(['delivered', 'queued', 'scheduled', 'sending', 'sent']);
    expect(statusesAdvancableTo('sent').sort()).toEqual(['queued', 'scheduled', 'sending']);
    expect(statusesAdvancableTo('failed')).not.toContain('read');
  });

  it('ends at the highest status seen, whatever the order and duplication of the webhooks', () => {
    const rank: Record<string, number> = { sent: 1, delivered: 2, read: 3 };
    fc.assert(
      fc.property(fc.array(fc.constantFrom<MetaMessageStatus>('sent', 'delivered', 'read'), { minLength: 1, maxLength: 12 }), (events) => {
        const final = replay('sending', events);
        const highest = events.reduce((a, b) => (rank[b] > rank[a] ? b : a));
        expect(final).toBe(highest);
      }),
    );
  });

  it('never leaves failed once reached, and reaches it unless read came first', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom<MetaMessageStatus>(...META), { minLength: 1, maxLength: 12 }), (events) => {
        const final = replay('queued', events);
        const firstFailed = events.indexOf('failed');
        if (firstFailed === -1) return expect(final).not.toBe('failed');
        const readBefore = events.slice(0, firstFailed).includes('read');
        expect(final).toBe(readBefore ? 'read' : 'failed');
      }),
    );
  });
});
