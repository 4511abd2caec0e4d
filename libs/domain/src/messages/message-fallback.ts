import type { Prisma } from '#db';

/**
 * Message.fallback: the `fallback_template` of a free-form send. `{ template }` while the window has not decided
 * (a scheduled send decides at send_at); once the template replaced the message, the row's type and content are
 * what was sent and `{ used: true, original }` keeps what was asked for.
 */
export type StoredFallback =
  { used?: false; template: Record<string, unknown> } | { used: true; original: { type: string; content: unknown } };

export function pendingFallback(template: Record<string, unknown>): Prisma.InputJsonValue {
  return { template } as Prisma.InputJsonValue;
}

/** What the row becomes when its fallback template goes out instead of the free-form message. */
export function withFallbackUsed(
  type: string,
  content: unknown,
  template: Record<string, unknown>,
): { type: 'template'; content: Record<string, unknown>; fallback: Prisma.InputJsonValue } {
  return {
    type: 'template',
    content: template,
    fallback: { used: true, original: { type, content } } as Prisma.InputJsonValue,
  };
}

export function readFallback(stored: unknown): StoredFallback | null {
  if (!stored || typeof stored !== 'object') return null;
  const f = stored as { used?: unknown; template?: unknown; original?: { type?: unknown; content?: unknown } };
  if (f.used === true && f.original && typeof f.original.type === 'string')
    return { used: true, original: { type: f.original.type, content: f.original.content } };
  if (f.template && typeof f.template === 'object') return { template: f.template as Record<string, unknown> };
  return null;
}

/** The wire fields of a message that carried a fallback_template (nothing for the others). */
export function presentFallback(stored: unknown): {
  fallback_used?: boolean;
  fallback_template?: Record<string, unknown>;
  original?: Record<string, unknown>;
} {
  const f = readFallback(stored);
  if (!f) return {};
  if (f.used)
    return { fallback_used: true, original: { type: f.original.type, [f.original.type]: f.original.content } };
  return { fallback_used: false, fallback_template: f.template };
}
