import crypto from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { SandboxAdminError } from './sandbox-admin.error.js';
import { phoneDigits } from './sandbox-ids.js';

export type FaultEffect =
  | { kind: 'sync_error'; code: number; http_status?: number; title?: string; details?: string }
  | { kind: 'async_failed'; code: number; title?: string; details?: string }
  | { kind: 'http_500' }
  | { kind: 'timeout'; ms: number };

/** A failure-injection rule (POST /_sandbox/faults). Wire shape: snake_case. */
export interface FaultRule {
  id: string;
  match: { to?: string; phone_number_id?: string };
  rate: number;
  effect: FaultEffect;
  /** Apply at most this many times; null = unlimited. */
  count: number | null;
  applied: number;
}

const MAX_TIMEOUT_MS = 120_000;

@Injectable()
export class SandboxFaults {
  private rules: FaultRule[] = [];

  list(): FaultRule[] {
    return this.rules;
  }

  /** Accepts one rule or `{ rules: [...] }`; returns the installed rules. */
  add(input: unknown): FaultRule[] {
    const items = isObject(input) && Array.isArray(input.rules) ? input.rules : [input];
    const parsed = items.map(parseRule);
    this.rules.push(...parsed);
    return parsed;
  }

  clear(): void {
    this.rules = [];
  }

  /** The first rule that matches this send and fires (its rate), counting the application. */
  take(phoneNumberId: string, toDigits: string): FaultRule | undefined {
    for (const rule of this.rules) {
      if (rule.count !== null && rule.applied >= rule.count) continue;
      if (rule.match.phone_number_id && rule.match.phone_number_id !== phoneNumberId) continue;
      if (rule.match.to && rule.match.to !== toDigits) continue;
      if (rule.rate < 1 && Math.random() >= rule.rate) continue;
      rule.applied++;
      return rule;
    }
    return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function parseRule(input: unknown): FaultRule {
  if (!isObject(input)) throw new SandboxAdminError(400, 'A fault rule must be a JSON object');
  const match = input.match === undefined ? {} : input.match;
  if (!isObject(match)) throw new SandboxAdminError(400, 'match must be an object { to?, phone_number_id? }');
  const out: FaultRule['match'] = {};
  if (match.to !== undefined) {
    if (typeof match.to !== 'string' || !/^\d{5,15}$/.test(phoneDigits(match.to))) throw new SandboxAdminError(400, 'match.to must be a phone number');
    out.to = phoneDigits(match.to);
  }
  if (match.phone_number_id !== undefined) {
    if (typeof match.phone_number_id !== 'string') throw new SandboxAdminError(400, 'match.phone_number_id must be a string');
    out.phone_number_id = match.phone_number_id;
  }
  const rate = input.rate === undefined ? 1 : input.rate;
  if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) throw new SandboxAdminError(400, 'rate must be a number from 0 to 1');
  const count = input.count === undefined || input.count === null ? null : input.count;
  if (count !== null && (typeof count !== 'number' || !Number.isInteger(count) || count < 1)) throw new SandboxAdminError(400, 'count must be a positive integer');
  return { id: `flt_${crypto.randomBytes(6).toString('hex')}`, match: out, rate, effect: parseEffect(input.effect), count, applied: 0 };
}

function parseEffect(e: unknown): FaultEffect {
  if (!isObject(e)) throw new SandboxAdminError(400, 'effect must be an object with a kind');
  const text = (v: unknown, key: string) => {
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw new SandboxAdminError(400, `effect.${key} must be a string`);
    return v;
  };
  const code = () => {
    if (typeof e.code !== 'number' || !Number.isInteger(e.code) || e.code < 0) throw new SandboxAdminError(400, 'effect.code must be a Meta error code (integer)');
    return e.code;
  };
  switch (e.kind) {
    case 'sync_error': {
      const status = e.http_status;
      if (status !== undefined && (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599))
        throw new SandboxAdminError(400, 'effect.http_status must be an integer from 400 to 599');
      return { kind: 'sync_error', code: code(), http_status: status as number | undefined, title: text(e.title, 'title'), details: text(e.details, 'details') };
    }
    case 'async_failed':
      return { kind: 'async_failed', code: code(), title: text(e.title, 'title'), details: text(e.details, 'details') };
    case 'http_500':
      return { kind: 'http_500' };
    case 'timeout': {
      if (typeof e.ms !== 'number' || !Number.isInteger(e.ms) || e.ms < 0 || e.ms > MAX_TIMEOUT_MS)
        throw new SandboxAdminError(400, `effect.ms must be an integer from 0 to ${MAX_TIMEOUT_MS}`);
      return { kind: 'timeout', ms: e.ms };
    }
    default:
      throw new SandboxAdminError(400, 'effect.kind must be sync_error, async_failed, http_500 or timeout');
  }
}
