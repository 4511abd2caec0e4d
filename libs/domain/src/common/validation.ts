import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { AppError } from './app-error.js';

/** The one validation path: REST bodies/queries and MCP tool arguments go through here with the same options. */
export const VALIDATION_OPTIONS = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
} as const;

type Ctor<T> = new (...args: any[]) => T; // eslint-disable-line @typescript-eslint/no-explicit-any

export async function validateDto<T extends object>(cls: Ctor<T>, plain: unknown): Promise<T> {
  if (plain === null || plain === undefined) plain = {};
  if (typeof plain !== 'object' || Array.isArray(plain)) throw AppError.validation('body', 'The body must be a JSON object.');
  const unusable = unusableInput(plain, '', 0);
  if (unusable) throw unusable;
  const instance = plainToInstance(cls, withoutUndocumentedNulls(cls, plain as Record<string, unknown>), { enableImplicitConversion: false, exposeDefaultValues: true });
  const errors = await validate(instance, VALIDATION_OPTIONS);
  if (errors.length) throw toAppError(errors);
  return instance;
}

/** The first failure, named by its dotted path (`text.body`, `components[0].parameters`). */
export function toAppError(errors: ValidationError[], parent = ''): AppError {
  const first = errors[0];
  const path = parent ? (/^\d+$/.test(first.property) ? `${parent}[${first.property}]` : `${parent}.${first.property}`) : first.property;
  if (first.children?.length && !first.constraints) return toAppError(first.children, path);
  const constraints = first.constraints ?? {};
  // An empty key ("": 1) has no name of its own to report: the body is at fault.
  if (constraints.whitelistValidation)
    return path ? new AppError('unknown_parameter', `Unknown parameter: ${path}.`, { param: path }) : new AppError('unknown_parameter', 'Unknown parameter: "" (an empty key).', { param: 'body' });
  const message = Object.values(constraints)[0] ?? `${path} is invalid.`;
  return AppError.validation(path, message.startsWith(first.property) ? message.replace(first.property, path) : `${path}: ${message}`);
}

/** Deeper than any DTO goes (a template carousel is ~10 levels); class-transformer recurses without a bound. */
const MAX_DEPTH = 32;
/** Keys class-transformer crashes on, and that no DTO declares. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** NUL, or a UTF-16 surrogate without its pair: PostgreSQL stores neither in text nor in jsonb. */
// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * What no DTO can accept, refused before the transform instead of crashing it or the database later: pathological
 * nesting, prototype keys, and characters that cannot be stored. Returns the error for the first offender.
 */
export function unusableInput(value: unknown, path: string, depth: number): AppError | undefined {
  const at = path || 'body';
  if (typeof value === 'string')
    return UNSTORABLE.test(value) ? AppError.validation(at, `${at} contains a NUL character or ill-formed Unicode.`) : undefined;
  if (!value || typeof value !== 'object') return undefined;
  if (depth > MAX_DEPTH) return AppError.validation(at, `${at} is nested more than ${MAX_DEPTH} levels deep.`);
  const isArray = Array.isArray(value);
  for (const [key, v] of Object.entries(value)) {
    const inner = isArray ? `${at}[${key}]` : path ? `${path}.${key}` : key;
    // Never echo an unstorable key: the error itself is stored (idempotency records, audit).
    if (!isArray && UNSTORABLE.test(key)) return AppError.validation(at, `${at} has a key with a NUL character or ill-formed Unicode.`);
    if (!isArray && PROTOTYPE_KEYS.has(key)) return AppError.validation(inner, `${key} is not allowed as a key.`);
    const error = unusableInput(v, inner, depth + 1);
    if (error) return error;
  }
  return undefined;
}

const SWAGGER_PROPERTY = 'swagger/apiModelProperties';

/**
 * `null` for a documented field whose documentation does not allow null (`nullable: true` means "null clears it")
 * is taken as "not given": @IsOptional lets null through, and a service would otherwise write it into a column
 * that cannot hold it. Assistants in particular send null for every optional argument they leave out.
 */
function withoutUndocumentedNulls(cls: Ctor<object>, plain: Record<string, unknown>): Record<string, unknown> {
  let out = plain;
  for (const [key, value] of Object.entries(plain)) {
    if (value !== null) continue;
    const meta = Reflect.getMetadata(SWAGGER_PROPERTY, cls.prototype as object, key) as { nullable?: boolean } | undefined;
    if (!meta || meta.nullable === true) continue;
    if (out === plain) out = { ...plain };
    delete out[key];
  }
  return out;
}
