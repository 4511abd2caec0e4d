import type { TenantContext } from '../common/tenant-context.js';
import { createMessagingTestModule, type MessagingTestModule } from '../messages/testing/messaging-test-module.js';
import { ContactsService } from './contacts.service.js';

describe('contacts (PostgreSQL)', () => {
  let t: MessagingTestModule;
  let contacts: ContactsService;
  let a: TenantContext;
  let b: TenantContext;

  beforeAll(async () => {
    t = await createMessagingTestModule();
    contacts = t.moduleRef.get(ContactsService);
    a = (await t.organization()).ctx;
    b = (await t.organization()).ctx;
  });
  afterAll(() => t?.close());

  it('creates by phone (normalised to E.164) and refuses a second contact with that number', async () => {
    const c = await contacts.create(a, { phone: '62 812-3456-7890', name: 'Budi Santoso', email: 'budi@example.com', metadata: { tier: 'gold', vip: true, skip: null } });
    expect(c).toMatchObject({ phone: '+6281234567890', waId: '6281234567890', name: 'Budi Santoso', metadata: { tier: 'gold', vip: true } });
    await expect(contacts.create(a, { phone: '+6281234567890' })).rejects.toMatchObject({ code: 'already_exists', status: 409, details: { contact_id: c.id } });
    // Another organization has its own contacts: the same number is a different contact there.
    await expect(contacts.create(b, { phone: '+6281234567890' })).resolves.toMatchObject({ phone: '+6281234567890' });
    expect(t.events.filter((e) => e.type === 'contact.created' && e.organization_id === a.organizationId)).toHaveLength(1);
  });

  it('creates a username-only contact by Meta user id, without a phone', async () => {
    const c = await contacts.create(a, { user_id: 'BSUID.1', name: 'Anon' });
    expect(c).toMatchObject({ phone: null, waId: null, userId: 'BSUID.1' });
    await expect(contacts.create(a, {})).rejects.toMatchObject({ code: 'validation_failed', details: { param: 'phone' } });
    await expect(contacts.create(a, { phone: '12' })).rejects.toMatchObject({ code: 'invalid_phone_number' });
  });

  it('finds by exact phone with or without +, and by case-insensitive name/email substrings, newest first with a cursor', async () => {
    await contacts.create(a, { phone: '+6281100000001', name: 'Siti Rahma', email: 'SITI@shop.example' });
    await contacts.create(a, { phone: '+6281100000002', name: 'Rahmat', email: 'rahmat@example.com' });
    expect((await contacts.list(a, { phone: '6281100000001' })).data.map((c) => c.name)).toEqual(['Siti Rahma']);
    expect((await contacts.list(a, { phone: '+6281100000001' })).data.map((c) => c.name)).toEqual(['Siti Rahma']);
    expect((await contacts.list(a, { search: 'RAHM' })).data.map((c) => c.name)).toEqual(['Rahmat', 'Siti Rahma']);
    expect((await contacts.list(a, { search: 'shop.EXAMPLE' })).data.map((c) => c.name)).toEqual(['Siti Rahma']);
    expect((await contacts.list(a, { search: '100000002' })).data.map((c) => c.name)).toEqual(['Rahmat']);
    await contacts.create(a, { phone: '+6281100000005', name: '50% off' });
    await contacts.create(a, { phone: '+6281100000006', name: '500 off_list' });
    expect((await contacts.list(a, { search: '50%' })).data.map((c) => c.name)).toEqual(['50% off']);
    expect((await contacts.list(a, { search: 'f_l' })).data.map((c) => c.name)).toEqual(['500 off_list']);
    expect((await contacts.list(a, { search: 'f%l' })).data).toHaveLength(0);
    const first = await contacts.list(a, { search: 'rahm', limit: 1 });
    const second = await contacts.list(a, { search: 'rahm', limit: 1, cursor: first.nextCursor! });
    expect([first.hasMore, second.hasMore]).toEqual([true, false]);
    expect(second.data.map((c) => c.name)).toEqual(['Siti Rahma']);
    expect((await contacts.list(b, { search: 'rahm' })).data).toHaveLength(0);
  });

  it('updates name, email and metadata (merged, null removes a key) and reports the changed fields', async () => {
    const c = await contacts.create(a, { phone: '+6281100000003', metadata: { a: '1', b: 2 } });
    const u = await contacts.update(a, c.id, { name: 'New Name', email: null, metadata: { b: null, c: true } });
    expect(u).toMatchObject({ name: 'New Name', email: null, metadata: { a: '1', c: true } });
    const event = t.events.filter((e) => e.type === 'contact.updated').at(-1)!;
    expect(event.data).toMatchObject({ contact: { id: c.id, name: 'New Name' }, changes: ['name', 'metadata'] });
    const audit = await t.prisma.db.auditLog.findFirst({ where: { organizationId: a.organizationId, targetId: c.id, action: 'contact.updated' } });
    expect(audit?.metadata).toEqual({ changes: ['name', 'metadata'] });
    const many = Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`k${i}`, i]));
    await expect(contacts.update(a, c.id, { metadata: many })).rejects.toMatchObject({ code: 'validation_failed', details: { param: 'metadata' } });
  });

  it('keeps notes per contact, newest first, and only for the owner', async () => {
    const c = await contacts.create(a, { phone: '+6281100000004' });
    await contacts.addNote(a, c.id, { body: 'first' });
    await contacts.addNote(a, c.id, { body: 'second' });
    const notes = await contacts.listNotes(a, c.id, {});
    expect(notes.data.map((n) => n.body)).toEqual(['second', 'first']);
    expect(notes.data[0].authorKeyId).toBe(a.apiKeyId);
    await expect(contacts.listNotes(b, c.id, {})).rejects.toMatchObject({ code: 'not_found' });
  });

  it('resolves one contact per phone however many sends race for it', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => t.prisma.transaction(() => contacts.resolveForPhone(a, '+6281100000099'))));
    expect(new Set(results.map((r) => r.contact.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await t.prisma.db.contact.count({ where: { organizationId: a.organizationId, waId: '6281100000099' } })).toBe(1);
  });
});
