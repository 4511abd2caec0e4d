import crypto from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { SandboxAdminError } from './sandbox-admin.error.js';
import { SandboxGraphError } from './sandbox-graph.error.js';
import { newAccessToken, numericId, phoneDigits } from './sandbox-ids.js';
import { SandboxRateLimits } from './sandbox-rate-limits.js';
import { SandboxSettings } from './sandbox-settings.js';
import type { SandboxNumber, SandboxWaba } from './sandbox-state.types.js';
import { SandboxStore } from './sandbox.store.js';
import type { WebhookTarget } from './sandbox-webhook.emitter.js';

/** What POST /_sandbox/phone_numbers answers. */
export interface ProvisionedNumber {
  phone_number_id: string;
  waba_id: string;
  access_token: string;
  /** E.164 with '+'. */
  display_phone_number: string;
  verified_name: string;
  throughput_per_second: number;
  pair_rate_burst: number;
  webhook_url: string | null;
}

@Injectable()
export class SandboxNumbersService {
  constructor(
    private readonly store: SandboxStore,
    private readonly settings: SandboxSettings,
    private readonly limits: SandboxRateLimits,
  ) {}

  /** Creates a number (in a new WABA unless waba_id names an existing one). */
  provision(input: unknown): { number: SandboxNumber; waba: SandboxWaba; newWaba: boolean } {
    const b = (input ?? {}) as Record<string, unknown>;
    if (typeof b !== 'object' || Array.isArray(b)) throw new SandboxAdminError(400, 'The body must be a JSON object');
    const str = (k: string, max: number) => {
      const v = b[k];
      if (v === undefined || v === null) return undefined;
      if (typeof v !== 'string' || v.trim() === '' || v.length > max) throw new SandboxAdminError(400, `${k} must be a non-empty string of at most ${max} characters`);
      return v.trim();
    };
    const int = (k: string, dflt: number, min: number, max: number) => {
      const v = b[k];
      if (v === undefined || v === null) return dflt;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new SandboxAdminError(400, `${k} must be an integer from ${min} to ${max}`);
      return v;
    };
    let digits = str('display_phone_number', 30);
    if (digits !== undefined) {
      digits = phoneDigits(digits);
      if (!/^\d{8,15}$/.test(digits)) throw new SandboxAdminError(400, 'display_phone_number must be a phone number (E.164, with or without +)');
      if ([...this.store.numbers.values()].some((n) => n.display_phone_number === digits))
        throw new SandboxAdminError(409, `display_phone_number ${digits} is already provisioned`);
    } else {
      digits = this.freeTestNumber();
    }
    const webhookUrl = str('webhook_url', 2000);
    if (webhookUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(webhookUrl)) throw new SandboxAdminError(400, 'webhook_url must be an http(s) URL');
    if (b.subscribed !== undefined && typeof b.subscribed !== 'boolean') throw new SandboxAdminError(400, 'subscribed must be true or false');

    const wabaId = str('waba_id', 30);
    let waba: SandboxWaba | undefined;
    let newWaba = false;
    if (wabaId !== undefined) {
      waba = this.store.wabas.get(wabaId);
      if (!waba) throw new SandboxAdminError(404, `No sandbox WABA ${wabaId}`);
    } else {
      newWaba = true;
      waba = {
        id: this.freeId(),
        name: str('verified_name', 100) ?? 'Sandbox Business',
        currency: 'USD',
        timezone_id: '1',
        message_template_namespace: crypto.randomUUID().replace(/-/g, '_'),
        subscribed: (b.subscribed as boolean | undefined) ?? true,
      };
      this.store.wabas.set(waba.id, waba);
    }
    const number: SandboxNumber = {
      phone_number_id: this.freeId(),
      waba_id: waba.id,
      access_token: newAccessToken(),
      expired_tokens: [],
      display_phone_number: digits,
      verified_name: str('verified_name', 100) ?? 'Sandbox Business',
      quality_rating: 'GREEN',
      throughput_per_second: int('throughput_per_second', 80, 1, 1000),
      pair_rate_burst: int('pair_rate_burst', 45, 1, 1000),
      pair_rate_interval_ms: int('pair_rate_interval_ms', 6000, 1, 3_600_000),
      ...(str('app_secret', 500) !== undefined ? { app_secret: str('app_secret', 500) } : {}),
      ...(webhookUrl !== undefined ? { webhook_url: webhookUrl } : {}),
      created_at: new Date().toISOString(),
    };
    this.store.numbers.set(number.phone_number_id, number);
    this.store.save();
    return { number, waba, newWaba };
  }

  toProvisioned(n: SandboxNumber): ProvisionedNumber {
    return {
      phone_number_id: n.phone_number_id,
      waba_id: n.waba_id,
      access_token: n.access_token,
      display_phone_number: `+${n.display_phone_number}`,
      verified_name: n.verified_name,
      throughput_per_second: n.throughput_per_second,
      pair_rate_burst: n.pair_rate_burst,
      webhook_url: this.webhookTarget(n).url ?? null,
    };
  }

  list(): SandboxNumber[] {
    return [...this.store.numbers.values()];
  }

  get(phoneNumberId: string): SandboxNumber {
    const n = this.store.numbers.get(phoneNumberId);
    if (!n) throw new SandboxAdminError(404, `No sandbox phone number ${phoneNumberId}`);
    return n;
  }

  /** Replaces the number's token; the old one now answers 190 "Session has expired" (subcode 463). */
  expireToken(phoneNumberId: string): SandboxNumber {
    const n = this.get(phoneNumberId);
    n.expired_tokens.push(n.access_token);
    n.access_token = newAccessToken();
    this.store.save();
    return n;
  }

  /** Changes limits or webhook routing of a number (PATCH /_sandbox/phone_numbers/:id). */
  update(phoneNumberId: string, input: unknown): SandboxNumber {
    const n = this.get(phoneNumberId);
    const b = (input ?? {}) as Record<string, unknown>;
    for (const k of ['throughput_per_second', 'pair_rate_burst', 'pair_rate_interval_ms'] as const) {
      if (b[k] === undefined) continue;
      const v = b[k];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new SandboxAdminError(400, `${k} must be a positive integer`);
      n[k] = v;
    }
    for (const k of ['webhook_url', 'app_secret'] as const) {
      if (b[k] === undefined) continue;
      if (b[k] === null) delete n[k];
      else if (typeof b[k] === 'string' && b[k]) n[k] = b[k];
      else throw new SandboxAdminError(400, `${k} must be a string or null`);
    }
    if (b.quality_rating !== undefined) {
      if (!['GREEN', 'YELLOW', 'RED', 'UNKNOWN'].includes(b.quality_rating as string)) throw new SandboxAdminError(400, 'quality_rating must be GREEN, YELLOW, RED or UNKNOWN');
      n.quality_rating = b.quality_rating as SandboxNumber['quality_rating'];
    }
    this.limits.clear(phoneNumberId);
    this.store.save();
    return n;
  }

  webhookTarget(n: SandboxNumber): WebhookTarget {
    return { url: n.webhook_url ?? this.settings.webhookUrl, secret: n.app_secret ?? this.settings.appSecret };
  }

  /** The number a Graph call acts as: `Authorization: Bearer <token>` (or `access_token=`), else Meta's 401 / 190. */
  authenticate(authorization: string | undefined, queryToken: unknown): SandboxNumber {
    const fromHeader = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    const token = fromHeader ?? (typeof queryToken === 'string' && queryToken ? queryToken : undefined);
    if (!token) {
      throw new SandboxGraphError(190, {
        message: 'An active access token must be used to query information about the current user.',
        httpStatus: 401,
        core: true,
      });
    }
    for (const n of this.store.numbers.values()) {
      if (n.access_token === token) return n;
      if (n.expired_tokens.includes(token)) {
        const when = new Date(Date.now() - 3_600_000).toUTCString();
        throw new SandboxGraphError(190, {
          message: `Error validating access token: Session has expired on ${when}. The current time is ${new Date().toUTCString()}.`,
          httpStatus: 401,
          subcode: 463,
          core: true,
        });
      }
    }
    throw new SandboxGraphError(190, { message: 'Invalid OAuth access token - Cannot parse access token', httpStatus: 401, core: true });
  }

  /** A number the caller's token may act on (same WABA), else Graph's "object does not exist" (100/33). */
  ownedNumber(caller: SandboxNumber, phoneNumberId: string, method: string): SandboxNumber {
    const n = this.store.numbers.get(phoneNumberId);
    if (!n || n.waba_id !== caller.waba_id) throw SandboxGraphError.unknownObject(phoneNumberId, method);
    return n;
  }

  ownedWaba(caller: SandboxNumber, wabaId: string, method: string): SandboxWaba {
    const w = this.store.wabas.get(wabaId);
    if (!w || w.id !== caller.waba_id) throw SandboxGraphError.unknownObject(wabaId, method);
    return w;
  }

  private freeId(): string {
    for (;;) {
      const id = numericId(15);
      if (!this.store.idTaken(id)) return id;
    }
  }

  /** +1 555 01xx xxxx: the fictional-number range, unique among provisioned numbers. */
  private freeTestNumber(): string {
    for (;;) {
      const digits = `1555${String(Math.floor(Math.random() * 10_000_000)).padStart(7, '0')}`;
      if (![...this.store.numbers.values()].some((n) => n.display_phone_number === digits)) return digits;
    }
  }
}
