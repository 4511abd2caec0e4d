import { AppError } from '../common/app-error.js';
import { checkTemplateParameters, parameterSpec } from '../templates/template-parameters.js';
import {
  deriveCounts,
  isParametersShorthand,
  MAX_STEP,
  mergeComponents,
  ownComponents,
  parseRecipients,
  recipientStatus,
  windowRoom,
  type TemplateComponent,
} from './broadcast-rules.js';

const orderUpdate = {
  name: 'order_update',
  language: 'en',
  spec: parameterSpec([{ type: 'BODY', text: 'Hi {{1}}, your order {{2}} ships tomorrow.' }], 'POSITIONAL'),
};
const check = (merged: TemplateComponent[]) => checkTemplateParameters(orderUpdate, merged);

describe('parseRecipients', () => {
  it('normalizes numbers, reports invalid ones and duplicates within the call by index, and keeps the rest', () => {
    const r = parseRecipients(
      [
        { to: '+62 812-3456-7890', parameters: ['Budi', 'A-1'] },
        { to: 'not a number', parameters: ['x', 'y'] },
        { to: '6281234567890', parameters: ['Budi again', 'A-2'] },
        { to: '+6281111111111', parameters: ['Sari', 'B-7'] },
      ],
      [],
      check,
    );
    expect(r.accepted.map((a) => [a.index, a.to])).toEqual([
      [0, '+6281234567890'],
      [3, '+6281111111111'],
    ]);
    expect(r.duplicates).toEqual([{ index: 2, to: '+6281234567890', reason: 'duplicate_in_request' }]);
    expect(r.invalid).toEqual([
      { index: 1, to: 'not a number', code: 'invalid_phone_number', message: expect.any(String) },
    ]);
  });

  it('rejects a recipient whose parameters do not fit the template, with the template check’s code', () => {
    const r = parseRecipients(
      [
        { to: '+6281234567890', parameters: ['only one'] },
        { to: '+6281234567891', parameters: ['a', 'b'] },
      ],
      [],
      check,
    );
    expect(r.accepted.map((a) => a.index)).toEqual([1]);
    expect(r.invalid[0]).toMatchObject({ index: 0, code: 'template_parameter_mismatch' });
  });

  it('lets defaults complete a recipient, and a recipient override a default', () => {
    const defaults: TemplateComponent[] = [
      {
        type: 'body',
        parameters: [
          { type: 'text', text: 'friend' },
          { type: 'text', text: 'X-0' },
        ],
      },
    ];
    const r = parseRecipients(
      [{ to: '+6281234567890' }, { to: '+6281234567891', parameters: ['Budi', 'A-1'] }],
      defaults,
      check,
    );
    expect(r.invalid).toEqual([]);
    expect(r.accepted[0].components).toEqual([]);
    expect(mergeComponents(defaults, r.accepted[1].components)).toEqual([
      {
        type: 'body',
        parameters: [
          { type: 'text', text: 'Budi' },
          { type: 'text', text: 'A-1' },
        ],
      },
    ]);
  });

  it('rethrows errors that are not ours (a bug must not be reported as a bad recipient)', () => {
    expect(() =>
      parseRecipients([{ to: '+6281234567890' }], [], () => {
        throw new TypeError('boom');
      }),
    ).toThrow(TypeError);
  });
});

describe('components', () => {
  it('builds the body from the shorthand: positional values or named ones', () => {
    expect(ownComponents({ parameters: ['a', 'b'] })).toEqual([
      {
        type: 'body',
        parameters: [
          { type: 'text', text: 'a' },
          { type: 'text', text: 'b' },
        ],
      },
    ]);
    expect(ownComponents({ parameters: { customer_name: 'Budi' } })).toEqual([
      { type: 'body', parameters: [{ type: 'text', parameter_name: 'customer_name', text: 'Budi' }] },
    ]);
  });

  it('refuses a body given twice', () => {
    expect(() => ownComponents({ parameters: ['a'], components: [{ type: 'body', parameters: [] }] })).toThrow(
      AppError,
    );
  });

  it('merges by part: header, body, and each button index on its own', () => {
    const defaults: TemplateComponent[] = [
      { type: 'header', parameters: [{ type: 'image', image: { link: 'https://x/a.jpg' } }] },
      { type: 'body', parameters: [{ type: 'text', text: 'default' }] },
      { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'spring' }] },
      { type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'other' }] },
    ];
    const own: TemplateComponent[] = [
      { type: 'BODY', parameters: [{ type: 'text', text: 'mine' }] },
      { type: 'button', sub_type: 'url', index: 1, parameters: [{ type: 'text', text: 'mine' }] },
    ];
    const merged = mergeComponents(defaults, own);
    expect(merged.map((c) => `${c.type}:${String(c.index ?? '')}`)).toEqual([
      'header:',
      'button:0',
      'BODY:',
      'button:1',
    ]);
    expect(merged[3].parameters).toEqual([{ type: 'text', text: 'mine' }]);
  });

  it('accepts only the two shorthand shapes', () => {
    expect(isParametersShorthand(['a', 'b'])).toBe(true);
    expect(isParametersShorthand({ customer_name: 'Budi' })).toBe(true);
    expect(isParametersShorthand([1])).toBe(false);
    expect(isParametersShorthand({ 'Bad Name': 'x' })).toBe(false);
    expect(isParametersShorthand('a')).toBe(false);
    expect(isParametersShorthand(null)).toBe(false);
  });
});

describe('windowRoom', () => {
  it('keeps WINDOW_SECONDS of the number’s throughput in flight, bounded per step', () => {
    expect(windowRoom(5, 0)).toBe(10);
    expect(windowRoom(5, 7)).toBe(3);
    expect(windowRoom(5, 12)).toBe(0);
    expect(windowRoom(80, 0)).toBe(160);
    expect(windowRoom(1000, 0)).toBe(MAX_STEP);
    expect(windowRoom(0.2, 0)).toBe(1);
  });
});

describe('counts', () => {
  it('a recipient shows its message’s status once it has one', () => {
    expect(recipientStatus('pending', null)).toBe('pending');
    expect(recipientStatus('skipped', null)).toBe('skipped');
    expect(recipientStatus('queued', 'sending')).toBe('queued');
    expect(recipientStatus('queued', 'read')).toBe('read');
    expect(recipientStatus('queued', 'canceled')).toBe('canceled');
    expect(recipientStatus('queued', null)).toBe('queued');
  });

  it('derives cumulative counters from grouped statuses: read counts as delivered and sent, replies only after a send', () => {
    const counts = deriveCounts([
      { recipientStatus: 'pending', messageStatus: null, replied: false, n: 4 },
      { recipientStatus: 'queued', messageStatus: 'queued', replied: false, n: 2 },
      { recipientStatus: 'queued', messageStatus: 'sending', replied: false, n: 1 },
      { recipientStatus: 'queued', messageStatus: 'sent', replied: false, n: 3 },
      { recipientStatus: 'queued', messageStatus: 'delivered', replied: true, n: 5 },
      { recipientStatus: 'queued', messageStatus: 'read', replied: false, n: 6 },
      { recipientStatus: 'queued', messageStatus: 'read', replied: true, n: 1 },
      { recipientStatus: 'queued', messageStatus: 'failed', replied: false, n: 2 },
      { recipientStatus: 'queued', messageStatus: 'canceled', replied: false, n: 1 },
      { recipientStatus: 'canceled', messageStatus: null, replied: false, n: 3 },
      { recipientStatus: 'skipped', messageStatus: null, replied: false, n: 2 },
    ]);
    expect(counts).toEqual({
      total: 30,
      pending: 7,
      sent: 15,
      delivered: 12,
      read: 7,
      failed: 2,
      replied: 6,
      skipped: 2,
      canceled: 4,
    });
  });

  it('an empty broadcast counts zero everywhere', () => {
    expect(Object.values(deriveCounts([])).every((v) => v === 0)).toBe(true);
  });
});
