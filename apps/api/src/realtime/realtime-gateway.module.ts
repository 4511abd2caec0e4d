import { Module } from '@nestjs/common';
import { RealtimeAccessModule } from '#domain/realtime/realtime-access.module.js';
import { RealtimeGateway } from './realtime.gateway.js';

/** The Socket.IO front door of the api process (namespace /v1); publishing is RealtimeModule's job. */
@Module({
  imports: [RealtimeAccessModule],
  providers: [RealtimeGateway],
})
export class RealtimeGatewayModule {}
