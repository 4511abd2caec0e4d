/** Escapes LIKE/ILIKE wildcards (and the escape character) so user text matches literally. */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
