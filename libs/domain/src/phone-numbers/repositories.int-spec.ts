import crypto from 'node:crypto';
import { AppConfig } from '#config';
import { PrismaService } from '#db';
import { InvalidationBus, RedisService } from '#queue';
import { createTestDatabase, type TestDatabase } from '#testing';
import { newId } from '../common/ids.js';
import { MediaRepository } from '../media/media.repository.js';
import { TemplatesRepository } from '../templates/templates.repository.js';
import { MetaNumberTakenError } from './meta-number-taken.error.js';
import { PhoneNumbersRepository, type NewPhoneNumber } from './phone-numbers.repository.js';

/** The repositories' guarantees that only the database can give: unique connections, atomic upserts, compare-and-set. */
describe('phone number, template and media repositories (PostgreSQL)', () => {
  let db: TestDatabase;
  let prisma: PrismaService;
  let numbers: PhoneNumbersRepository;
  let templates: TemplatesRepository;
  let media: MediaRepository;
  const orgA = newId('organization');
  const orgB = newId('organization');

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = new AppConfig({
      DATABASE_URL: db.url,
      META_APP_SECRET: 'x',
      META_VERIFY_TOKEN: 'y',
      ENCRYPTION_KEY: crypto.randomBytes(32).toString('hex'),
      LOG_LEVEL: 'silent',
    });
    prisma = new PrismaService(config);
    await prisma.onModuleInit();
    for (const id of [orgA, orgB]) await prisma.db.organization.create({ data: { id, name: id } });
    // No REDIS_URL in this config: the bus (and the client it publishes on) reach this process only.
    numbers = new PhoneNumbersRepository(prisma, new InvalidationBus(config, new RedisService(config)));
    templates = new TemplatesRepository(prisma, new InvalidationBus(config, new RedisService(config)));
    media = new MediaRepository(prisma);
  });
  afterAll(async () => {
    await prisma?.onModuleDestroy();
    await db?.drop();
  });

  const number = (metaId: string): NewPhoneNumber => ({
    id: newId('phoneNumber'),
    metaPhoneNumberId: metaId,
    wabaId: '500',
    displayPhoneNumber: '+15550001111',
    verifiedName: null,
    qualityRating: 'GREEN',
    isSandbox: false,
    accessTokenEnc: 'v1.x',
    appSecretEnc: null,
    throughputPerSecond: 80,
  });

  it('lets exactly one organization connect a Meta number, even when both try at once', async () => {
    const results = await Promise.allSettled([numbers.insert(orgA, number('7001')), numbers.insert(orgB, number('7001'))]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(MetaNumberTakenError);
    const holder = await numbers.findByMetaIdForSystem('7001');
    expect(holder).not.toBeNull();
    // Tenant-scoped lookups never return another organization's row.
    const other = holder!.organizationId === orgA ? orgB : orgA;
    expect(await numbers.findById(other, holder!.id)).toBeNull();
    expect(await numbers.findByMetaId(other, '7001')).toBeNull();
    expect(await numbers.update(other, holder!.id, { throughputPerSecond: 1 })).toBeNull();
    expect((await numbers.findById(holder!.organizationId, holder!.id))!.throughputPerSecond).toBe(80);
  });

  it('frees the Meta number on disconnect; the organization’s lookup prefers its connected row', async () => {
    const first = await numbers.insert(orgA, number('7002'));
    await numbers.update(orgA, first.id, { status: 'disconnected', connectedMetaId: null, disconnectedAt: new Date() });
    expect(await numbers.findByMetaIdForSystem('7002')).toBeNull();
    const second = await numbers.insert(orgA, number('7002'));
    expect((await numbers.findByMetaId(orgA, '7002'))!.id).toBe(second.id);
    expect(await numbers.reconnect(orgA, first.id, { status: 'active', connectedMetaId: '7002' }).catch((e: unknown) => e)).toBeInstanceOf(
      MetaNumberTakenError,
    );
    expect(await numbers.updateIfStatus(orgA, first.id, ['active'], { status: 'paused' })).toBe(false);
    expect(await numbers.updateIfStatus(orgA, second.id, ['active'], { status: 'paused', pausedReason: 'x' })).toBe(true);
    expect(await numbers.updateIfStatus(orgA, second.id, ['active'], { status: 'paused', pausedReason: 'y' })).toBe(false);
  });

  it('upserts templates atomically by (organization, WABA, name, language) and filters lists in the database', async () => {
    const key = { wabaId: '900', name: 'order_update', language: 'en' };
    const fields = (status: string, metaTemplateId = '1') => ({ metaTemplateId, category: 'UTILITY', status, parameterFormat: 'POSITIONAL', components: [], rejectedReason: null });
    await Promise.all([
      templates.upsert(orgA, { id: newId('template'), ...key }, fields('PENDING')),
      templates.upsert(orgA, { id: newId('template'), ...key }, fields('APPROVED')),
    ]);
    expect(await prisma.db.template.count({ where: { organizationId: orgA, ...key } })).toBe(1);
    await templates.upsert(orgB, { id: newId('template'), ...key }, fields('APPROVED'));
    await templates.upsert(orgA, { id: newId('template'), wabaId: '900', name: 'Promo_Sale', language: 'en' }, fields('DELETED', '2'));
    await templates.upsert(orgA, { id: newId('template'), wabaId: '901', name: 'promo_other', language: 'en' }, fields('APPROVED', '3'));

    const names = async (f: Parameters<TemplatesRepository['list']>[1]) => (await templates.list(orgA, f)).map((t) => t.name).sort();
    expect(await names({ limit: 10 })).toEqual(['order_update', 'promo_other']);
    expect(await names({ limit: 10, status: 'DELETED' })).toEqual(['Promo_Sale']);
    expect(await names({ limit: 10, nameContains: 'PROMO', status: 'DELETED' })).toEqual(['Promo_Sale']);
    expect(await names({ limit: 10, wabaIds: ['901'] })).toEqual(['promo_other']);
    expect((await templates.findByMetaIdForSystem('900', '1')).map((t) => t.organizationId).sort()).toEqual([orgA, orgB].sort());
  });

  it('completes an inbound download once (compare-and-set on pending)', async () => {
    const row = await media.insert(orgA, {
      id: newId('media'),
      phoneNumberId: 'pn_x',
      direction: 'inbound',
      metaMediaId: '42',
      mimeType: 'image/jpeg',
      sha256: null,
      fileSize: 0,
      filename: null,
      data: null,
      status: 'pending',
    });
    const done = { data: Buffer.from('abc'), mimeType: 'image/jpeg', sha256: 'h', fileSize: 3 };
    expect(await media.completeDownload(orgB, row.id, done)).toBe(false);
    expect(await media.completeDownload(orgA, row.id, done)).toBe(true);
    expect(await media.completeDownload(orgA, row.id, done)).toBe(false);
    expect(await media.failDownload(orgA, row.id, 'late failure')).toBe(false);
    expect(Buffer.from((await media.findWithData(orgA, row.id))!.data!).toString()).toBe('abc');
    expect(await media.findInfo(orgB, row.id)).toBeNull();
    expect(await media.findByMetaMediaId(orgA, '42', 'inbound')).toMatchObject({ id: row.id, status: 'ready' });
  });
});
