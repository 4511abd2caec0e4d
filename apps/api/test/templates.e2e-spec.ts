import { PrismaService } from '#db';
import { DomainEvents, OrganizationsService, PhoneNumbersService, systemContext, TemplatesService, type TenantContext } from '#domain';
import type { EventEnvelope } from '#realtime';
import { GraphClient, type TemplateStatusUpdateValue } from '#whatsapp';
import { startTestApi, type TestApi } from './harness.js';

/** Templates against the in-process sandbox, whose new WABAs start with seven templates in several statuses. */
describe('templates (e2e)', () => {
  let api: TestApi;
  let orgId: string;
  let otherKey: string;
  let number: { id: string; phone_number_id: string; waba_id: string };
  const events: EventEnvelope[] = [];

  beforeAll(async () => {
    api = await startTestApi();
    orgId = (await api.request('GET', '/v1/me')).body.id;
    otherKey = (await api.app.get(OrganizationsService).create({ name: 'Other', firstKey: { name: 'k' } })).plaintextKey!;
    api.app.get(DomainEvents).addSink({ handle: async (e: EventEnvelope) => void events.push(e) });
    number = (await api.request('POST', '/v1/phone_numbers', { sandbox: true })).body;
  });
  afterAll(() => api?.close());

  const ctx = (): TenantContext => systemContext(orgId);
  const names = (list: { name: string }[]) => list.map((t) => t.name).sort();

  it('syncs the WABA’s templates in the background after connecting, with what a sender must supply', async () => {
    const list = await waitFor(async () => {
      const r = await api.request('GET', `/v1/templates?phone_number_id=${number.id}&limit=100`);
      return r.body.data.length >= 7 ? r.body : undefined;
    });
    expect(names(list.data)).toEqual(['appointment_reminder', 'disabled_notice', 'hello_world', 'order_update', 'paused_promo', 'pending_welcome', 'promo_image']);
    const byName = Object.fromEntries(list.data.map((t: { name: string }) => [t.name, t]));
    expect(byName.appointment_reminder).toMatchObject({
      object: 'template',
      waba_id: number.waba_id,
      phone_number_ids: [number.id],
      language: 'en',
      category: 'UTILITY',
      status: 'APPROVED',
      parameter_format: 'NAMED',
      parameters: { format: 'NAMED', header: null, body: { names: ['customer_name', 'time'] }, buttons: [] },
      rejected_reason: null,
    });
    expect(byName.appointment_reminder.id).toMatch(/^tpl_/);
    expect(byName.appointment_reminder.meta_template_id).toMatch(/^\d+$/);
    expect(byName.promo_image.parameters).toEqual({
      format: 'POSITIONAL',
      header: { type: 'image' },
      body: { count: 1 },
      buttons: [{ index: 0, sub_type: 'url', parameter_type: 'text' }],
    });
    expect(byName.paused_promo.status).toBe('PAUSED');
  });

  it('filters by status, name and number; pages with a cursor', async () => {
    const approved = (await api.request('GET', '/v1/templates?status=APPROVED&limit=100')).body.data;
    expect(names(approved)).toEqual(['appointment_reminder', 'hello_world', 'order_update', 'promo_image']);
    expect(names((await api.request('GET', '/v1/templates?name=PROMO')).body.data)).toEqual(['paused_promo', 'promo_image']);
    expect(names((await api.request('GET', '/v1/templates?status=approved&name=order')).body.data)).toEqual(['order_update']);

    const second = (await api.request('POST', '/v1/phone_numbers', { sandbox: true })).body;
    await api.request('POST', '/v1/templates/sync', { phone_number_id: second.id });
    const mine = (await api.request('GET', `/v1/templates?phone_number_id=${number.phone_number_id}&limit=100`)).body.data;
    const theirs = (await api.request('GET', `/v1/templates?phone_number_id=${second.id}&limit=100`)).body.data;
    expect(theirs).toHaveLength(7);
    expect(theirs.every((t: { waba_id: string }) => t.waba_id === second.waba_id)).toBe(true);
    expect(mine.every((t: { waba_id: string }) => t.waba_id === number.waba_id)).toBe(true);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { data: { id: string }[]; has_more: boolean; next_cursor: string | null } } = await api.request(
        'GET',
        `/v1/templates?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.body.data.map((t) => t.id));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen).toHaveLength(14);
    expect(new Set(seen).size).toBe(14);
    await api.request('DELETE', `/v1/phone_numbers/${second.id}`);
  });

  it('POST /v1/templates/sync reports counts; templates gone at Meta are kept as DELETED and hidden by default', async () => {
    const first = await api.request('POST', '/v1/templates/sync', { phone_number_id: number.id });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      object: 'template_sync',
      results: [{ phone_number_id: number.id, waba_id: number.waba_id, total: 7, created: 0, updated: 0, unchanged: 7, deleted: 0 }],
    });
    // Someone deletes a template in WhatsApp Manager: straight at the Graph API, behind our back.
    const row = await api.app.get(PhoneNumbersService).get(ctx(), number.id);
    await api.app.get(GraphClient).deleteTemplate(api.app.get(PhoneNumbersService).credentialsFor(row), number.waba_id, 'disabled_notice');
    const second = await api.request('POST', '/v1/templates/sync', {});
    expect(second.body.results[0]).toMatchObject({ total: 6, deleted: 1, unchanged: 6 });
    expect(names((await api.request('GET', `/v1/templates?phone_number_id=${number.id}&limit=100`)).body.data)).not.toContain('disabled_notice');
    const deleted = (await api.request('GET', '/v1/templates?status=DELETED')).body.data;
    expect(deleted.map((t: { name: string; status: string }) => [t.name, t.status])).toEqual([['disabled_notice', 'DELETED']]);
    expect(events.some((e) => e.type === 'template.status_updated' && statusEvent(e).previous_status === 'DISABLED')).toBe(true);
  });

  it('creates a template at Meta (PENDING), validated first, Meta’s refusals as 422', async () => {
    const body = {
      phone_number_id: number.id,
      name: 'table_ready',
      category: 'UTILITY',
      language: 'en_US',
      components: [
        {
          type: 'BODY',
          text: 'Hi {{customer_name}}, your table is ready at {{time}}.',
          example: {
            body_text_named_params: [
              { param_name: 'customer_name', example: 'Budi' },
              { param_name: 'time', example: '19:00' },
            ],
          },
        },
        { type: 'FOOTER', text: 'Kedai Kopi' },
        { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'On my way' }] },
      ],
    };
    const created = await api.request('POST', '/v1/templates', body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'table_ready', language: 'en_US', status: 'PENDING', parameter_format: 'NAMED', category: 'UTILITY' });
    expect(created.body.parameters.body).toEqual({ names: ['customer_name', 'time'] });

    const dup = await api.request('POST', '/v1/templates', body);
    expect(dup.status).toBe(409);
    expect(dup.body.error).toMatchObject({ code: 'already_exists', param: 'name' });
    expect((await api.request('POST', '/v1/templates', { ...body, name: 'Bad Name' })).body.error).toMatchObject({ code: 'validation_failed', param: 'name' });
    expect((await api.request('POST', '/v1/templates', { ...body, name: 'x1', category: 'SPAM' })).body.error.param).toBe('category');
    const noExample = { ...body, name: 'no_example', components: [{ type: 'BODY', text: 'Hi {{1}}' }] };
    expect((await api.request('POST', '/v1/templates', noExample)).body.error).toMatchObject({ code: 'validation_failed', param: 'components[0].example' });
    // null for an optional field is its absence (found by the REST fuzz suite: it was a 500).
    const nullText = { ...body, name: 'null_text', components: [{ type: 'BODY', text: null }] };
    expect((await api.request('POST', '/v1/templates', nullText)).body.error).toMatchObject({ code: 'validation_failed', param: 'components[0].text' });
    const nullFooter = { ...body, name: 'null_footer', components: [body.components[0], { type: 'FOOTER', text: null }] };
    expect((await api.request('POST', '/v1/templates', nullFooter)).body.error).toMatchObject({ code: 'validation_failed', param: 'components[1].text' });
    const unknownField = { ...body, name: 'x2', components: [{ type: 'BODY', text: 'Hi', colour: 'red' }] };
    expect((await api.request('POST', '/v1/templates', unknownField)).body.error).toMatchObject({ code: 'unknown_parameter', param: 'components[0].colour' });
    const atMeta = await api.request('POST', '/v1/templates', { ...body, name: 'no_language', language: 'xx_YYY' });
    expect(atMeta.status).toBe(422);
    expect(atMeta.body.error).toMatchObject({ code: 'meta_request_failed', details: { meta_code: 100 } });
  });

  it('a submitted template turns APPROVED when the sandbox’s review webhook arrives through /webhooks/meta', async () => {
    const created = (await api.request('GET', `/v1/templates?name=table_ready&phone_number_id=${number.id}`)).body.data[0];
    expect(created.status).toMatch(/PENDING|APPROVED/);
    // The sandbox reviews it (~1 s) and posts message_template_status_update through the real webhook path.
    const approved = await waitFor(async () => {
      const t = (await api.request('GET', `/v1/templates/${created.id}`)).body;
      return t.status === 'APPROVED' ? t : undefined;
    }, 20_000);
    expect(approved.status).toBe('APPROVED');
    expect(events.some((e) => e.type === 'template.status_updated' && statusEvent(e).template.id === created.id)).toBe(true);
  });

  it('applies status webhooks idempotently, keeping the rejection reason; an unknown template triggers a sync', async () => {
    const service = api.app.get(TemplatesService);
    const row = (await api.app.get(PrismaService).db.template.findFirstOrThrow({ where: { organizationId: orgId, name: 'order_update', wabaId: number.waba_id } }))!;
    const value = (event: string, reason: string | null = 'NONE'): TemplateStatusUpdateValue => ({
      event: event as TemplateStatusUpdateValue['event'],
      message_template_id: Number(row.metaTemplateId),
      message_template_name: row.name,
      message_template_language: row.language,
      reason,
    });
    const before = events.length;
    expect((await service.applyStatusUpdate(number.waba_id, value('REJECTED', 'TAG_CONTENT_MISMATCH'))).map((t) => t.status)).toEqual(['REJECTED']);
    expect(await service.applyStatusUpdate(number.waba_id, value('REJECTED', 'TAG_CONTENT_MISMATCH'))).toEqual([]); // duplicate: no change, no event
    const rejected = (await api.request('GET', `/v1/templates/${row.id}`)).body;
    expect(rejected).toMatchObject({ status: 'REJECTED', rejected_reason: 'TAG_CONTENT_MISMATCH' });
    expect((await service.applyStatusUpdate(number.waba_id, value('REINSTATED'))).map((t) => [t.status, t.rejectedReason])).toEqual([['APPROVED', null]]);
    const mine = events.slice(before).filter((e) => e.type === 'template.status_updated');
    expect(mine.map((e) => [statusEvent(e).previous_status, statusEvent(e).template.status])).toEqual([
      ['APPROVED', 'REJECTED'],
      ['REJECTED', 'APPROVED'],
    ]);
    expect(mine.every((e) => e.organization_id === orgId)).toBe(true);

    const synced = () => api.app.get(PrismaService).db.auditLog.count({ where: { organizationId: orgId, action: 'templates.synced' } });
    const audit = await synced();
    expect(await service.applyStatusUpdate(number.waba_id, { ...value('APPROVED'), message_template_id: 1, message_template_name: 'brand_new' })).toEqual([]);
    await waitFor(async () => ((await synced()) > audit ? true : undefined));
  });

  it('checkSendable: exists in that language, APPROVED, parameters matching', async () => {
    const service = api.app.get(TemplatesService);
    const row = await api.app.get(PhoneNumbersService).get(ctx(), number.id);
    const ok = await service.checkSendable(ctx(), row, {
      name: 'order_update',
      language: { code: 'en' },
      components: [{ type: 'body', parameters: [{ type: 'text', text: 'Budi' }, { type: 'text', text: 'A-17' }] }],
    });
    expect(ok.name).toBe('order_update');
    await expect(service.checkSendable(ctx(), row, { name: 'order_update', language: { code: 'en' }, components: [] })).rejects.toMatchObject({
      code: 'template_parameter_mismatch',
      status: 422,
    });
    await expect(service.checkSendable(ctx(), row, { name: 'order_update', language: { code: 'id' } })).rejects.toMatchObject({
      code: 'template_not_found',
      message: expect.stringContaining('it exists in en'),
    });
    await expect(service.checkSendable(ctx(), row, { name: 'nope', language: { code: 'en' } })).rejects.toMatchObject({ code: 'template_not_found' });
    await expect(service.checkSendable(ctx(), row, { name: 'paused_promo', language: { code: 'en' } })).rejects.toMatchObject({
      code: 'template_not_approved',
      message: expect.stringContaining('is PAUSED'),
    });
    await expect(service.checkSendable(ctx(), row, { name: 'disabled_notice', language: { code: 'en' } })).rejects.toMatchObject({ code: 'template_not_found' });
  });

  it('DELETE removes at Meta and marks DELETED here; a later sync does not bring it back', async () => {
    const target = (await api.request('GET', `/v1/templates?name=hello_world&phone_number_id=${number.id}`)).body.data[0];
    const res = await api.request('DELETE', `/v1/templates/${target.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: target.id, status: 'DELETED' });
    expect((await api.request('DELETE', `/v1/templates/${target.id}`)).body.status).toBe('DELETED');
    const sync = (await api.request('POST', '/v1/templates/sync', { phone_number_id: number.id })).body.results[0];
    expect(sync.deleted).toBe(0);
    expect((await api.request('GET', `/v1/templates/${target.id}`)).body.status).toBe('DELETED');
    expect(names((await api.request('GET', `/v1/templates?phone_number_id=${number.id}&limit=100`)).body.data)).not.toContain('hello_world');
  });

  it('another organization gets 404 on every template route and cannot use our number to reach them', async () => {
    const mine = (await api.request('GET', `/v1/templates?name=order_update&phone_number_id=${number.id}`)).body.data[0];
    const as = api.auth(otherKey);
    expect((await api.request('GET', `/v1/templates/${mine.id}`, undefined, as)).status).toBe(404);
    expect((await api.request('DELETE', `/v1/templates/${mine.id}`, undefined, as)).status).toBe(404);
    expect((await api.request('GET', '/v1/templates', undefined, as)).body.data).toEqual([]);
    expect((await api.request('GET', `/v1/templates?phone_number_id=${number.id}`, undefined, as)).status).toBe(404);
    expect((await api.request('POST', '/v1/templates/sync', { phone_number_id: number.phone_number_id }, as)).status).toBe(404);
    expect((await api.request('POST', '/v1/templates/sync', {}, as)).body).toEqual({ object: 'template_sync', results: [] });
    const create = await api.request(
      'POST',
      '/v1/templates',
      { phone_number_id: number.id, name: 'stolen', category: 'UTILITY', language: 'en', components: [{ type: 'BODY', text: 'x' }] },
      as,
    );
    expect(create.status).toBe(404);
    expect((await api.request('GET', `/v1/templates/${mine.id}`)).body.status).toBe('APPROVED');
  });
});

/** A template.status_updated event's payload. */
function statusEvent(e: EventEnvelope): { template: { id: string; status: string }; previous_status: string | null } {
  return e.data as unknown as { template: { id: string; status: string }; previous_status: string | null };
}

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
