import crypto from 'node:crypto';
import { OrganizationsService } from '#domain';
import type { TestApi } from '../harness.js';
import { eventually } from '../messaging-helpers.js';

/** A small PNG-looking file: the sandbox checks the magic bytes, not the picture. */
export const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), crypto.randomBytes(256)]);

/** A random Indonesian mobile number in E.164, unique enough that two organizations never share one. */
export function randomPhone(): string {
  return `+62812${crypto.randomInt(10_000_000, 99_999_999)}`;
}

export interface OrgFixtures {
  orgId: string;
  orgName: string;
  key: string;
  /** One object of every kind, by the id prefix its REST routes take (brd only where broadcasts exist). */
  ids: { pn: string; ctc: string; cnv: string; msg: string; tpl: string; lbl: string; note: string; whs: string; whd: string; med: string; key: string; brd?: string };
  /** Objects that DELETE routes may consume (revoke, disconnect, delete, erase) without breaking the others. */
  victims: { pn: string; lbl: string; whs: string; key: string; tpl: string; ctc: string };
  /** Meta's numeric id of the primary number (accepted wherever phone_number_id is). */
  metaPhoneNumberId: string;
  displayPhoneNumber: string;
  wabaId: string;
  /** The customer who wrote in (their conversation's window is open). */
  customer: { phone: string; contactId: string; conversationId: string; inboundMessageId: string; wamid: string; text: string };
  /** A contact created over REST. */
  contact: { id: string; phone: string; name: string; email: string };
  outbound: { id: string; body: string; wamid?: string };
  template: { id: string; name: string; language: string; metaTemplateId: string };
  label: { id: string; name: string };
  note: { id: string; body: string };
  subscription: { id: string; secret: string; description: string };
  apiKey: { id: string; key: string; name: string };
  realtimeToken: string;
  /**
   * Distinctive values of this organization (ids, names, phone numbers, bodies, secrets): none may appear in another
   * organization's responses. Shared sandbox values (template names, languages) are left out on purpose.
   */
  secrets: string[];
}

/**
 * Creates one of everything an organization can own, through the public API the way a customer would: a sandbox
 * number (and its synced templates), a conversation opened by an inbound message, an outbound reply, a contact, a
 * label on it, a note, a webhook subscription with a delivery, an uploaded media item, an api key and a realtime
 * token. `tag` makes every name and text distinctive so leaks can be found by substring.
 */
export async function createOneOfEverything(api: TestApi, opts: { key?: string; tag: string; receiverUrl: string; routes: readonly string[] }): Promise<OrgFixtures> {
  const tag = opts.tag;
  let key = opts.key;
  if (!key) {
    const created = await api.app.get(OrganizationsService).create({ name: `Org ${tag}`, firstKey: { name: `first ${tag}` } });
    key = created.plaintextKey!;
  }
  const me = await api.request('GET', '/v1/me', undefined, api.auth(key));
  const orgId: string = me.body.id;
  const orgName: string = me.body.name;
  await api.app.get(OrganizationsService).setLimits(orgId, { plan: 'enterprise', writesPerMinute: 1_000_000, readsPerMinute: 1_000_000 });
  const as = api.auth(key);
  const ok = async (method: string, path: string, body?: unknown, expected = [200, 201, 202]) => {
    const res = await api.request(method, path, body, as);
    if (!expected.includes(res.status)) throw new Error(`fixture ${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  };

  const number = await ok('POST', '/v1/phone_numbers', { sandbox: true, verified_name: `Shop ${tag}` });
  const victimNumber = await ok('POST', '/v1/phone_numbers', { sandbox: true });
  // Connecting syncs the WABA's templates in the background; a sync now makes it deterministic.
  await ok('POST', '/v1/templates/sync', {});
  const templates = (await ok('GET', `/v1/templates?phone_number_id=${number.id}&status=APPROVED&limit=100`)).data as { id: string; name: string; language: string; meta_template_id: string }[];
  const template = templates.find((t) => t.name === 'hello_world') ?? templates[0];
  const victimTemplate = (await ok('GET', `/v1/templates?phone_number_id=${victimNumber.id}&limit=100`)).data[0];

  const subscription = await ok('POST', '/v1/webhook_subscriptions', { url: `${opts.receiverUrl}/${tag}`, events: ['*'], description: `hooks ${tag}` });
  const victimSubscription = await ok('POST', '/v1/webhook_subscriptions', { url: `${opts.receiverUrl}/${tag}-victim`, events: ['contact.created'] });

  const customerPhone = randomPhone();
  const text = `hello from customer ${tag}`;
  const inbound = await ok('POST', '/v1/sandbox/inbound', { phone_number_id: number.id, from: customerPhone, type: 'text', text: { body: text }, profile_name: `Cust ${tag}` });
  const conversation = await eventually(async () => {
    const list = await api.request('GET', `/v1/conversations?q=${encodeURIComponent(customerPhone)}`, undefined, as);
    return list.body?.data?.[0];
  }, `the conversation of ${tag}`);
  const inboundMessage = await eventually(async () => {
    const msgs = await api.request('GET', `/v1/conversations/${conversation.id}/messages`, undefined, as);
    return msgs.body?.data?.find((m: { wamid: string }) => m.wamid === inbound.wamid);
  }, `the inbound message of ${tag}`);

  const contactPhone = randomPhone();
  const contact = await ok('POST', '/v1/contacts', { phone: contactPhone, name: `Alice ${tag}`, email: `alice.${tag.toLowerCase()}@example.com` });
  const outboundBody = `your order ${tag} has shipped`;
  const outbound = await ok('POST', '/v1/messages', { phone_number_id: number.id, to: customerPhone, type: 'text', text: { body: outboundBody } });
  const sent = await eventually(async () => {
    const m = (await api.request('GET', `/v1/messages/${outbound.id}`, undefined, as)).body;
    return m?.wamid ? m : undefined;
  }, `the outbound message of ${tag} to be sent`);

  const victimContact = await ok('POST', '/v1/contacts', { phone: randomPhone(), name: `Victim ${tag}` });
  // Broadcasts are created where the route exists (the isolation matrix then requires them).
  let broadcast: { id: string; name: string } | undefined;
  if (opts.routes.includes('POST /v1/broadcasts')) {
    broadcast = await ok('POST', '/v1/broadcasts', { name: `Broadcast ${tag}`, phone_number_id: number.id, template: { name: template.name, language: { code: template.language } } });
    await ok('POST', `/v1/broadcasts/${broadcast!.id}/recipients`, { recipients: [{ to: customerPhone }] });
  }

  const label = await ok('POST', '/v1/labels', { name: `Label ${tag}`, color: 'teal' });
  const victimLabel = await ok('POST', '/v1/labels', { name: `Victim ${tag}` });
  await ok('PUT', `/v1/contacts/${contact.id}/labels/${label.id}`);
  const note = await ok('POST', `/v1/contacts/${contact.id}/notes`, { body: `note about ${tag}` });

  const form = new FormData();
  form.append('phone_number_id', number.id);
  form.append('file', new Blob([new Uint8Array(PNG)], { type: 'image/png' }), `receipt-${tag}.png`);
  const mediaRes = await fetch(`${api.url}/v1/media`, { method: 'POST', headers: as, body: form });
  const media = (await mediaRes.json()) as { id: string };
  if (mediaRes.status !== 201) throw new Error(`fixture media upload answered ${mediaRes.status}: ${JSON.stringify(media)}`);

  const apiKey = await ok('POST', '/v1/api_keys', { name: `key ${tag}` });
  const victimKey = await ok('POST', '/v1/api_keys', { name: `victim ${tag}` });
  const realtimeToken = (await ok('POST', '/v1/realtime/tokens', {})).token as string;

  const delivery = await eventually(async () => {
    // The inbound message's delivery: nothing the suites delete (a contact's erasure takes its deliveries along).
    const list = await api.request('GET', `/v1/webhook_deliveries?subscription_id=${subscription.id}&event_type=message.received&limit=1`, undefined, as);
    return list.body?.data?.[0];
  }, `a webhook delivery of ${tag}`);

  const secrets = [
    orgId,
    key,
    number.id,
    number.phone_number_id,
    number.display_phone_number,
    number.waba_id,
    victimNumber.id,
    victimNumber.phone_number_id,
    victimNumber.display_phone_number,
    conversation.id,
    inboundMessage.id,
    inbound.wamid,
    sent.id,
    sent.wamid,
    outboundBody,
    text,
    customerPhone,
    customerPhone.slice(1),
    conversation.contact_id ?? conversation.contact?.id,
    contact.id,
    contactPhone,
    contactPhone.slice(1),
    contact.name,
    contact.email,
    template.id,
    template.meta_template_id,
    label.id,
    label.name,
    victimLabel.id,
    note.id,
    note.body,
    subscription.id,
    subscription.secret,
    subscription.description,
    subscription.url,
    victimSubscription.id,
    delivery.id,
    media.id,
    apiKey.id,
    apiKey.key,
    apiKey.name,
    victimKey.id,
    realtimeToken,
    victimContact.id,
    broadcast?.id,
    broadcast?.name,
    `Shop ${tag}`,
    `Cust ${tag}`,
    orgName,
  ].filter((v): v is string => typeof v === 'string' && v.length >= 6);

  return {
    orgId,
    orgName,
    key,
    ids: {
      pn: number.id,
      ctc: contact.id,
      cnv: conversation.id,
      msg: sent.id,
      tpl: template.id,
      lbl: label.id,
      note: note.id,
      whs: subscription.id,
      whd: delivery.id,
      med: media.id,
      key: apiKey.id,
      ...(broadcast ? { brd: broadcast.id } : {}),
    },
    victims: { pn: victimNumber.id, lbl: victimLabel.id, whs: victimSubscription.id, key: victimKey.id, tpl: victimTemplate.id, ctc: victimContact.id },
    metaPhoneNumberId: number.phone_number_id,
    displayPhoneNumber: number.display_phone_number,
    wabaId: number.waba_id,
    customer: {
      phone: customerPhone,
      contactId: conversation.contact_id ?? conversation.contact?.id,
      conversationId: conversation.id,
      inboundMessageId: inboundMessage.id,
      wamid: inbound.wamid,
      text,
    },
    contact: { id: contact.id, phone: contactPhone, name: contact.name, email: contact.email },
    outbound: { id: sent.id, body: outboundBody, wamid: sent.wamid },
    template: { id: template.id, name: template.name, language: template.language, metaTemplateId: template.meta_template_id },
    label: { id: label.id, name: label.name },
    note: { id: note.id, body: note.body },
    subscription: { id: subscription.id, secret: subscription.secret, description: subscription.description },
    apiKey: { id: apiKey.id, key: apiKey.key, name: apiKey.name },
    realtimeToken,
    secrets: [...new Set(secrets)],
  };
}
