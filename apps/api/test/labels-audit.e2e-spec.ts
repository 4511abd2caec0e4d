import { PrismaService } from '#db';
import { newId, OrganizationsService } from '#domain';
import { startTestApi, type TestApi } from './harness.js';

describe('labels and audit logs (e2e)', () => {
  let api: TestApi;
  let orgId: string;
  const contacts: string[] = [];

  beforeAll(async () => {
    api = await startTestApi();
    orgId = (await api.request('GET', '/v1/me')).body.id;
    // Contacts are fixtures here (their own API is tested elsewhere): real rows in the real database.
    const prisma = api.app.get(PrismaService);
    for (let i = 0; i < 3; i++) {
      const id = newId('contact');
      await prisma.db.contact.create({ data: { id, organizationId: orgId, waId: `62812000000${i}`, phone: `+62812000000${i}` } });
      contacts.push(id);
    }
  });
  afterAll(() => api?.close());

  it('creates, lists, renames and deletes labels; names are unique per organization (case-insensitive)', async () => {
    const vip = await api.request('POST', '/v1/labels', { name: 'VIP', color: 'purple' });
    expect(vip.status).toBe(201);
    expect(vip.body).toMatchObject({ object: 'label', name: 'VIP', color: 'purple' });
    expect(vip.body.id).toMatch(/^lbl_/);
    const dup = await api.request('POST', '/v1/labels', { name: 'vip' });
    expect(dup.status).toBe(409);
    expect(dup.body.error).toMatchObject({ code: 'already_exists', param: 'name' });
    const badColor = await api.request('POST', '/v1/labels', { name: 'x', color: 'chartreuse' });
    expect(badColor.body.error).toMatchObject({ code: 'validation_failed', param: 'color' });
    const renamed = await api.request('PATCH', `/v1/labels/${vip.body.id}`, { name: 'Gold' });
    expect(renamed.body.name).toBe('Gold');
    const list = await api.request('GET', '/v1/labels');
    expect(list.body.data.map((l: { name: string }) => l.name)).toContain('Gold');
    expect((await api.request('DELETE', `/v1/labels/${vip.body.id}`)).body.deleted).toBe(true);
    expect((await api.request('GET', `/v1/labels/${vip.body.id}`)).status).toBe(404);
  });

  it('attaches idempotently and in bulk, reporting applied and skipped', async () => {
    const label = (await api.request('POST', '/v1/labels', { name: 'Lead' })).body;
    const one = await api.request('PUT', `/v1/contacts/${contacts[0]}/labels/${label.id}`);
    expect(one.status).toBe(200);
    expect(one.body.data.map((l: { id: string }) => l.id)).toEqual([label.id]);
    expect((await api.request('PUT', `/v1/contacts/${contacts[0]}/labels/${label.id}`)).body.data).toHaveLength(1);
    const bulk = await api.request('POST', `/v1/labels/${label.id}/contacts`, {
      contact_ids: [contacts[0], contacts[1], contacts[2], contacts[1], 'ctc_01jzzzzzzzzzzzzzzzzzzzzzzz'],
    });
    expect(bulk.status).toBe(200);
    expect(bulk.body.applied).toBe(2);
    expect(bulk.body.skipped).toEqual(
      expect.arrayContaining([
        { contact_id: contacts[0], reason: 'already_labeled' },
        { contact_id: contacts[1], reason: 'duplicate' },
        { contact_id: 'ctc_01jzzzzzzzzzzzzzzzzzzzzzzz', reason: 'not_found' },
      ]),
    );
    const removed = await api.request('POST', `/v1/labels/${label.id}/contacts/remove`, { contact_ids: [contacts[2]] });
    expect(removed.body.applied).toBe(1);
    expect((await api.request('GET', `/v1/contacts/${contacts[2]}/labels`)).body.data).toEqual([]);
    const tooMany = await api.request('POST', `/v1/labels/${label.id}/contacts`, { contact_ids: Array.from({ length: 1001 }, (_, i) => `ctc_${i}`) });
    expect(tooMany.body.error).toMatchObject({ code: 'validation_failed', param: 'contact_ids' });
  });

  it("another organization can't see, change or attach our labels, nor label our contacts", async () => {
    const mine = (await api.request('POST', '/v1/labels', { name: 'Private' })).body;
    const other = await api.app.get(OrganizationsService).create({ name: 'Other', firstKey: { name: 'k' } });
    const as = api.auth(other.plaintextKey);
    expect((await api.request('GET', `/v1/labels/${mine.id}`, undefined, as)).status).toBe(404);
    expect((await api.request('PATCH', `/v1/labels/${mine.id}`, { name: 'x' }, as)).status).toBe(404);
    expect((await api.request('DELETE', `/v1/labels/${mine.id}`, undefined, as)).status).toBe(404);
    expect((await api.request('GET', '/v1/labels', undefined, as)).body.data).toEqual([]);
    const theirs = (await api.request('POST', '/v1/labels', { name: 'Private' }, as)).body; // same name is fine elsewhere
    expect(theirs.id).toBeDefined();
    expect((await api.request('PUT', `/v1/contacts/${contacts[0]}/labels/${theirs.id}`, undefined, as)).status).toBe(404);
    const bulk = await api.request('POST', `/v1/labels/${theirs.id}/contacts`, { contact_ids: [contacts[0]] }, as);
    expect(bulk.body).toMatchObject({ applied: 0, skipped: [{ contact_id: contacts[0], reason: 'not_found' }] });
    expect((await api.request('GET', `/v1/contacts/${contacts[0]}/labels`)).body.data.map((l: { id: string }) => l.id)).not.toContain(theirs.id);
  });

  it('every write left an audit row; the audit API filters and paginates', async () => {
    const all = await api.request('GET', '/v1/audit_logs?limit=100');
    expect(all.status).toBe(200);
    const actions = all.body.data.map((a: { action: string }) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['label.created', 'label.updated', 'label.deleted', 'label.attached', 'label.detached']));
    const keyId = all.body.data.find((a: { action: string }) => a.action === 'label.created').actor.id;
    expect(keyId).toMatch(/^key_/);
    const created = await api.request('GET', `/v1/audit_logs?action=label.created&actor_id=${keyId}`);
    expect(created.body.data.every((a: { action: string }) => a.action === 'label.created')).toBe(true);
    const page1 = await api.request('GET', '/v1/audit_logs?limit=2');
    expect(page1.body).toMatchObject({ object: 'list', has_more: true });
    const page2 = await api.request('GET', `/v1/audit_logs?limit=2&cursor=${page1.body.next_cursor}`);
    expect(page2.body.data[0].id < page1.body.data[1].id).toBe(true);
    expect((await api.request('GET', '/v1/audit_logs?since=yesterday')).body.error).toMatchObject({ code: 'validation_failed', param: 'since' });
    const other = await api.app.get(OrganizationsService).create({ name: 'Other3', firstKey: { name: 'k' } });
    const theirs = await api.request('GET', '/v1/audit_logs?limit=100', undefined, api.auth(other.plaintextKey));
    // The other organization sees only its own history: its creation and its first key.
    expect(theirs.body.data.map((a: { action: string }) => a.action).sort()).toEqual(['api_key.created', 'organization.created']);
  });
});
