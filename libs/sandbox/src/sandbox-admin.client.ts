import type { InboundMessage } from '#whatsapp';
import type { SandboxBehavior } from './sandbox-behavior.js';
import type { FaultEffect, FaultRule } from './sandbox-faults.js';
import type { InboundInjection } from './inbound-message.builder.js';
import type { LedgerCounts, LedgerEntry, LedgerQuery } from './sandbox-ledger.js';
import type { ProvisionedNumber } from './sandbox-numbers.service.js';
import type { DeliveryLogEntry } from './sandbox-webhook.emitter.js';

/** Wire shapes of the admin API (snake_case, as sent). */
export interface ProvisionNumberInput {
  display_phone_number?: string;
  verified_name?: string;
  throughput_per_second?: number;
  pair_rate_burst?: number;
  pair_rate_interval_ms?: number;
  app_secret?: string;
  webhook_url?: string;
  /** Add the number to an existing sandbox WABA (no template seeding). */
  waba_id?: string;
  /** Whether the new WABA starts subscribed to webhooks (default true; false until POST /{waba}/subscribed_apps). */
  subscribed?: boolean;
  seed_templates?: boolean;
}

export interface FaultRuleInput {
  match?: { to?: string; phone_number_id?: string };
  rate?: number;
  effect: FaultEffect;
  count?: number;
}

export interface InjectInboundResult {
  wamid: string;
  /** The webhook was answered 200 at the first attempt. */
  delivered: boolean;
  outcome: 'delivered' | 'failed' | 'dropped' | 'no_target' | 'not_subscribed';
  media_id?: string;
  message: InboundMessage;
}

export interface WebhookStats {
  pending: number;
  in_flight: number;
  counters: Record<'delivered' | 'failed' | 'dropped' | 'duplicated' | 'retried' | 'posts' | 'no_target' | 'not_subscribed', number>;
  recent: DeliveryLogEntry[];
}

export class SandboxAdminClientError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    route: string,
  ) {
    super(`Sandbox admin ${route} answered ${status}: ${JSON.stringify(body)}`);
  }
}

/** Client of the sandbox's admin API; `baseUrl` is the sandbox root (`http://host:port/sandbox` embedded). */
export class SandboxAdminClient {
  private readonly baseUrl: string;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  provisionNumber(input: ProvisionNumberInput = {}): Promise<ProvisionedNumber> {
    return this.call('POST', 'phone_numbers', input);
  }

  listNumbers(): Promise<{ data: ProvisionedNumber[] }> {
    return this.call('GET', 'phone_numbers');
  }

  updateNumber(phoneNumberId: string, patch: Partial<Pick<ProvisionNumberInput, 'throughput_per_second' | 'pair_rate_burst' | 'pair_rate_interval_ms' | 'app_secret' | 'webhook_url'>> & { quality_rating?: string }): Promise<ProvisionedNumber> {
    return this.call('PATCH', `phone_numbers/${encodeURIComponent(phoneNumberId)}`, patch);
  }

  /** Issues a new token; the old one now fails with 190 (session expired). */
  expireToken(phoneNumberId: string): Promise<ProvisionedNumber> {
    return this.call('POST', `phone_numbers/${encodeURIComponent(phoneNumberId)}/expire_token`);
  }

  injectInbound(input: InboundInjection): Promise<InjectInboundResult> {
    return this.call('POST', 'inbound', input);
  }

  setTemplateStatus(input: { phone_number_id?: string; waba_id?: string; name: string; language?: string; status: string; reason?: string }): Promise<{ data: unknown[] }> {
    return this.call('POST', 'templates/status', input);
  }

  async setFaults(rules: FaultRuleInput | FaultRuleInput[]): Promise<FaultRule[]> {
    const res = await this.call<{ rules: FaultRule[] }>('POST', 'faults', Array.isArray(rules) ? { rules } : rules);
    return res.rules;
  }

  async clearFaults(): Promise<void> {
    await this.call('DELETE', 'faults');
  }

  /** Replaces the behaviour: omitted fields return to their defaults. */
  setBehavior(behavior: Partial<SandboxBehavior>): Promise<SandboxBehavior> {
    return this.call('PUT', 'webhook_behavior', behavior);
  }

  /** Changes only the given fields of the behaviour (setBehavior resets the others to their defaults). */
  patchBehavior(behavior: Partial<SandboxBehavior>): Promise<SandboxBehavior> {
    return this.call('PATCH', 'webhook_behavior', behavior);
  }

  ledger(query: LedgerQuery = {}): Promise<{ data: LedgerEntry[]; counts: LedgerCounts }> {
    const qs = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined) as [string, string][]).toString();
    return this.call('GET', `ledger${qs ? `?${qs}` : ''}`);
  }

  webhooks(): Promise<WebhookStats> {
    return this.call('GET', 'webhooks');
  }

  async reset(): Promise<void> {
    await this.call('POST', 'reset');
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}/_sandbox/${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await res.text();
    let json: unknown = text;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      // keep the text
    }
    if (!res.ok) throw new SandboxAdminClientError(res.status, json, `${method} /_sandbox/${path}`);
    return json as T;
  }
}
