import 'reflect-metadata';
import { AppError } from '../../common/app-error.js';
import { validateDto } from '../../common/validation.js';
import { SendMessageDto } from './send-message.dto.js';

const to = '+628123456789';
const x = (n: number) => 'x'.repeat(n);

async function accepts(body: object): Promise<void> {
  await expect(validateDto(SendMessageDto, { to, ...body })).resolves.toBeInstanceOf(SendMessageDto);
}

/** Refused with a 400 whose param (and message) name the offending field. */
async function refuses(body: object, param: string, message?: RegExp): Promise<void> {
  const err = await validateDto(SendMessageDto, { to, ...body }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  const e = err as AppError;
  expect(e.status).toBe(400);
  expect(e.param).toBe(param);
  expect(e.message).toContain(param);
  if (message) expect(e.message).toMatch(message);
}

const reply = (id: string, title: string) => ({ type: 'reply', reply: { id, title } });
const rows = (n: number, prefix = 'r') => Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, title: `Row ${i}` }));
const card = (i: number, header: object = { type: 'image', image: { link: 'https://cdn.example.com/p.jpg' } }) => ({
  card_index: i,
  type: 'cta_url',
  header,
  body: { text: `Card ${i}` },
  action: { name: 'cta_url', parameters: { display_text: 'Buy', url: 'https://shop.example.com/p' } },
});

describe('SendMessageDto: the envelope', () => {
  it('needs to and a known type carrying its body, and nothing else', async () => {
    await accepts({ type: 'text', text: { body: 'hi' } });
    await accepts({ type: 'text', text: { body: 'hi' }, messaging_product: 'whatsapp', recipient_type: 'individual', phone_number_id: 'pn_x' });
    await refuses({ type: 'fax', text: { body: 'hi' } }, 'type');
    await refuses({ type: 'text' }, 'text', /null or undefined/);
    await refuses({ type: 'text', text: { body: 'hi' }, image: { id: '1' } }, 'type', /must not carry image/);
    await expect(validateDto(SendMessageDto, { type: 'text', text: { body: 'hi' } })).rejects.toMatchObject({ param: 'to' });
  });

  it('refuses biz_opaque_callback_data: it carries our message id', async () => {
    await expect(validateDto(SendMessageDto, { to, type: 'text', text: { body: 'hi' }, biz_opaque_callback_data: 'mine' })).rejects.toMatchObject({
      code: 'unknown_parameter',
      param: 'biz_opaque_callback_data',
    });
  });

  it('takes a quoted reply context with a message id', async () => {
    await accepts({ type: 'text', text: { body: 'hi' }, context: { message_id: 'wamid.HBgL' } });
    await refuses({ type: 'text', text: { body: 'hi' }, context: {} }, 'context.message_id');
  });
});

describe('SendMessageDto: text', () => {
  it('allows 1-4096 characters', async () => {
    await accepts({ type: 'text', text: { body: x(4096), preview_url: true } });
    await refuses({ type: 'text', text: { body: x(4097) } }, 'text.body', /4096/);
    await refuses({ type: 'text', text: { body: '' } }, 'text.body');
    await refuses({ type: 'text', text: { body: 'a', preview_url: 'yes' } }, 'text.preview_url');
  });
});

describe('SendMessageDto: media', () => {
  for (const type of ['image', 'video', 'audio', 'document', 'sticker']) {
    it(`${type}: by id or by link, exactly one`, async () => {
      await accepts({ type, [type]: { id: '1234567890' } });
      await accepts({ type, [type]: { link: 'https://cdn.example.com/f' } });
      await refuses({ type, [type]: {} }, type, /exactly one of id or link/);
      await refuses({ type, [type]: { id: '1', link: 'https://cdn.example.com/f' } }, type, /exactly one of id or link/);
      await refuses({ type, [type]: { link: 'ftp://cdn.example.com/f' } }, `${type}.link`);
    });
  }

  for (const type of ['image', 'video', 'document']) {
    it(`${type}: caption up to 1024 characters`, async () => {
      await accepts({ type, [type]: { id: '1', caption: x(1024) } });
      await refuses({ type, [type]: { id: '1', caption: x(1025) } }, `${type}.caption`, /1024/);
    });
  }

  it('audio and sticker take no caption; document takes a filename; audio may be a voice note', async () => {
    await refuses({ type: 'audio', audio: { id: '1', caption: 'x' } }, 'audio.caption');
    await refuses({ type: 'sticker', sticker: { id: '1', caption: 'x' } }, 'sticker.caption');
    await accepts({ type: 'document', document: { id: '1', filename: 'invoice.pdf' } });
    await accepts({ type: 'audio', audio: { id: '1', voice: true } });
  });
});

describe('SendMessageDto: location, contacts, reaction', () => {
  it('location: latitude and longitude in range', async () => {
    await accepts({ type: 'location', location: { latitude: -90, longitude: 180, name: 'Monas', address: 'Jakarta' } });
    await refuses({ type: 'location', location: { latitude: 90.0001, longitude: 0 } }, 'location.latitude');
    await refuses({ type: 'location', location: { latitude: 0, longitude: -180.5 } }, 'location.longitude');
    await refuses({ type: 'location', location: { latitude: '1', longitude: 0 } }, 'location.latitude');
  });

  it('contacts: 1-20 cards, each with a formatted name', async () => {
    const c = { name: { formatted_name: 'Budi Santoso', first_name: 'Budi' }, phones: [{ phone: '+62 812', type: 'CELL', wa_id: '62812' }], birthday: '1990-01-31' };
    await accepts({ type: 'contacts', contacts: [c] });
    await refuses({ type: 'contacts', contacts: [] }, 'contacts');
    await refuses({ type: 'contacts', contacts: Array.from({ length: 21 }, () => c) }, 'contacts');
    await refuses({ type: 'contacts', contacts: [{ name: {} }] }, 'contacts[0].name.formatted_name');
    await refuses({ type: 'contacts', contacts: [{ name: { formatted_name: 'Budi' } }] }, 'contacts[0].name', /at least one of first_name/);
    await refuses({ type: 'contacts', contacts: [{ ...c, birthday: '31/01/1990' }] }, 'contacts[0].birthday');
  });

  it('reaction: a message id and an emoji, empty to remove', async () => {
    await accepts({ type: 'reaction', reaction: { message_id: 'wamid.X', emoji: '👍' } });
    await accepts({ type: 'reaction', reaction: { message_id: 'wamid.X', emoji: '' } });
    await refuses({ type: 'reaction', reaction: { emoji: '👍' } }, 'reaction.message_id');
  });
});

describe('SendMessageDto: template', () => {
  const base = { name: 'order_update', language: { code: 'en_US' } };

  it('takes a name, a language and parameter components', async () => {
    await accepts({
      type: 'template',
      template: {
        ...base,
        components: [
          { type: 'header', parameters: [{ type: 'image', image: { link: 'https://cdn.example.com/h.jpg' } }] },
          { type: 'body', parameters: [{ type: 'text', text: 'Budi', parameter_name: 'customer' }, { type: 'currency', currency: { fallback_value: 'Rp150.000', code: 'IDR', amount_1000: 150000000 } }, { type: 'date_time', date_time: { fallback_value: 'tomorrow' } }] },
          { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'INV-9' }] },
          { type: 'button', sub_type: 'quick_reply', index: '1', parameters: [{ type: 'payload', payload: 'stop' }] },
          { type: 'button', sub_type: 'copy_code', index: '2', parameters: [{ type: 'coupon_code', coupon_code: 'SAVE10' }] },
        ],
      },
    });
    await accepts({ type: 'template', template: base });
  });

  it('names the field of a malformed parameter', async () => {
    await refuses({ type: 'template', template: { ...base, name: 'Order Update' } }, 'template.name');
    await refuses({ type: 'template', template: { name: 'x' } }, 'template.language');
    await refuses({ type: 'template', template: { ...base, components: [{ type: 'footer' }] } }, 'template.components[0].type');
    await refuses({ type: 'template', template: { ...base, components: [{ type: 'body', parameters: [{ type: 'text' }] }] } }, 'template.components[0].parameters[0].text');
    await refuses(
      { type: 'template', template: { ...base, components: [{ type: 'header', parameters: [{ type: 'image', image: {} }] }] } },
      'template.components[0].parameters[0].image',
      /id or link/,
    );
    await refuses({ type: 'template', template: { ...base, components: [{ type: 'button', parameters: [] }] } }, 'template.components[0].sub_type');
    await refuses(
      { type: 'template', template: { ...base, components: [{ type: 'button', sub_type: 'url', index: 0, parameters: [] }] } },
      'template.components[0].index',
    );
    await refuses(
      { type: 'template', template: { ...base, components: [{ type: 'body', parameters: [{ type: 'currency', currency: { fallback_value: 'x', code: 'idr', amount_1000: 1 } }] }] } },
      'template.components[0].parameters[0].currency.code',
    );
  });
});

describe('SendMessageDto: interactive button', () => {
  const msg = (buttons: object[], extra: object = {}) => ({ type: 'interactive', interactive: { type: 'button', body: { text: 'Choose' }, action: { buttons }, ...extra } });

  it('allows 1-3 reply buttons with titles of at most 20 characters, unique', async () => {
    await accepts(msg([reply('a', x(20)), reply('b', 'No'), reply('c', 'Later')], { header: { type: 'text', text: x(60) }, footer: { text: x(60) } }));
    await refuses(msg([reply('a', 'A'), reply('b', 'B'), reply('c', 'C'), reply('d', 'D')]), 'interactive.action.buttons');
    await refuses(msg([]), 'interactive.action.buttons');
    await refuses(msg([reply('a', x(21))]), 'interactive.action.buttons[0].reply.title', /20/);
    await refuses(msg([reply(x(257), 'A')]), 'interactive.action.buttons[0].reply.id', /256/);
    await refuses(msg([reply('a', 'Yes'), reply('b', 'yes')]), 'interactive', /buttons\[1\]\.reply\.title must be unique/);
    await refuses(msg([reply('a', 'Yes'), reply('a', 'No')]), 'interactive', /buttons\[1\]\.reply\.id must be unique/);
  });

  it('limits body to 1024, header text and footer to 60, and checks the header media', async () => {
    await refuses({ type: 'interactive', interactive: { type: 'button', body: { text: x(1025) }, action: { buttons: [reply('a', 'A')] } } }, 'interactive', /body\.text must be at most 1024/);
    await refuses(msg([reply('a', 'A')], { header: { type: 'text', text: x(61) } }), 'interactive.header.text');
    await refuses(msg([reply('a', 'A')], { footer: { text: x(61) } }), 'interactive.footer.text');
    await refuses(msg([reply('a', 'A')], { header: { type: 'image' } }), 'interactive', /header\.image is required/);
    await refuses(msg([reply('a', 'A')], { header: { type: 'image', image: { id: '1', link: 'https://a.example/b' } } }), 'interactive', /exactly one of id or link/);
    await accepts(msg([reply('a', 'A')], { header: { type: 'document', document: { id: '1' } } }));
    await refuses({ type: 'interactive', interactive: { type: 'button', action: { buttons: [reply('a', 'A')] } } }, 'interactive', /body\.text is required/);
  });

  it('refuses the parts of another interactive type', async () => {
    await refuses(msg([reply('a', 'A')], { action: { buttons: [reply('a', 'A')], sections: [{ rows: rows(1) }] } }), 'interactive', /action\.sections is not allowed/);
  });
});

describe('SendMessageDto: interactive list', () => {
  const list = (sections: object[], extra: object = {}) => ({
    type: 'interactive',
    interactive: { type: 'list', body: { text: 'Menu' }, action: { button: 'Open', sections }, ...extra },
  });

  it('allows up to 10 sections and 10 rows in total, with the documented lengths', async () => {
    await accepts(list([{ title: x(24), rows: [{ id: x(200), title: x(24), description: x(72) }, ...rows(9)] }]));
    await accepts(list([{ title: 'A', rows: rows(5, 'a') }, { title: 'B', rows: rows(5, 'b') }], { header: { type: 'text', text: 'Our menu' } }));
    await refuses(list([{ title: 'A', rows: rows(6, 'a') }, { title: 'B', rows: rows(5, 'b') }]), 'interactive', /at most 10 rows in total \(got 11\)/);
    await refuses(list([{ rows: rows(11) }]), 'interactive.action.sections[0].rows');
    await refuses(list(Array.from({ length: 11 }, (_, i) => ({ title: `S${i}`, rows: rows(1, `s${i}`) }))), 'interactive.action.sections');
    await refuses(list([{ title: x(25), rows: rows(1) }]), 'interactive.action.sections[0].title');
    await refuses(list([{ rows: [{ id: 'a', title: x(25) }] }]), 'interactive.action.sections[0].rows[0].title', /24/);
    await refuses(list([{ rows: [{ id: 'a', title: 'A', description: x(73) }] }]), 'interactive.action.sections[0].rows[0].description', /72/);
    await refuses(list([{ rows: [{ id: x(201), title: 'A' }] }]), 'interactive.action.sections[0].rows[0].id', /200/);
    await refuses(list([{ title: 'A', rows: rows(1) }, { rows: rows(1, 'z') }]), 'interactive', /sections\[1\]\.title is required/);
    await refuses(list([{ rows: [{ id: 'a', title: 'A' }, { id: 'a', title: 'B' }] }]), 'interactive', /rows\[1\]\.id must be unique/);
  });

  it('takes a body of up to 4096 characters, a button label of up to 20 and only a text header', async () => {
    await accepts({ type: 'interactive', interactive: { type: 'list', body: { text: x(4096) }, action: { button: x(20), sections: [{ rows: rows(1) }] } } });
    await refuses({ type: 'interactive', interactive: { type: 'list', body: { text: x(4097) }, action: { button: 'Open', sections: [{ rows: rows(1) }] } } }, 'interactive.body.text');
    await refuses({ type: 'interactive', interactive: { type: 'list', body: { text: 'a' }, action: { button: x(21), sections: [{ rows: rows(1) }] } } }, 'interactive.action.button');
    await refuses(list([{ rows: rows(1) }], { header: { type: 'image', image: { id: '1' } } }), 'interactive', /header\.type must be text/);
    await refuses({ type: 'interactive', interactive: { type: 'list', body: { text: 'a' }, action: { sections: [{ rows: rows(1) }] } } }, 'interactive', /action\.button is required/);
  });
});

describe('SendMessageDto: interactive cta_url', () => {
  const cta = (parameters: object, extra: object = {}) => ({
    type: 'interactive',
    interactive: { type: 'cta_url', body: { text: 'Track your order' }, action: { name: 'cta_url', parameters }, ...extra },
  });

  it('takes a label of at most 20 characters and an http(s) URL', async () => {
    await accepts(cta({ display_text: x(20), url: 'https://track.example.com/abc?x=1' }, { header: { type: 'text', text: 'Order' }, footer: { text: 'Thanks' } }));
    await refuses(cta({ display_text: x(21), url: 'https://track.example.com' }), 'interactive.action.parameters.display_text');
    await refuses(cta({ display_text: 'Go', url: 'javascript:alert(1)' }), 'interactive.action.parameters.url');
    await refuses({ type: 'interactive', interactive: { type: 'cta_url', body: { text: 'a' }, action: { name: 'cta_url' } } }, 'interactive', /action\.parameters is required/);
    await refuses({ type: 'interactive', interactive: { type: 'cta_url', body: { text: x(1025) }, action: { name: 'cta_url', parameters: { display_text: 'Go', url: 'https://a.example' } } } }, 'interactive', /1024/);
  });
});

describe('SendMessageDto: interactive carousel', () => {
  const carousel = (cards: object[], extra: object = {}) => ({ type: 'interactive', interactive: { type: 'carousel', body: { text: 'Our picks' }, action: { cards }, ...extra } });

  it('takes 2-10 cards numbered in order, all with the same header type', async () => {
    await accepts(carousel([card(0), card(1)]));
    await accepts(carousel(Array.from({ length: 10 }, (_, i) => card(i))));
    await accepts(carousel([card(0, { type: 'video', video: { id: '1' } }), card(1, { type: 'video', video: { link: 'https://cdn.example.com/v.mp4' } })]));
    await refuses(carousel([card(0)]), 'interactive.action.cards');
    await refuses(carousel(Array.from({ length: 11 }, (_, i) => card(i % 10))), 'interactive.action.cards');
    await refuses(carousel([card(0), card(1, { type: 'video', video: { id: '1' } })]), 'interactive', /cards\[1\]\.header\.type must be image/);
    await refuses(carousel([card(0), card(2)]), 'interactive', /cards\[1\]\.card_index must be 1/);
    await refuses(carousel([card(0), card(1, { type: 'image' })]), 'interactive', /cards\[1\]\.header\.image is required/);
  });

  it('limits card text to 160 characters and refuses a top-level header', async () => {
    const long = { ...card(1), body: { text: x(161) } };
    await refuses(carousel([card(0), long]), 'interactive', /cards\[1\]\.body\.text must be at most 160/);
    await refuses(carousel([card(0), card(1)], { header: { type: 'text', text: 'x' } }), 'interactive', /header is not allowed in carousel/);
  });
});
