import { displayPrefix, generateApiKey, hashApiKey, parseApiKey } from './api-key-format.js';

describe('api key format', () => {
  it('generates well-formed live and test keys that parse back', () => {
    const live = generateApiKey('live');
    const test = generateApiKey('test');
    expect(live).toMatch(/^kdv_live_[0-9A-Za-z]{30}$/);
    expect(test).toMatch(/^kdv_test_[0-9A-Za-z]{30}$/);
    expect(parseApiKey(live)).toEqual({ mode: 'live' });
    expect(parseApiKey(test)).toEqual({ mode: 'test' });
  });

  it('rejects a key with a wrong checksum, wrong prefix or wrong length', () => {
    const key = generateApiKey();
    const last = key.at(-1) === 'a' ? 'b' : 'a';
    expect(parseApiKey(key.slice(0, -1) + last)).toBeNull();
    expect(parseApiKey(key.replace('kdv_live_', 'kdv_prod_'))).toBeNull();
    expect(parseApiKey(key + 'x')).toBeNull();
    expect(parseApiKey('')).toBeNull();
  });

  it('changing one random character breaks the checksum', () => {
    const key = generateApiKey();
    const i = 12;
    const swapped = key.slice(0, i) + (key[i] === '0' ? '1' : '0') + key.slice(i + 1);
    expect(parseApiKey(swapped)).toBeNull();
  });

  it('never repeats and hashes deterministically', () => {
    const keys = new Set(Array.from({ length: 1000 }, () => generateApiKey()));
    expect(keys.size).toBe(1000);
    const k = generateApiKey();
    expect(hashApiKey(k)).toBe(hashApiKey(k));
    expect(hashApiKey(k)).toMatch(/^[0-9a-f]{64}$/);
    expect(displayPrefix(k)).not.toContain(k.slice(13, -4));
  });
});
