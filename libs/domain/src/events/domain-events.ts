import { Injectable, Logger } from '@nestjs/common';
import { PrismaService } from '#db';
import { RealtimePublisher, type EventEnvelope, type EventScope, type RealtimeEventMap, type RealtimeEventName } from '#realtime';
import { newId } from '../common/ids.js';

/** Something else that wants every event (customer webhooks subscribe here). */
export abstract class EventSink {
  /** Records the event. Inside a transaction its writes join it, and anything another process acts on waits for the commit. */
  abstract handle(envelope: EventEnvelope, scope: EventScope): Promise<void>;
  /** Whether this sink writes anything for the organization's events (so the change needs a transaction). None: no. */
  recordsFor?(organizationId: string): Promise<boolean>;
}

/**
 * The one place domain events leave a service: to realtime clients and to customer webhook subscriptions.
 *
 * Emitted inside the transaction of the change it describes, an event is an outbox entry: the sinks' records (customer
 * webhook deliveries) commit with the change or not at all, so a crash or a lost database connection between the two
 * can no longer drop an event, and a failure to record it rolls the change back (the caller retries both).
 * Realtime follows the commit. Emitted outside a transaction (after a commit), a failure to publish is logged,
 * never thrown into the caller, because the change itself succeeded — the older, lossy form, kept for events whose
 * change commits elsewhere.
 */
@Injectable()
export class DomainEvents {
  private readonly logger = new Logger('DomainEvents');
  private readonly sinks: EventSink[] = [];

  constructor(
    private readonly realtime: RealtimePublisher,
    private readonly prisma: PrismaService,
  ) {}

  addSink(sink: EventSink): void {
    this.sinks.push(sink);
  }

  async emit<N extends RealtimeEventName>(organizationId: string, type: N, data: RealtimeEventMap[N], scope: EventScope = {}): Promise<void> {
    const envelope: EventEnvelope<N> = { id: newId('webhookEvent'), type, created_at: new Date().toISOString(), organization_id: organizationId, data };
    if (this.prisma.inTransaction) {
      for (const sink of this.sinks) await sink.handle(envelope as EventEnvelope, scope);
      // Realtime must never announce a change that then rolls back.
      this.prisma.afterCommit(() => void this.logged(this.realtime.publish(envelope, scope), type, organizationId));
      return;
    }
    await Promise.all(
      [this.realtime.publish(envelope, scope), ...this.sinks.map((s) => s.handle(envelope as EventEnvelope, scope))].map((p) =>
        this.logged(p, type, organizationId),
      ),
    );
  }

  /**
   * Runs `change` (a state change and the emits that describe it) in one transaction when a sink records the
   * organization's events, so the records commit with the change. Without one — realtime only, the common case —
   * no transaction is opened: realtime is sent after the change either way.
   */
  async committedWith<T>(organizationId: string, change: () => Promise<T>): Promise<T> {
    if (this.prisma.inTransaction) return change();
    const records = await Promise.all(this.sinks.map((s) => s.recordsFor?.(organizationId) ?? false));
    return records.some(Boolean) ? this.prisma.transaction(change) : change();
  }

  private logged(p: Promise<unknown>, type: string, organizationId: string): Promise<unknown> {
    return p.catch((err: unknown) => this.logger.warn({ err: String(err), type, organizationId }, 'event delivery failed'));
  }
}
