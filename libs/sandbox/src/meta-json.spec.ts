import { metaJson } from './meta-json.js';

describe('metaJson', () => {
  it('escapes "/" and non-ASCII like Meta, and stays valid JSON of the same value', () => {
    const value = { url: 'https://a.b/c', name: 'José 😀', n: 1 };
    const text = metaJson(value);
    expect(text).toBe('{"url":"https:\\/\\/a.b\\/c","name":"Jos\\u00e9 \\ud83d\\ude00","n":1}');
    expect(JSON.parse(text)).toEqual(value);
    expect([...text].every((c) => c.charCodeAt(0) < 0x7f)).toBe(true);
  });
});
