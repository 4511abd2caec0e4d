import { Injectable } from '@nestjs/common';
import { PrismaService } from '#db';

/**
 * The lookups realtime access needs, each one indexed and scoped by organization. Kept apart from the feature
 * repositories so that the socket layer depends on nothing but existence and ownership.
 */
@Injectable()
export class RealtimeAccessRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The key behind a realtime token, if it still exists and is not revoked (primary-key lookup). */
  findActiveApiKey(organizationId: string, id: string): Promise<{ id: string; scope: string; mode: string } | null> {
    return this.prisma.db.apiKey.findFirst({ where: { organizationId, id, revokedAt: null }, select: { id: true, scope: true, mode: true } });
  }

  findConversation(organizationId: string, id: string): Promise<{ id: string } | null> {
    return this.prisma.db.conversation.findFirst({ where: { organizationId, id }, select: { id: true } });
  }

  /** A phone number that is still connected, by our `pn_` id or by Meta's numeric id. */
  findConnectedPhoneNumber(organizationId: string, ref: { id: string } | { metaPhoneNumberId: string }): Promise<{ id: string } | null> {
    return this.prisma.db.phoneNumber.findFirst({
      where: { organizationId, status: { not: 'disconnected' }, ...ref },
      select: { id: true },
    });
  }
}
