import { AppError } from '../common/app-error.js';
import { validateTemplateDefinition } from './template-definition.js';
import type { StoredComponent } from './template-parameters.js';

function problem(components: StoredComponent[], opts: { category?: string; parameterFormat?: 'NAMED' | 'POSITIONAL' } = {}): string {
  try {
    return validateTemplateDefinition({ category: opts.category ?? 'UTILITY', parameterFormat: opts.parameterFormat, components });
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    expect(err.code).toBe('validation_failed');
    return `${err.param}: ${err.message}`;
  }
}

describe('validateTemplateDefinition', () => {
  it('accepts a positional template with examples and infers its format', () => {
    expect(problem([{ type: 'BODY', text: 'Hi {{1}}, order {{2}}', example: { body_text: [['Budi', 'A-17']] } }])).toBe('POSITIONAL');
  });

  it('accepts a named template with named examples', () => {
    expect(
      problem([{ type: 'BODY', text: 'Hi {{customer_name}}', example: { body_text_named_params: [{ param_name: 'customer_name', example: 'Budi' }] } }]),
    ).toBe('NAMED');
  });

  it('needs exactly one BODY and at most one of each component', () => {
    expect(problem([{ type: 'FOOTER', text: 'x' }])).toMatch(/^components: A template needs a BODY/);
    expect(problem([{ type: 'BODY', text: 'a' }, { type: 'BODY', text: 'b' }])).toMatch(/^components\[1\]\.type: .*at most one BODY/);
  });

  it('needs examples for variables', () => {
    expect(problem([{ type: 'BODY', text: 'Hi {{1}}' }])).toMatch(/^components\[0\]\.example: Give example.body_text with 1 sample value/);
    expect(problem([{ type: 'BODY', text: 'Hi {{1}} {{2}}', example: { body_text: [['a']] } }])).toMatch(/2 sample values/);
    expect(problem([{ type: 'BODY', text: 'Hi {{name}}', example: { body_text_named_params: [] } }])).toMatch(/body_text_named_params .* for name/);
  });

  it('numbers positional variables without gaps and never mixes formats', () => {
    expect(problem([{ type: 'BODY', text: '{{1}} {{3}}', example: { body_text: [['a', 'b']] } }])).toMatch(/found \{\{3\}\} where \{\{2\}\} was expected/);
    expect(problem([{ type: 'BODY', text: '{{1}} {{name}}' }], { parameterFormat: 'POSITIONAL' })).toMatch(/^parameter_format: /);
    expect(problem([{ type: 'BODY', text: '{{Name}}' }], { parameterFormat: 'NAMED' })).toMatch(/snake_case/);
  });

  it('applies Meta’s header, footer and button limits', () => {
    const b = { type: 'BODY', text: 'ok' };
    expect(problem([{ type: 'HEADER', format: 'TEXT', text: 'x'.repeat(61) }, b])).toMatch(/at most 60/);
    expect(problem([{ type: 'HEADER', format: 'TEXT', text: '{{1}} {{2}}', example: { header_text: ['a', 'b'] } }, b])).toMatch(/at most one variable/);
    expect(problem([{ type: 'HEADER', format: 'TEXT', text: 'Order {{1}}' }, b])).toMatch(/example.header_text/);
    expect(problem([{ type: 'HEADER', format: 'TEXT', text: 'Order {{1}}', example: { header_text: ['A-1'] } }, b])).toBe('POSITIONAL');
    expect(problem([{ type: 'HEADER', format: 'IMAGE', text: 'no' }, b])).toMatch(/IMAGE header has no text/);
    expect(problem([b, { type: 'FOOTER', text: 'Hi {{1}}' }])).toMatch(/footer cannot have variables/);
    expect(problem([b, { type: 'BUTTONS', buttons: [] }])).toMatch(/1 to 10 buttons/);
    expect(problem([b, { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'x'.repeat(26) }] }])).toMatch(/at most 25/);
    expect(problem([b, { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Go', url: 'https://x/{{1}}/y' }] }])).toMatch(/at the end of the url/);
    expect(problem([b, { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Go', url: 'https://x/{{1}}' }] }])).toMatch(/needs an example/);
    expect(problem([b, { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Go', url: 'https://x/{{1}}', example: ['https://x/1'] }] }])).toBe('POSITIONAL');
    expect(problem([b, { type: 'BUTTONS', buttons: [{ type: 'PHONE_NUMBER', text: 'Call' }] }])).toMatch(/needs a phone_number/);
  });

  it('lets AUTHENTICATION bodies omit text (Meta writes it)', () => {
    expect(problem([{ type: 'BODY', add_security_recommendation: true }], { category: 'AUTHENTICATION' })).toBe('POSITIONAL');
    expect(problem([{ type: 'BODY' }], { category: 'MARKETING' })).toMatch(/The BODY needs text/);
  });
});
