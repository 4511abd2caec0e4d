import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EventEnvelope } from '#realtime';
import { DomainEvents, EventSink } from '../events/domain-events.js';
import { WebhookDeliveriesService } from './webhook-deliveries.service.js';

/**
 * Turns every domain event into deliveries for the organization's matching subscriptions. Registered in whichever
 * process emits events (api, worker, embedded), after the change committed.
 *
 * Known gap: the event is not written in the same transaction as the change that caused it, so a process dying
 * between that commit and this sink loses the event's deliveries (there is no outbox).
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
}
