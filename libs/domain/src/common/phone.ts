import { AppError } from './app-error.js';

/** E.164: '+' then 8-15 digits, the first not 0. Input may omit '+' and contain spaces, dashes, dots, parentheses. */
export function normalizePhone(input: string, param = 'to'): string {
  const trimmed = input.trim();
  if (!/^\+?[\d\s().-]+$/.test(trimmed)) throw new AppError('invalid_phone_number', undefined, { param });
  const digits = trimmed.replace(/\D/g, '');
  if (!/^[1-9]\d{7,14}$/.test(digits)) throw new AppError('invalid_phone_number', undefined, { param });
  return `+${digits}`;
}

/** The Cloud API's `to` / `wa_id` form: digits only. */
export function toWaId(e164: string): string {
  return e164.replace(/^\+/, '');
}

export function isE164Like(input: string): boolean {
  try {
    normalizePhone(input);
    return true;
  } catch {
    return false;
  }
}
