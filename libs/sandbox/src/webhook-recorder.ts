import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyMetaSignature, type InboundMessage, type WebhookChange, type WebhookEnvelope, type WebhookStatus } from '#whatsapp';

export interface RecordedWebhook {
  raw: Buffer;
  body: WebhookEnvelope;
  signature: string | undefined;
  /** X-Hub-Signature-256 checked against the raw bytes with the recorder's secret. */
  validSignature: boolean;
  /** The status this recorder answered. */
  answered: number;
  receivedAt: number;
}

/**
 * A stand-in for a product's webhook endpoint, for tests: records every POST, checks its Meta signature, answers 200
 * (or the statuses queued with `failNext`).
 */
export class WebhookRecorder {
  readonly received: RecordedWebhook[] = [];
  private readonly queued: number[] = [];

  private constructor(
    private readonly server: http.Server,
    public secret: string,
  ) {}

  static async start(secret: string): Promise<WebhookRecorder> {
    const server = http.createServer();
    const recorder = new WebhookRecorder(server, secret);
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => recorder.handle(req, res, Buffer.concat(chunks)));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return recorder;
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/webhooks/meta`;
  }

  /** Answer the next POSTs with these statuses (then 200 again). */
  failNext(...statuses: number[]): void {
    this.queued.push(...statuses);
  }

  /** Accepted (200) deliveries only. */
  get accepted(): RecordedWebhook[] {
    return this.received.filter((r) => r.answered === 200);
  }

  changes(field?: string): (WebhookChange & { wabaId: string })[] {
    return this.accepted.flatMap((r) =>
      r.body.entry.flatMap((e) => e.changes.filter((c) => !field || c.field === field).map((c) => ({ ...c, wabaId: e.id }))),
    );
  }

  /** Every status update accepted, in arrival order, with the number it concerns. */
  statuses(): (WebhookStatus & { phone_number_id: string })[] {
    return this.changes('messages').flatMap((c) => {
      const v = c.value as { metadata: { phone_number_id: string }; statuses?: WebhookStatus[] };
      return (v.statuses ?? []).map((s) => ({ ...s, phone_number_id: v.metadata.phone_number_id }));
    });
  }

  messages(): (InboundMessage & { phone_number_id: string })[] {
    return this.changes('messages').flatMap((c) => {
      const v = c.value as { metadata: { phone_number_id: string }; messages?: InboundMessage[] };
      return (v.messages ?? []).map((m) => ({ ...m, phone_number_id: v.metadata.phone_number_id }));
    });
  }

  async waitFor<T>(probe: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = probe();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`WebhookRecorder: condition not met within ${timeoutMs} ms (${this.received.length} POSTs received)`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  clear(): void {
    this.received.length = 0;
    this.queued.length = 0;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse, raw: Buffer): void {
    const signature = req.headers['x-hub-signature-256'] as string | undefined;
    const answered = this.queued.shift() ?? 200;
    let body: WebhookEnvelope;
    try {
      body = JSON.parse(raw.toString('utf8')) as WebhookEnvelope;
    } catch {
      body = { object: 'whatsapp_business_account', entry: [] };
    }
    this.received.push({ raw, body, signature, validSignature: verifyMetaSignature(raw, signature, this.secret), answered, receivedAt: Date.now() });
    res.statusCode = answered;
    res.end(answered === 200 ? 'EVENT_RECEIVED' : 'error');
  }
}
