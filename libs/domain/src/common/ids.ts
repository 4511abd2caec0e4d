import crypto from 'node:crypto';

/** Every resource's id prefix. Ids are `<prefix>_<26 chars>`, sortable by creation time (ULID layout). */
export const ID_PREFIX = {
  organization: 'org',
  apiKey: 'key',
  phoneNumber: 'pn',
  contact: 'ctc',
  conversation: 'cnv',
  message: 'msg',
  template: 'tpl',
  label: 'lbl',
  note: 'note',
  media: 'med',
  webhookSubscription: 'whs',
  webhookDelivery: 'whd',
  webhookAttempt: 'wha',
  webhookEvent: 'evt',
  audit: 'aud',
  inboundEvent: 'iev',
  broadcast: 'brd',
  broadcastRecipient: 'brr',
  request: 'req',
} as const;

export type IdKind = keyof typeof ID_PREFIX;

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower case
let lastTime = 0;
let lastRandom: Uint8Array = new Uint8Array(10);

/** 48-bit millisecond time + 80 random bits; monotonic within one process and millisecond. */
export function ulid(now = Date.now()): string {
  let random: Uint8Array;
  if (now <= lastTime) {
    random = increment(lastRandom);
    now = lastTime;
  } else {
    random = crypto.randomBytes(10);
  }
  lastTime = now;
  lastRandom = random;
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  let bits = 0n;
  for (const b of random) bits = (bits << 8n) | BigInt(b);
  let rand = '';
  for (let i = 0; i < 16; i++) {
    rand = ALPHABET[Number(bits & 31n)] + rand;
    bits >>= 5n;
  }
  return time + rand;
}

function increment(bytes: Uint8Array): Uint8Array {
  const out = Uint8Array.from(bytes);
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i] < 255) {
      out[i]++;
      return out;
    }
    out[i] = 0;
  }
  return crypto.randomBytes(10); // overflow of 80 bits within one millisecond: practically unreachable
}

export function newId(kind: IdKind): string {
  return `${ID_PREFIX[kind]}_${ulid()}`;
}

/** True when `value` looks like one of our ids of this kind (no database lookup). */
export function isId(kind: IdKind, value: unknown): value is string {
  return typeof value === 'string' && new RegExp(`^${ID_PREFIX[kind]}_[0-9a-hjkmnp-tv-z]{26}$`).test(value);
}

/**
 * The smallest id of this kind that `newId` could issue at `at` (ids sort by creation time): `id >= idFloor(…)`
 * selects the rows created since `at` through the (organization_id, id) indexes.
 */
export function idFloor(kind: IdKind, at: Date): string {
  let t = Math.max(0, Math.floor(at.getTime()));
  let time = '';
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  return `${ID_PREFIX[kind]}_${time}${'0'.repeat(16)}`;
}
