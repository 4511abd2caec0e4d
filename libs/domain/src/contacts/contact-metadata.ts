import type { Prisma } from '#db';

/** Shallow merge of a metadata patch; a key set to null is removed. */
export function mergeMetadata(current: Record<string, unknown> | null, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(current ?? {}) };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}

export function withoutNulls(m: Record<string, unknown>): Prisma.InputJsonValue {
  return Object.fromEntries(Object.entries(m).filter(([, v]) => v !== null)) as Prisma.InputJsonValue;
}
