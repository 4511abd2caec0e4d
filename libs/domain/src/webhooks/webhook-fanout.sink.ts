import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EventEnvelope } from '#realtime';
import { DomainEvents, EventSink } from '../events/domain-events.js';
import { WebhookDeliveriesService } from './webhook-deliveries.service.js';

/**
 * Turns every domain event into deliveries for the organization's matching subscriptions. Registered in whichever
 * process emits events (api, worker, embedded). Emitted inside the change's transaction (DomainEvents), the
 * deliveries commit with the change; see DomainEvents for the events still emitted after a commit.
 */
@Injectable()
export class WebhookFanoutSink extends EventSink implements OnModuleInit {
  constructor(
    private readonly events: DomainEvents,
    private readonly deliveries: WebhookDeliveriesService,
  ) {
    super();
  }

  onModuleInit(): void {
    this.events.addSink(this);
  }

  async handle(envelope: EventEnvelope): Promise<void> {
    await this.deliveries.fanOut(envelope);
  }

  override recordsFor(organizationId: string): Promise<boolean> {
    return this.deliveries.hasActiveSubscriptions(organizationId);
  }
}
