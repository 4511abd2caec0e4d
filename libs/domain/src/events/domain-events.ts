import { Injectable, Logger } from '@nestjs/common';
import { RealtimePublisher, type EventEnvelope, type EventScope, type RealtimeEventMap, type RealtimeEventName } from '#realtime';
import { newId } from '../common/ids.js';

/** Something else that wants every event (customer webhooks subscribe here). */
export abstract class EventSink {
  abstract handle(envelope: EventEnvelope, scope: EventScope): Promise<void>;
}

/**
 * The one place domain events leave a service: to realtime clients and to customer webhook subscriptions.
 * Call it AFTER the change has committed (events must never describe a rolled-back change); a failure to publish
 * is logged, never thrown into the caller, because the change itself succeeded.
 */
@Injectable()
export class DomainEvents {
  private readonly logger = new Logger('DomainEvents');
  private readonly sinks: EventSink[] = [];

  constructor(private readonly realtime: RealtimePublisher) {}

  addSink(sink: EventSink): void {
    this.sinks.push(sink);
  }

  async emit<N extends RealtimeEventName>(organizationId: string, type: N, data: RealtimeEventMap[N], scope: EventScope = {}): Promise<void> {
    const envelope: EventEnvelope<N> = { id: newId('webhookEvent'), type, created_at: new Date().toISOString(), organization_id: organizationId, data };
    await Promise.all(
      [this.realtime.publish(envelope, scope), ...this.sinks.map((s) => s.handle(envelope as EventEnvelope, scope))].map((p) =>
        p.catch((err: unknown) => this.logger.warn({ err: String(err), type, organizationId }, 'event delivery failed')),
      ),
    );
  }
}
