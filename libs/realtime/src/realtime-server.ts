import { Injectable } from '@nestjs/common';
import type { Namespace } from 'socket.io';

/**
 * The `/v1` namespace of this process' Socket.IO server, handed over by the gateway once Nest has created it.
 * The publisher reads it here because the gateway is a transport in the api app and the publisher is a library
 * provider that domain services depend on.
 */
@Injectable()
export class RealtimeServer {
  private nsp: Namespace | undefined;

  attach(nsp: Namespace): void {
    this.nsp = nsp;
  }

  get namespace(): Namespace | undefined {
    return this.nsp;
  }
}
