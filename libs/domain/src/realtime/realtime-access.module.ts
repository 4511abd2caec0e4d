import { Module } from '@nestjs/common';
import { RealtimeAccessRepository } from './realtime-access.repository.js';
import { RealtimeAccessService } from './realtime-access.service.js';

/** Realtime tokens and room ownership checks, for the Socket.IO gateway and POST /v1/realtime/tokens. */
@Module({
  providers: [RealtimeAccessRepository, RealtimeAccessService],
  exports: [RealtimeAccessService],
})
export class RealtimeAccessModule {}
