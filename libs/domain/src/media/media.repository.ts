import { Injectable } from '@nestjs/common';
import { PrismaService, type Media } from '#db';

export interface NewMedia {
  id: string;
  phoneNumberId: string;
  direction: 'inbound' | 'outbound';
  metaMediaId: string | null;
  mimeType: string;
  sha256: string | null;
  fileSize: number;
  filename: string | null;
  data: Buffer | null;
  status: 'pending' | 'ready' | 'failed';
}

/** Media without its bytes: what every read but the download needs. */
export type MediaInfo = Omit<Media, 'data'>;

const WITHOUT_DATA = {
  id: true,
  organizationId: true,
  phoneNumberId: true,
  direction: true,
  metaMediaId: true,
  mimeType: true,
  sha256: true,
  fileSize: true,
  filename: true,
  status: true,
  error: true,
  createdAt: true,
} as const;

@Injectable()
export class MediaRepository {
  constructor(private readonly prisma: PrismaService) {}

  async insert(organizationId: string, row: NewMedia): Promise<MediaInfo> {
    const { data, ...rest } = row;
    return this.prisma.db.media.create({
      data: { ...rest, organizationId, data: data ? new Uint8Array(data) : null },
      select: WITHOUT_DATA,
    });
  }

  /**
   * Serializes registrations of one Meta media id until the surrounding transaction ends: webhook ingest and its
   * retries may register the same inbound media at once, and there is no unique index to lean on.
   */
  async lockMetaMediaId(organizationId: string, metaMediaId: string): Promise<void> {
    await this.prisma.db.$queryRaw`SELECT pg_advisory_xact_lock(hashtext(${`media:${organizationId}:${metaMediaId}`}))::text AS locked`;
  }

  findInfo(organizationId: string, id: string): Promise<MediaInfo | null> {
    return this.prisma.db.media.findFirst({ where: { organizationId, id }, select: WITHOUT_DATA });
  }

  /** With the bytes (downloads, re-uploads). */
  findWithData(organizationId: string, id: string): Promise<Media | null> {
    return this.prisma.db.media.findFirst({ where: { organizationId, id } });
  }

  findByMetaMediaId(organizationId: string, metaMediaId: string, direction?: 'inbound' | 'outbound'): Promise<MediaInfo | null> {
    return this.prisma.db.media.findFirst({
      where: { organizationId, metaMediaId, ...(direction ? { direction } : {}) },
      orderBy: { id: 'desc' },
      select: WITHOUT_DATA,
    });
  }

  /** Completes a pending download; false when the row is no longer pending (another attempt finished it). */
  async completeDownload(
    organizationId: string,
    id: string,
    done: { data: Buffer; mimeType: string; sha256: string; fileSize: number },
  ): Promise<boolean> {
    const r = await this.prisma.db.media.updateMany({
      where: { organizationId, id, status: 'pending' },
      data: { ...done, data: new Uint8Array(done.data), status: 'ready', error: null },
    });
    return r.count === 1;
  }

  async failDownload(organizationId: string, id: string, error: string): Promise<boolean> {
    const r = await this.prisma.db.media.updateMany({ where: { organizationId, id, status: 'pending' }, data: { status: 'failed', error } });
    return r.count === 1;
  }
}
