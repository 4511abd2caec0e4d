import fc from 'fast-check';
import type { OrgFixtures } from './org-fixtures.js';
import { PNG } from './org-fixtures.js';
import type { Hint, JsonSchema } from './schema-arbitrary.js';

const phone = fc.integer({ min: 10_000_000, max: 99_999_999 }).map((n) => `+62813${n}`);
const isoTime = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());

/**
 * Values a schema cannot express but the domain needs to get past the first check: the organization's own ids,
 * phone numbers, a webhook URL that answers, an approved template's name. They are mixed with schema-only values
 * (see validValue), so both the deep paths and the early rejections are exercised.
 */
export function semanticHints(fx: OrgFixtures, receiverUrl: string): Hint {
  const ids = fx.ids;
  return (name: string, schema: JsonSchema) => {
    const isString = schema.type === 'string' || (!schema.type && !schema.anyOf);
    if (name === 'contact_ids' && schema.type === 'array') return fc.array(fc.constantFrom(ids.ctc, fx.customer.contactId), { maxLength: 3 });
    if (schema.type === 'object') {
      // A message's parts as a sender would fill them, so that generated sends get past validation to the rules.
      switch (name) {
        case 'fallback_template':
          return fc.constant(undefined);
        case 'template':
          return schema.properties?.category ? undefined : fc.constant({ name: fx.template.name, language: { code: fx.template.language } });
        case 'image':
        case 'video':
        case 'audio':
        case 'document':
        case 'sticker':
          return schema.properties?.link ? fc.constantFrom({ id: ids.med }, { link: `https://example.invalid/file-${name}` }) : undefined;
        case 'text':
          return schema.properties?.body ? fc.string({ minLength: 1, maxLength: 60 }).filter((b) => b.trim().length > 0).map((body) => ({ body })) : undefined;
        default:
          return undefined;
      }
    }
    if (!isString) return undefined;
    switch (name) {
      case 'phone_number_id':
        return fc.constantFrom(ids.pn, fx.metaPhoneNumberId);
      case 'to':
        // Mostly the customer whose window is open, so that free-form sends can be accepted.
        return fc.oneof({ arbitrary: fc.constant(fx.customer.phone), weight: 4 }, { arbitrary: fc.constantFrom(fx.contact.phone, fx.customer.phone.slice(1)), weight: 1 }, { arbitrary: phone, weight: 1 });
      case 'from':
      case 'phone':
        return fc.oneof(fc.constantFrom(fx.customer.phone, fx.contact.phone, fx.customer.phone.slice(1)), phone);
      case 'contact_id':
        return fc.constantFrom(ids.ctc, fx.customer.contactId);
      case 'conversation_id':
        return fc.constant(ids.cnv);
      case 'message_id':
        return fc.constantFrom(fx.customer.wamid, fx.customer.inboundMessageId, ids.msg);
      case 'subscription_id':
        return fc.constant(ids.whs);
      case 'actor_id':
        return fc.constant(ids.key);
      case 'target_id':
        return fc.constantFrom(...Object.values(ids));
      case 'url':
        return fc.constantFrom(`${receiverUrl}/fuzz`, `${receiverUrl}/fuzz?x=1`);
      case 'link':
        return fc.constantFrom('https://example.invalid/a.png', `${receiverUrl}/file.png`);
      case 'id':
        return fc.constantFrom(ids.med, 'btn_1');
      case 'name':
        return fc.constantFrom(fx.template.name, 'Bob');
      case 'code':
        return fc.constantFrom(fx.template.language, 'en_US', 'IDR');
      case 'language':
        return fc.constantFrom(fx.template.language, 'en_US');
      case 'since':
      case 'until':
        return isoTime;
      case 'data_base64':
        return fc.constant(PNG.toString('base64'));
      case 'q':
      case 'search':
        return fc.constantFrom(fx.contact.name, fx.customer.text.slice(0, 10), 'order');
      case 'send_at':
        // A schedule is one more rule to satisfy (future, at most 30 days); valid sends mostly go now.
        return fc.constant(undefined);
      case 'cursor':
        // A made-up cursor is refused (invalid_cursor) before anything else is looked at; valid requests omit it.
        return fc.constant(undefined);
      case 'access_token':
        return fc.constantFrom('EAAB-not-a-real-token', 'x');
      default:
        return undefined;
    }
  };
}
