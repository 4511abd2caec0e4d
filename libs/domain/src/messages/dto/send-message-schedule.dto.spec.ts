import { AppError } from '../../common/app-error.js';
import { validateDto } from '../../common/validation.js';
import { SendMessageDto } from './send-message.dto.js';

const refusal = async (body: object) => {
  try {
    await validateDto(SendMessageDto, body);
  } catch (err) {
    return err as AppError;
  }
  throw new Error(`accepted ${JSON.stringify(body)}`);
};

describe('SendMessageDto: send_at and fallback_template', () => {
  const text = { to: '+628123456789', type: 'text', text: { body: 'hi' } };
  const fallback = {
    name: 'order_update',
    language: { code: 'en' },
    components: [{ type: 'body', parameters: [{ type: 'text', text: 'Budi' }] }],
  };

  it('accepts send_at with a timezone and a fallback template on free-form types', async () => {
    const dto = await validateDto(SendMessageDto, {
      ...text,
      send_at: '2026-05-01T09:00:00+07:00',
      fallback_template: fallback,
    });
    expect(dto.send_at).toBe('2026-05-01T09:00:00+07:00');
    expect(dto.fallback_template?.name).toBe('order_update');
  });

  it('refuses send_at without a timezone or not a date-time', async () => {
    for (const send_at of ['2026-05-01T09:00:00', '2026-05-01', 'soon', '2026-05-01 09:00:00Z'])
      expect(await refusal({ ...text, send_at })).toMatchObject({ code: 'validation_failed', param: 'send_at' });
  });

  it('refuses fallback_template on template and reaction sends, and a malformed one by its field', async () => {
    const template = { to: '+628123456789', type: 'template', template: fallback };
    expect(await refusal({ ...template, fallback_template: fallback })).toMatchObject({
      code: 'validation_failed',
      param: 'fallback_template',
    });
    const reaction = { to: '+628123456789', type: 'reaction', reaction: { message_id: 'wamid.x', emoji: '👍' } };
    expect(await refusal({ ...reaction, fallback_template: fallback })).toMatchObject({ param: 'fallback_template' });
    expect(await refusal({ ...text, fallback_template: { name: 'Bad Name', language: { code: 'en' } } })).toMatchObject(
      { param: 'fallback_template.name' },
    );
  });
});
