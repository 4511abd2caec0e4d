import { AppError } from './app-error.js';

export interface ListResult<T> {
  data: T[];
  hasMore: boolean;
  nextCursor: string | null;
}

/** Cursors are opaque to clients: base64url of the last row's sort key (an id, optionally with a timestamp). */
export function encodeCursor(parts: (string | number)[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): (string | number)[] | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parts: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parts) && parts.length > 0 && parts.every((p) => typeof p === 'string' || typeof p === 'number'))
      return parts as (string | number)[];
  } catch {
    /* fall through */
  }
  throw new AppError('invalid_cursor', undefined, { param: 'cursor' });
}

/** Repositories fetch limit + 1 rows; this trims and builds the page. */
export function toPage<T>(rows: T[], limit: number, cursorOf: (row: T) => (string | number)[]): ListResult<T> {
  const hasMore = rows.length > limit;
  const data = hasMore ? rows.slice(0, limit) : rows;
  return { data, hasMore, nextCursor: hasMore ? encodeCursor(cursorOf(data[data.length - 1])) : null };
}

/** The list envelope every transport renders. */
export function listEnvelope<T, R>(page: ListResult<T>, render: (row: T) => R) {
  return { object: 'list' as const, data: page.data.map(render), has_more: page.hasMore, next_cursor: page.nextCursor };
}
