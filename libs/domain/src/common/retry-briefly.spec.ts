import { retryBriefly } from './retry-briefly.js';

describe('retryBriefly', () => {
  it('returns the first success after failures, and rethrows the last error once the attempts are spent', async () => {
    let calls = 0;
    await expect(retryBriefly(async () => (++calls < 3 ? Promise.reject(new Error(`blip ${calls}`)) : 'stored'))).resolves.toBe('stored');
    expect(calls).toBe(3);
    calls = 0;
    await expect(retryBriefly(async () => Promise.reject(new Error(`down ${++calls}`)), 2)).rejects.toThrow('down 2');
    expect(calls).toBe(2);
  });
});
