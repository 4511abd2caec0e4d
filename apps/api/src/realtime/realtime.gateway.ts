import { Logger } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  type OnGatewayConnection,
  type OnGatewayInit,
} from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { AppError, validateDto, type TenantContext } from '#domain';
import { RealtimeSubscriptionDto } from '#domain/realtime/dto/realtime-subscription.dto.js';
import { RealtimeAccessService } from '#domain/realtime/realtime-access.service.js';
import { REALTIME_NAMESPACE, RealtimeServer, rooms } from '#realtime';

/** What `subscribe` / `unsubscribe` acknowledge. */
export type RealtimeAck = { ok: true; room: string } | { ok: false; error: { code: string; message: string; param?: string } };

interface SocketData {
  tenant: TenantContext;
}

/**
 * Socket.IO namespace /v1. The handshake (`auth: { token }`, an API key or a realtime token) is checked in the
 * namespace middleware, so a rejected client gets `connect_error` with `err.data = { type, code, message }` and never
 * joins a room. Tokens are not ambient credentials (no cookies), so any origin may connect.
 */
@WebSocketGateway({ namespace: REALTIME_NAMESPACE, cors: { origin: '*' } })
export class RealtimeGateway implements OnGatewayInit<Namespace>, OnGatewayConnection<Socket> {
  private readonly logger = new Logger('Realtime');

  constructor(
    private readonly access: RealtimeAccessService,
    private readonly server: RealtimeServer,
  ) {}

  afterInit(nsp: Namespace): void {
    nsp.use((socket, next) => {
      this.access.authenticate((socket.handshake.auth as { token?: unknown } | undefined)?.token).then(
        (tenant) => {
          (socket.data as SocketData).tenant = tenant;
          next();
        },
        (err: unknown) => next(this.connectError(err)),
      );
    });
    this.server.attach(nsp);
  }

  /** Synchronous on purpose: the socket is in its org room before the client sees `connect`. */
  handleConnection(socket: Socket): void {
    const { tenant } = socket.data as SocketData;
    void socket.join(rooms.org(tenant.organizationId));
  }

  @SubscribeMessage('subscribe')
  subscribe(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): Promise<RealtimeAck> {
    return this.answer(socket, body, async (tenant, target) => {
      const room = await this.access.roomToJoin(tenant, target);
      if (socket.connected) await socket.join(room); // joining a socket that left meanwhile would leak the room
      return room;
    });
  }

  @SubscribeMessage('unsubscribe')
  unsubscribe(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): Promise<RealtimeAck> {
    return this.answer(socket, body, async (tenant, target) => {
      const room = await this.access.roomToLeave(tenant, target);
      await socket.leave(room);
      return room;
    });
  }

  /** Validates the message with its DTO and turns every outcome into an ack (never Nest's `exception` event). */
  private async answer(
    socket: Socket,
    body: unknown,
    run: (tenant: TenantContext, target: { conversationId?: string; phoneNumberId?: string }) => Promise<string>,
  ): Promise<RealtimeAck> {
    try {
      const dto = await validateDto(RealtimeSubscriptionDto, body);
      const room = await run((socket.data as SocketData).tenant, { conversationId: dto.conversation_id, phoneNumberId: dto.phone_number_id });
      return { ok: true, room };
    } catch (err) {
      const { code, message, param } = this.asAppError(err).toBody().error as { code: string; message: string; param?: string };
      return { ok: false, error: { code, message, ...(param ? { param } : {}) } };
    }
  }

  private connectError(err: unknown): Error {
    const appError = this.asAppError(err);
    return Object.assign(new Error(appError.message), { data: appError.toBody().error });
  }

  private asAppError(err: unknown): AppError {
    if (err instanceof AppError) return err;
    this.logger.error({ err: err instanceof Error ? { message: err.message, stack: err.stack } : err }, 'realtime request failed');
    return new AppError('internal_error');
  }
}
