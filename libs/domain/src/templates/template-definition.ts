import { AppError } from '../common/app-error.js';
import { variablesOf, type ParameterFormat, type StoredComponent } from './template-parameters.js';

/**
 * Rules Meta applies when a template is submitted, checked before the call so the error names the component:
 * one BODY, at most one HEADER / FOOTER / BUTTONS, variables numbered 1…n (POSITIONAL) or snake_case names (NAMED)
 * and never mixed, an example for every variable, Meta's length limits. Returns the parameter format to submit.
 */
export function validateTemplateDefinition(input: {
  category: string;
  parameterFormat?: ParameterFormat;
  components: StoredComponent[];
}): ParameterFormat {
  const { components } = input;
  const path = (i: number, field?: string) => `components[${i}]${field ? `.${field}` : ''}`;
  const fail = (param: string, message: string): never => {
    throw AppError.validation(param, message);
  };
  const counts = new Map<string, number>();
  components.forEach((c, i) => {
    counts.set(c.type, (counts.get(c.type) ?? 0) + 1);
    if ((counts.get(c.type) ?? 0) > 1) fail(path(i, 'type'), `A template has at most one ${c.type} component.`);
  });
  if (!counts.get('BODY')) fail('components', 'A template needs a BODY component.');

  const allVars = components.flatMap((c) => [...variablesOf(c.text), ...(c.buttons ?? []).flatMap((b) => variablesOf(b.url))]);
  const named = allVars.some((v) => !/^\d+$/.test(v));
  const format: ParameterFormat = input.parameterFormat ?? (named ? 'NAMED' : 'POSITIONAL');
  if (format === 'POSITIONAL' && named)
    fail('parameter_format', 'POSITIONAL templates use {{1}}, {{2}}…; for names like {{customer_name}} set parameter_format to NAMED.');
  if (format === 'NAMED' && allVars.some((v) => !/^[a-z][a-z0-9_]*$/.test(v)))
    fail('parameter_format', 'NAMED templates use lower-case snake_case variables such as {{customer_name}}.');

  components.forEach((c, i) => {
    const vars = variablesOf(c.text);
    switch (c.type) {
      case 'HEADER': {
        const headerFormat = c.format ?? 'TEXT';
        if (headerFormat === 'TEXT') {
          if (!c.text) fail(path(i, 'text'), 'A TEXT header needs text.');
          if (c.text!.length > 60) fail(path(i, 'text'), 'A header text is at most 60 characters.');
          if (vars.length > 1) fail(path(i, 'text'), 'A header text has at most one variable.');
          if (vars.length) requireExample(c, format, 'header', vars, path(i, 'example'), fail);
        } else if (c.text !== undefined) {
          fail(path(i, 'text'), `A ${headerFormat} header has no text.`);
        }
        break;
      }
      case 'BODY': {
        if (c.text === undefined) {
          if (input.category !== 'AUTHENTICATION') fail(path(i, 'text'), 'The BODY needs text.');
          break;
        }
        if (c.text.length > 1024) fail(path(i, 'text'), 'The body text is at most 1024 characters.');
        if (format === 'POSITIONAL') checkSequential(vars, path(i, 'text'), fail);
        if (vars.length) requireExample(c, format, 'body', vars, path(i, 'example'), fail);
        break;
      }
      case 'FOOTER':
        if (!c.text) fail(path(i, 'text'), 'The FOOTER needs text.');
        if (c.text!.length > 60) fail(path(i, 'text'), 'The footer text is at most 60 characters.');
        if (vars.length) fail(path(i, 'text'), 'The footer cannot have variables.');
        break;
      case 'BUTTONS': {
        const buttons = c.buttons ?? [];
        if (buttons.length < 1 || buttons.length > 10) fail(path(i, 'buttons'), 'BUTTONS has 1 to 10 buttons.');
        buttons.forEach((b, j) => {
          const at = (field: string) => path(i, `buttons[${j}].${field}`);
          const type = String(b.type);
          if (['QUICK_REPLY', 'URL', 'PHONE_NUMBER'].includes(type) && (!b.text || b.text.length > 25))
            fail(at('text'), `A ${type} button needs a text of at most 25 characters.`);
          if (type === 'URL') {
            if (!b.url) fail(at('url'), 'A URL button needs a url.');
            const urlVars = variablesOf(b.url);
            if (urlVars.length > 1 || (urlVars.length === 1 && !/\{\{\s*[^{}]+\s*\}\}$/.test(b.url!)))
              fail(at('url'), 'A URL button has at most one variable, at the end of the url.');
            if (urlVars.length && !(Array.isArray(b.example) ? b.example.length : b.example))
              fail(at('example'), 'A URL button with a variable needs an example (a full URL).');
          }
          if (type === 'PHONE_NUMBER' && !b.phone_number) fail(at('phone_number'), 'A PHONE_NUMBER button needs a phone_number.');
          if (type === 'OTP' && !b.otp_type) fail(at('otp_type'), 'An OTP button needs an otp_type (COPY_CODE, ONE_TAP or ZERO_TAP).');
        });
        break;
      }
    }
  });
  return format;
}

function checkSequential(vars: string[], param: string, fail: (p: string, m: string) => never): void {
  const numbers = vars.map(Number).sort((a, b) => a - b);
  numbers.forEach((n, k) => {
    if (n !== k + 1) fail(param, `Positional variables are numbered {{1}}, {{2}}… without gaps; found {{${n}}} where {{${k + 1}}} was expected.`);
  });
}

/** Meta refuses templates whose variables have no sample values. */
function requireExample(
  c: StoredComponent,
  format: ParameterFormat,
  where: 'header' | 'body',
  vars: string[],
  param: string,
  fail: (p: string, m: string) => never,
): void {
  const example = (c.example ?? {}) as Record<string, unknown>;
  if (format === 'NAMED') {
    const key = `${where}_text_named_params`;
    const given = Array.isArray(example[key]) ? (example[key] as { param_name?: unknown; example?: unknown }[]) : [];
    const missing = vars.filter((v) => !given.some((g) => g?.param_name === v && typeof g.example === 'string' && g.example.length > 0));
    if (missing.length) fail(param, `Give example.${key} entries { param_name, example } for ${missing.join(', ')}.`);
    return;
  }
  const key = `${where}_text`;
  const raw = example[key];
  // body_text is a list of lists (one row of samples); header_text a flat list.
  const row = where === 'body' ? (Array.isArray(raw) ? raw[0] : undefined) : raw;
  if (!Array.isArray(row) || row.length !== vars.length || row.some((v) => typeof v !== 'string' || !v))
    fail(param, `Give example.${key} with ${vars.length} sample value${vars.length > 1 ? 's' : ''}${where === 'body' ? ', e.g. [["Budi", "10:00"]]' : ''}.`);
}
