import { Injectable } from '@nestjs/common';
import { RealtimePublisher, type EventEnvelope, type EventScope, type RealtimeEventName } from './event-map.js';
import { RealtimeServer } from './realtime-server.js';
import { targetRooms } from './realtime-routing.js';

/**
 * Publisher of the api process (and of the embedded default): emits through this process' Socket.IO server. With
 * the Redis adapter installed the same emit also reaches the sockets of every other api process.
 */
@Injectable()
export class SocketServerPublisher extends RealtimePublisher {
  constructor(private readonly server: RealtimeServer) {
    super();
  }

  async publish<N extends RealtimeEventName>(envelope: EventEnvelope<N>, scope: EventScope = {}): Promise<void> {
    // No gateway in this process yet (booting, or an application context without HTTP): nobody to deliver to.
    const nsp = this.server.namespace;
    if (!nsp) return;
    nsp.to(targetRooms(envelope.organization_id, scope)).emit(envelope.type, envelope);
  }
}
