import { registerDecorator, type ValidationOptions } from 'class-validator';

export const METADATA_LIMITS = { keys: 50, keyLength: 40, valueLength: 500 } as const;

/**
 * Contact metadata: a flat object of at most 50 keys (≤ 40 chars) whose values are strings (≤ 500 chars),
 * numbers, booleans or null (null removes the key on update). Flat on purpose: it is for lookups, not documents.
 */
export function IsContactMetadata(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isContactMetadata',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => metadataProblem(value) === undefined,
        defaultMessage: (args) => `${args?.property ?? 'metadata'} ${metadataProblem(args?.value) ?? 'is invalid'}`,
      },
    });
}

export function metadataProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be an object';
  const entries = Object.entries(value);
  if (entries.length > METADATA_LIMITS.keys) return `must have at most ${METADATA_LIMITS.keys} keys`;
  for (const [key, v] of entries) {
    if (key.length === 0 || key.length > METADATA_LIMITS.keyLength) return `keys must be 1-${METADATA_LIMITS.keyLength} characters (${key.slice(0, 50)})`;
    if (v === null || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) continue;
    if (typeof v === 'string') {
      if (v.length > METADATA_LIMITS.valueLength) return `value of ${key} must be at most ${METADATA_LIMITS.valueLength} characters`;
      continue;
    }
    return `value of ${key} must be a string, number, boolean or null`;
  }
  return undefined;
}
