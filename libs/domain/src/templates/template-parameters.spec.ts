import { AppError } from '../common/app-error.js';
import {
  checkTemplateParameters,
  inferParameterFormat,
  parameterSpec,
  summarizeParameters,
  variablesOf,
  type StoredComponent,
} from './template-parameters.js';

const body = (text: string): StoredComponent => ({ type: 'BODY', text });
const text = (t: string) => ({ type: 'text', text: t });
const named = (name: string, t: string) => ({ type: 'text', parameter_name: name, text: t });

function check(components: StoredComponent[], sent: unknown, format?: 'NAMED' | 'POSITIONAL') {
  checkTemplateParameters({ name: 'order_update', language: 'en_US', spec: parameterSpec(components, format) }, sent);
}

/** The mismatch error's message, or 'ok'. */
function outcome(components: StoredComponent[], sent: unknown, format?: 'NAMED' | 'POSITIONAL'): string {
  try {
    check(components, sent, format);
    return 'ok';
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    expect(err.code).toBe('template_parameter_mismatch');
    expect(err.status).toBe(422);
    return err.message;
  }
}

describe('variablesOf / inferParameterFormat', () => {
  it('finds variables once each, in order, tolerating spaces', () => {
    expect(variablesOf('Hi {{1}}, your {{ 2 }} ships {{1}}')).toEqual(['1', '2']);
    expect(variablesOf('Hi {{customer_name}} at {{time}}')).toEqual(['customer_name', 'time']);
    expect(variablesOf(undefined)).toEqual([]);
  });

  it('trusts Meta’s parameter_format and infers it for older rows', () => {
    expect(inferParameterFormat([body('Hi {{1}}')], 'NAMED')).toBe('NAMED');
    expect(inferParameterFormat([body('Hi {{name}}')])).toBe('NAMED');
    expect(inferParameterFormat([body('Hi {{1}}')])).toBe('POSITIONAL');
    expect(inferParameterFormat([body('No variables')])).toBe('POSITIONAL');
  });
});

describe('body parameters, POSITIONAL', () => {
  const tpl = [body('Hi {{1}}, order {{2}} is on its way')];

  it('accepts exactly the declared count', () => {
    expect(outcome(tpl, [{ type: 'body', parameters: [text('Budi'), text('A-17')] }])).toBe('ok');
  });

  it('refuses too few, too many, or none, naming the count', () => {
    expect(outcome(tpl, [{ type: 'body', parameters: [text('Budi')] }])).toMatch(/body expects 2 parameters \(\{\{1\}\}, \{\{2\}\}\), got 1/);
    expect(outcome(tpl, [{ type: 'body', parameters: [text('a'), text('b'), text('c')] }])).toMatch(/got 3/);
    expect(outcome(tpl, [])).toMatch(/body expects 2 parameters.*none given/);
    expect(outcome(tpl, undefined)).toMatch(/none given/);
  });

  it('counts up to the highest number, as Meta does', () => {
    expect(outcome([body('{{1}} and {{3}}')], [{ type: 'body', parameters: [text('a'), text('b')] }])).toMatch(/expects 3 parameters/);
  });

  it('refuses parameter_name on a positional template', () => {
    expect(outcome(tpl, [{ type: 'body', parameters: [named('a', 'x'), named('b', 'y')] }])).toMatch(/remove parameter_name/);
  });

  it('accepts currency and date_time, checking their shape', () => {
    const currency = { type: 'currency', currency: { fallback_value: '$10', code: 'USD', amount_1000: 10000 } };
    const dateTime = { type: 'date_time', date_time: { fallback_value: 'May 1' } };
    expect(outcome(tpl, [{ type: 'body', parameters: [currency, dateTime] }])).toBe('ok');
    expect(outcome(tpl, [{ type: 'body', parameters: [{ type: 'currency', currency: { code: 'USD' } }, dateTime] }])).toMatch(/currency/);
    expect(outcome(tpl, [{ type: 'body', parameters: [text('a'), { type: 'date_time', date_time: {} }] }])).toMatch(/date_time.fallback_value/);
  });

  it('refuses empty text and the characters Meta refuses later (new lines, tabs, 5+ spaces)', () => {
    expect(outcome(tpl, [{ type: 'body', parameters: [text(''), text('b')] }])).toMatch(/body parameter 1 needs a non-empty text/);
    expect(outcome(tpl, [{ type: 'body', parameters: [text('a\nb'), text('b')] }])).toMatch(/new lines/);
    expect(outcome(tpl, [{ type: 'body', parameters: [text('a'), text('a     b')] }])).toMatch(/consecutive spaces/);
    expect(outcome(tpl, [{ type: 'body', parameters: [{ type: 'image', image: { id: '1' } }, text('b')] }])).toMatch(/must be of type text or currency or date_time/);
  });

  it('refuses parameters for a body without variables', () => {
    expect(outcome([body('Thanks!')], [{ type: 'body', parameters: [text('x')] }])).toMatch(/body takes no parameters/);
    expect(outcome([body('Thanks!')], [])).toBe('ok');
  });

  it('refuses a body given twice and components that are not objects', () => {
    expect(outcome(tpl, [{ type: 'body', parameters: [text('a'), text('b')] }, { type: 'body', parameters: [] }])).toMatch(/more than once/);
    expect(outcome(tpl, 'nope')).toMatch(/components must be an array/);
    expect(outcome(tpl, [42])).toMatch(/components\[0\] must be an object/);
    expect(outcome(tpl, [{ type: 'body', parameters: 'x' }])).toMatch(/parameters must be an array/);
  });

  it('accepts component types in any case', () => {
    expect(outcome(tpl, [{ type: 'BODY', parameters: [text('a'), text('b')] }])).toBe('ok');
  });
});

describe('body parameters, NAMED', () => {
  const tpl = [body('Hi {{customer_name}}, your table is ready at {{time}}')];

  it('accepts every name once, in any order', () => {
    expect(outcome(tpl, [{ type: 'body', parameters: [named('time', '19:00'), named('customer_name', 'Budi')] }], 'NAMED')).toBe('ok');
  });

  it('names the missing parameter', () => {
    expect(outcome(tpl, [{ type: 'body', parameters: [named('customer_name', 'Budi')] }], 'NAMED')).toMatch(/missing the named parameter time/);
  });

  it('names the unknown parameter', () => {
    expect(outcome(tpl, [{ type: 'body', parameters: [named('customer_name', 'Budi'), named('time', '1'), named('table', '4')] }], 'NAMED')).toMatch(
      /no parameter named table \(it takes customer_name, time\)/,
    );
  });

  it('refuses a parameter without parameter_name, and duplicates', () => {
    expect(outcome(tpl, [{ type: 'body', parameters: [text('Budi'), named('time', '1')] }], 'NAMED')).toMatch(/parameter 0 needs a parameter_name/);
    expect(outcome(tpl, [{ type: 'body', parameters: [named('time', '1'), named('time', '2')] }], 'NAMED')).toMatch(/time is given twice/);
  });
});

describe('header parameters', () => {
  const withHeader = (header: StoredComponent) => [header, body('Hello')];

  it('TEXT header with a variable needs one text parameter', () => {
    const tpl = withHeader({ type: 'HEADER', format: 'TEXT', text: 'Order {{1}}' });
    expect(outcome(tpl, [{ type: 'header', parameters: [text('A-17')] }])).toBe('ok');
    expect(outcome(tpl, [])).toMatch(/header expects 1 parameter \(\{\{1\}\}\); none given/);
    expect(outcome(tpl, [{ type: 'header', parameters: [{ type: 'currency', currency: {} }] }])).toMatch(/header parameter 1 must be of type text/);
  });

  it('TEXT header with a named variable needs that name', () => {
    const tpl = withHeader({ type: 'HEADER', format: 'TEXT', text: 'Order {{order_id}}' });
    expect(outcome(tpl, [{ type: 'header', parameters: [named('order_id', 'A-17')] }], 'NAMED')).toBe('ok');
    expect(outcome(tpl, [{ type: 'header', parameters: [named('order', 'A-17')] }], 'NAMED')).toMatch(/header has no parameter named order/);
  });

  it('fixed TEXT header takes no parameters; no header refuses a header', () => {
    expect(outcome(withHeader({ type: 'HEADER', format: 'TEXT', text: 'Welcome' }), [{ type: 'header', parameters: [text('x')] }])).toMatch(/fixed text/);
    expect(outcome([body('Hello')], [{ type: 'header', parameters: [text('x')] }])).toMatch(/it has no header/);
  });

  it.each(['IMAGE', 'VIDEO', 'DOCUMENT'])('%s header needs a parameter of that media type with id or link', (format) => {
    const kind = format.toLowerCase();
    const tpl = withHeader({ type: 'HEADER', format });
    expect(outcome(tpl, [{ type: 'header', parameters: [{ type: kind, [kind]: { id: '1234' } }] }])).toBe('ok');
    expect(outcome(tpl, [{ type: 'header', parameters: [{ type: kind, [kind]: { link: 'https://x.example/f' } }] }])).toBe('ok');
    expect(outcome(tpl, [])).toMatch(new RegExp(`header expects one ${kind} parameter`));
    expect(outcome(tpl, [{ type: 'header', parameters: [{ type: kind, [kind]: {} }] }])).toMatch(new RegExp(`needs ${kind}.id .* or ${kind}.link`));
    const other = kind === 'image' ? 'video' : 'image';
    expect(outcome(tpl, [{ type: 'header', parameters: [{ type: other, [other]: { id: '1' } }] }])).toMatch(new RegExp(`expects a ${kind} parameter, got ${other}`));
    expect(outcome(tpl, [{ type: 'header', parameters: [text('x'), text('y')] }])).toMatch(/got 2/);
  });

  it('LOCATION header needs latitude and longitude', () => {
    const tpl = withHeader({ type: 'HEADER', format: 'LOCATION' });
    expect(outcome(tpl, [{ type: 'header', parameters: [{ type: 'location', location: { latitude: -6.2, longitude: 106.8 } }] }])).toBe('ok');
    expect(outcome(tpl, [{ type: 'header', parameters: [{ type: 'location', location: { latitude: '-6.2' } }] }])).toMatch(/numeric latitude/);
  });
});

describe('button parameters', () => {
  const buttons = (...b: NonNullable<StoredComponent['buttons']>): StoredComponent[] => [body('Hi'), { type: 'BUTTONS', buttons: b }];
  const urlParam = (index: string | number, t = 'A-17') => ({ type: 'button', sub_type: 'url', index, parameters: [text(t)] });

  it('URL button with a variable needs its suffix, by index', () => {
    const tpl = buttons({ type: 'QUICK_REPLY', text: 'Stop' }, { type: 'URL', text: 'Track', url: 'https://shop.example/t/{{1}}' });
    expect(outcome(tpl, [urlParam('1')])).toBe('ok');
    expect(outcome(tpl, [urlParam(1)])).toBe('ok');
    expect(outcome(tpl, [])).toMatch(/button 1 \(URL\) needs a \{ type: "button", sub_type: "url", index: "1"/);
    expect(outcome(tpl, [urlParam('0')])).toMatch(/button 0 is a QUICK_REPLY button: its sub_type is quick_reply, got url/);
    expect(outcome(tpl, [urlParam('5')])).toMatch(/no button 5 \(it has 2\)/);
    expect(outcome(tpl, [urlParam('1'), urlParam('1')])).toMatch(/more than once/);
    expect(outcome(tpl, [{ type: 'button', sub_type: 'url', parameters: [text('x')] }])).toMatch(/needs its index/);
    expect(outcome(tpl, [{ type: 'button', sub_type: 'url', index: '1', parameters: [] }])).toMatch(/expects one text parameter, got 0/);
    expect(outcome(tpl, [{ type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'payload', payload: 'x' }] }])).toMatch(/expects a text parameter, got payload/);
  });

  it('a fixed URL button takes no parameters', () => {
    const tpl = buttons({ type: 'URL', text: 'Site', url: 'https://shop.example' });
    expect(outcome(tpl, [])).toBe('ok');
    expect(outcome(tpl, [urlParam('0')])).toMatch(/button 0 \(URL\) takes no parameters/);
  });

  it('COPY_CODE needs a coupon_code', () => {
    const tpl = buttons({ type: 'COPY_CODE', example: 'SAVE10' });
    expect(outcome(tpl, [{ type: 'button', sub_type: 'copy_code', index: '0', parameters: [{ type: 'coupon_code', coupon_code: 'SAVE10' }] }])).toBe('ok');
    expect(outcome(tpl, [])).toMatch(/COPY_CODE/);
    expect(outcome(tpl, [{ type: 'button', sub_type: 'copy_code', index: '0', parameters: [{ type: 'coupon_code', coupon_code: '' }] }])).toMatch(/non-empty coupon_code/);
  });

  it('OTP (authentication) needs the code as a url parameter, besides the body code', () => {
    const tpl: StoredComponent[] = [body('*{{1}}* is your verification code.'), { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE', text: 'Copy code' }] }];
    expect(outcome(tpl, [{ type: 'body', parameters: [text('123456')] }, urlParam('0', '123456')])).toBe('ok');
    expect(outcome(tpl, [{ type: 'body', parameters: [text('123456')] }])).toMatch(/button 0 \(OTP\) needs/);
  });

  it('QUICK_REPLY payloads are optional but checked when given', () => {
    const tpl = buttons({ type: 'QUICK_REPLY', text: 'Yes' });
    expect(outcome(tpl, [])).toBe('ok');
    expect(outcome(tpl, [{ type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: 'YES' }] }])).toBe('ok');
    expect(outcome(tpl, [{ type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'text', text: 'YES' }] }])).toMatch(/expects a payload parameter/);
  });

  it('refuses button components for a template without buttons', () => {
    expect(outcome([body('Hi')], [urlParam('0')])).toMatch(/it has no buttons/);
  });
});

describe('component kinds', () => {
  it('refuses unknown component types, passes carousel through when the template has one', () => {
    expect(outcome([body('Hi')], [{ type: 'footer', parameters: [] }])).toMatch(/it has no footer component/);
    expect(outcome([body('Hi'), { type: 'CAROUSEL', cards: [] }], [{ type: 'carousel', cards: [] }])).toBe('ok');
  });

  it('names the template in every message and details the component', () => {
    try {
      check([body('Hi {{1}}')], []);
      throw new Error('expected a mismatch');
    } catch (err) {
      expect((err as AppError).message).toMatch(/^Template order_update \(en_US\): /);
      expect((err as AppError).details).toMatchObject({ param: 'template.components', component: 'body' });
    }
  });
});

describe('summarizeParameters', () => {
  it('says what a sender must supply', () => {
    const positional = parameterSpec([
      { type: 'HEADER', format: 'IMAGE' },
      body('Hi {{1}}, order {{2}}'),
      { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'ok' }, { type: 'URL', text: 't', url: 'https://x/{{1}}' }] },
    ]);
    expect(summarizeParameters(positional)).toEqual({
      format: 'POSITIONAL',
      header: { type: 'image' },
      body: { count: 2 },
      buttons: [{ index: 1, sub_type: 'url', parameter_type: 'text' }],
    });
    const namedSpec = parameterSpec([{ type: 'HEADER', format: 'TEXT', text: 'For {{customer_name}}' }, body('{{customer_name}} at {{time}}')], 'NAMED');
    expect(summarizeParameters(namedSpec)).toEqual({
      format: 'NAMED',
      header: { type: 'text', names: ['customer_name'] },
      body: { names: ['customer_name', 'time'] },
      buttons: [],
    });
    expect(summarizeParameters(parameterSpec([{ type: 'HEADER', format: 'TEXT', text: 'Hello' }, body('Hi')])).header).toBeNull();
  });
});
