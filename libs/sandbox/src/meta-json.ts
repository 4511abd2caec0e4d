/**
 * JSON as Meta serializes webhook bodies: non-ASCII characters as \uXXXX escapes and '/' as '\/'. Receivers that
 * verify the signature against a re-serialized body instead of the raw bytes fail on these, as they do with Meta.
 */
export function metaJson(value: unknown): string {
  // '/' and non-ASCII can only occur inside JSON strings, so escaping them over the whole text is safe.
  return JSON.stringify(value)
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/\//g, '\\/');
}
