import dns from 'node:dns/promises';
import net from 'node:net';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '#config';
import { classifyAddress } from './address-policy.js';
import { WebhookTargetRefused } from './webhook-target-refused.error.js';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

const MAX_URL_LENGTH = 2048;

/**
 * SSRF guard for customer webhook URLs, used at registration, before every send and after every redirect. Refuses
 * non-https schemes, credentials in URLs, and hosts of which ANY resolved address is not public (loopback, private,
 * link-local, CGNAT, multicast, metadata…) — unless WEBHOOKS_ALLOW_PRIVATE_TARGETS (development and tests).
 * The sender connects only to the addresses returned here, so a DNS answer that changes between the check and the
 * connection (rebinding) cannot redirect the request.
 */
@Injectable()
export class WebhookTargetGuard {
  /** DNS, replaceable in tests so host names can be mapped without a resolver. */
  resolveHost: (hostname: string) => Promise<ResolvedAddress[]> = async (hostname) =>
    (await dns.lookup(hostname, { all: true, verbatim: true })).map((a) => ({
      address: a.address,
      family: a.family === 6 ? 6 : 4,
    }));

  constructor(private readonly config: AppConfig) {}

  get allowPrivate(): boolean {
    return this.config.webhooksAllowPrivateTargets;
  }

  /** Checks that need no network. */
  parse(raw: string): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new WebhookTargetRefused('invalid', 'url must be an absolute URL.');
    }
    if (raw.length > MAX_URL_LENGTH)
      throw new WebhookTargetRefused('invalid', `url must be at most ${MAX_URL_LENGTH} characters.`);
    if (!this.allowsProtocol(url.protocol))
      throw new WebhookTargetRefused(
        'scheme',
        this.allowPrivate ? 'url must use https or http.' : 'url must use https.',
      );
    if (url.username || url.password)
      throw new WebhookTargetRefused(
        'credentials',
        'url must not contain credentials; the signature authenticates deliveries.',
      );
    if (!url.hostname) throw new WebhookTargetRefused('invalid', 'url must name a host.');
    return url;
  }

  /** Every address of the host, all checked; the caller must connect to one of these and nothing else. */
  async resolve(url: URL): Promise<ResolvedAddress[]> {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    let addresses: ResolvedAddress[];
    if (net.isIP(host)) addresses = [{ address: host, family: net.isIPv6(host) ? 6 : 4 }];
    else {
      try {
        addresses = await this.resolveHost(host);
      } catch (err) {
        throw new WebhookTargetRefused(
          'unresolvable',
          `${host} does not resolve (${(err as NodeJS.ErrnoException).code ?? String(err)}).`,
        );
      }
      if (addresses.length === 0) throw new WebhookTargetRefused('unresolvable', `${host} does not resolve.`);
    }
    for (const { address } of addresses)
      if (!this.allowsAddress(address))
        throw new WebhookTargetRefused(
          'address',
          `${host} resolves to ${address}, a ${classifyAddress(address).replace('_', '-')} address.`,
        );
    return addresses;
  }

  /** Registration: the shape always, the addresses unless private targets are allowed (they may not resolve yet in dev). */
  async check(raw: string): Promise<URL> {
    const url = this.parse(raw);
    if (!this.allowPrivate) await this.resolve(url);
    return url;
  }

  protected allowsProtocol(protocol: string): boolean {
    return protocol === 'https:' || (protocol === 'http:' && this.allowPrivate);
  }

  protected allowsAddress(address: string): boolean {
    return this.allowPrivate || classifyAddress(address) === 'public';
  }
}
