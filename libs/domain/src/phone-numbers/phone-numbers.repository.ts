import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService, type PhoneNumber } from '#db';
import { InvalidationBus } from '#queue';
import { ReadThroughCache } from '../cache/read-through-cache.js';
import { MetaNumberTakenError } from './meta-number-taken.error.js';

export interface NewPhoneNumber {
  id: string;
  metaPhoneNumberId: string;
  wabaId: string;
  displayPhoneNumber: string;
  verifiedName: string | null;
  qualityRating: string;
  isSandbox: boolean;
  accessTokenEnc: string;
  appSecretEnc: string | null;
  throughputPerSecond: number;
}

export type PhoneNumberChanges = Partial<
  Pick<
    PhoneNumber,
    | 'wabaId'
    | 'displayPhoneNumber'
    | 'verifiedName'
    | 'qualityRating'
    | 'status'
    | 'pausedReason'
    | 'accessTokenEnc'
    | 'appSecretEnc'
    | 'throughputPerSecond'
    | 'connectedMetaId'
    | 'disconnectedAt'
  >
>;

export interface PhoneNumberFilter {
  status?: string;
  afterId?: string;
  limit: number;
}

/** Invalidation topic of cached numbers; its keys are organization ids. */
const PHONE_NUMBERS_TOPIC = 'phone_numbers';

/**
 * Every send and every delivery reads its number by id, and every Meta webhook by its connected Meta id, so those two
 * lookups are cached per process outside transactions.
 * Every write below publishes an invalidation after it commits (all writes to the table are in this class).
 */
@Injectable()
export class PhoneNumbersRepository {
  private readonly byId: ReadThroughCache<PhoneNumber>;
  private readonly byConnectedMetaId: ReadThroughCache<PhoneNumber>;

  constructor(
    private readonly prisma: PrismaService,
    private readonly bus: InvalidationBus,
  ) {
    this.byId = new ReadThroughCache(bus, { topic: PHONE_NUMBERS_TOPIC, ttlMs: 30_000, maxEntries: 10_000 });
    this.byConnectedMetaId = new ReadThroughCache(bus, { topic: PHONE_NUMBERS_TOPIC, ttlMs: 30_000, maxEntries: 10_000 });
  }

  async insert(organizationId: string, row: NewPhoneNumber): Promise<PhoneNumber> {
    const created = await uniqueGuard(() =>
      this.prisma.db.phoneNumber.create({
        data: { ...row, organizationId, connectedMetaId: row.metaPhoneNumberId, status: 'active' },
      }),
    );
    this.changed(organizationId);
    return created;
  }

  /** Re-activates a disconnected row of this organization, so its conversations and messages stay attached. */
  async reconnect(organizationId: string, id: string, changes: PhoneNumberChanges): Promise<PhoneNumber | null> {
    return uniqueGuard(async () => {
      const r = await this.prisma.db.phoneNumber.updateMany({ where: { organizationId, id, connectedMetaId: null }, data: changes });
      this.changed(organizationId);
      return r.count === 1 ? this.findById(organizationId, id) : null;
    });
  }

  findById(organizationId: string, id: string): Promise<PhoneNumber | null> {
    return this.cachedRow(this.byId, `${organizationId}:${id}`, () => this.prisma.db.phoneNumber.findFirst({ where: { organizationId, id } }));
  }

  /** By Meta's numeric id within the organization; the connected row wins over older disconnected ones. */
  findByMetaId(organizationId: string, metaPhoneNumberId: string): Promise<PhoneNumber | null> {
    return this.prisma.db.phoneNumber.findFirst({
      where: { organizationId, metaPhoneNumberId },
      orderBy: [{ disconnectedAt: { sort: 'desc', nulls: 'first' } }, { id: 'desc' }],
    });
  }

  /** Connected (active or paused) numbers, oldest first; `take` bounds the read when only the count matters. */
  listConnected(organizationId: string, take?: number): Promise<PhoneNumber[]> {
    return this.prisma.db.phoneNumber.findMany({ where: { organizationId, connectedMetaId: { not: null } }, orderBy: { id: 'asc' }, take });
  }

  countConnected(organizationId: string): Promise<number> {
    return this.prisma.db.phoneNumber.count({ where: { organizationId, connectedMetaId: { not: null } } });
  }

  listConnectedByWaba(organizationId: string, wabaIds: string[]): Promise<PhoneNumber[]> {
    return this.prisma.db.phoneNumber.findMany({
      where: { organizationId, wabaId: { in: wabaIds }, connectedMetaId: { not: null } },
      orderBy: { id: 'asc' },
    });
  }

  list(organizationId: string, f: PhoneNumberFilter): Promise<PhoneNumber[]> {
    return this.prisma.db.phoneNumber.findMany({
      where: { organizationId, ...(f.status ? { status: f.status } : {}), ...(f.afterId ? { id: { gt: f.afterId } } : {}) },
      orderBy: { id: 'asc' },
      take: f.limit + 1,
    });
  }

  async update(organizationId: string, id: string, changes: PhoneNumberChanges): Promise<PhoneNumber | null> {
    const r = await this.prisma.db.phoneNumber.updateMany({ where: { organizationId, id }, data: changes });
    this.changed(organizationId);
    return r.count === 1 ? this.findById(organizationId, id) : null;
  }

  /** Compare-and-set on status: only rows currently in one of `from` change (pausing a disconnected number is a no-op). */
  async updateIfStatus(organizationId: string, id: string, from: string[], changes: PhoneNumberChanges): Promise<boolean> {
    const r = await this.prisma.db.phoneNumber.updateMany({ where: { organizationId, id, status: { in: from } }, data: changes });
    this.changed(organizationId);
    return r.count === 1;
  }

  /**
   * Webhook ingest: which organization's connected number Meta is talking about (every inbound webhook asks). Not
   * tenant-scoped by nature; cached in the group of the organization found, whose every write invalidates it — a
   * disconnect included, and a number nobody holds is never cached, so a new connection is seen at once.
   */
  findByMetaIdForSystem(metaPhoneNumberId: string): Promise<PhoneNumber | null> {
    return this.cachedRow(this.byConnectedMetaId, metaPhoneNumberId, () => this.prisma.db.phoneNumber.findUnique({ where: { connectedMetaId: metaPhoneNumberId } }));
  }

  /** Template status webhooks name only the WABA: every organization with a connected number on it. */
  listConnectedByWabaForSystem(wabaId: string): Promise<PhoneNumber[]> {
    return this.prisma.db.phoneNumber.findMany({ where: { wabaId, connectedMetaId: { not: null } }, orderBy: { id: 'asc' } });
  }

  /**
   * A row through `cache`, in the group of its organization (whose every write below invalidates it); straight from
   * the database inside a transaction, which must see its own writes. A missing row is never cached.
   */
  private async cachedRow(cache: ReadThroughCache<PhoneNumber>, key: string, load: () => Promise<PhoneNumber | null>): Promise<PhoneNumber | null> {
    if (this.prisma.inTransaction) return load();
    const row = await cache.get(key, async () => {
      const found = await load();
      return found ? { value: found, group: found.organizationId } : undefined;
    });
    return row ?? null;
  }

  /** Called after each write: the invalidation goes out now, or once the surrounding transaction commits. */
  private changed(organizationId: string): void {
    this.prisma.afterCommit(() => this.bus.publish(PHONE_NUMBERS_TOPIC, organizationId));
  }
}

async function uniqueGuard<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') throw new MetaNumberTakenError();
    throw err;
  }
}
