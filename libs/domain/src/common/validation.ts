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
  const instance = plainToInstance(cls, plain as object, { enableImplicitConversion: false, exposeDefaultValues: true });
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
  if (constraints.whitelistValidation) return new AppError('unknown_parameter', `Unknown parameter: ${path}.`, { param: path });
  const message = Object.values(constraints)[0] ?? `${path} is invalid.`;
  return AppError.validation(path, message.startsWith(first.property) ? message.replace(first.property, path) : `${path}: ${message}`);
}
