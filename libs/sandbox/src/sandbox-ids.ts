import crypto from 'node:crypto';

/** Meta-style numeric id (phone numbers, WABAs, media, templates are 15-16 digit strings). */
export function numericId(length = 15): string {
  const digits = Array.from(crypto.randomBytes(length), (b) => String(b % 10));
  digits[0] = String(1 + (crypto.randomBytes(1)[0] % 9));
  return digits.join('');
}

let wamidCounter = 0;

/** `wamid.` + base64 of a protobuf-like blob holding the customer's number and a unique id, like Meta's. */
export function newWamid(customerDigits: string): string {
  wamidCounter = (wamidCounter + 1) % 0xffffff;
  const phone = Buffer.from(customerDigits || '0', 'ascii');
  const unique = (crypto.randomBytes(8).toString('hex') + wamidCounter.toString(16).padStart(6, '0')).toUpperCase();
  const blob = Buffer.concat([
    Buffer.from([0x1c, 0x18, phone.length]),
    phone,
    Buffer.from([0x15, 0x02, 0x00, 0x12, 0x18, unique.length]),
    Buffer.from(unique, 'ascii'),
    Buffer.from([0x00]),
  ]);
  return `wamid.${blob.toString('base64')}`;
}

export function newAccessToken(): string {
  // Shaped like a system-user token: "EAA" + opaque base62-ish text.
  return `EAAS${crypto.randomBytes(48).toString('base64url').replace(/[-_]/g, 'Z')}`;
}

export function newFbtraceId(): string {
  return `A${crypto.randomBytes(16).toString('base64url').slice(0, 22)}`;
}

/** Digits of a phone number given as E.164 with or without '+', spaces, dashes or parentheses. */
export function phoneDigits(input: string): string {
  return input.replace(/[\s()+.-]/g, '');
}
