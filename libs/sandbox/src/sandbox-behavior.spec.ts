import { DEFAULT_BEHAVIOR, SandboxBehaviorStore } from './sandbox-behavior.js';

describe('SandboxBehaviorStore', () => {
  it('fills omitted fields with defaults', () => {
    const store = new SandboxBehaviorStore();
    expect(store.set({ duplicate_rate: 0.5, delay_ms: [1, 5] })).toEqual({ ...DEFAULT_BEHAVIOR, duplicate_rate: 0.5, delay_ms: [1, 5] });
    store.reset();
    expect(store.get()).toEqual(DEFAULT_BEHAVIOR);
  });

  it('patches only the given fields', () => {
    const store = new SandboxBehaviorStore();
    store.set({ shuffle: true });
    expect(store.patch({ auto_read: false })).toMatchObject({ shuffle: true, auto_read: false });
    expect(() => store.patch({ drop_rate: -1 })).toThrow(/drop_rate/);
    expect(store.get()).toMatchObject({ shuffle: true, auto_read: false, drop_rate: 0 });
  });

  it.each([
    [{ duplicate_rate: 2 }, /duplicate_rate/],
    [{ delay_ms: [5, 1] }, /min must not exceed max/],
    [{ shuffle: 'yes' }, /shuffle/],
    [{ status_delays_ms: { sent: -1 } }, /status_delays_ms.sent/],
    [{ surprise: true }, /Unknown behaviour field/],
  ])('refuses %o', (input, message) => {
    expect(() => new SandboxBehaviorStore().set(input)).toThrow(message);
  });
});
