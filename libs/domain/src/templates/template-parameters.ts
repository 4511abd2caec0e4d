import { AppError } from '../common/app-error.js';

/** A template's components as Meta stores them (`GET /{waba_id}/message_templates`). */
export interface StoredComponent {
  type: string;
  format?: string;
  text?: string;
  buttons?: { type: string; text?: string; url?: string; [k: string]: unknown }[];
  [k: string]: unknown;
}

export type ParameterFormat = 'POSITIONAL' | 'NAMED';

export type HeaderSpec =
  | { format: 'TEXT'; variables: string[] }
  | { format: 'IMAGE' | 'VIDEO' | 'DOCUMENT' | 'LOCATION' };

export interface ButtonSpec {
  index: number;
  /** The template's button type: URL, OTP, COPY_CODE, QUICK_REPLY, FLOW, PHONE_NUMBER, … */
  type: string;
  /** The send-time `sub_type` for it. */
  subType: string;
  /** Whether a send must carry a parameter for this button (URL with a variable, OTP code, coupon code). */
  required: boolean;
  /** The parameter type it takes: text (URL suffix / OTP code), coupon_code, payload, action. */
  parameterType: string | null;
}

/** What a sender must supply: derived once from the components, used by the check and by the presenter. */
export interface TemplateParameterSpec {
  format: ParameterFormat;
  header: HeaderSpec | null;
  /** POSITIONAL: '1'…'n'; NAMED: the names in order of appearance. */
  body: string[];
  buttons: ButtonSpec[];
  /** Component kinds we pass through unchecked (carousel, limited-time offer). */
  unchecked: string[];
}

const VARIABLE = /\{\{\s*([^{}]+?)\s*\}\}/g;
const BUTTON_SUB_TYPES: Record<string, { subType: string; parameterType: string | null }> = {
  URL: { subType: 'url', parameterType: 'text' },
  OTP: { subType: 'url', parameterType: 'text' },
  COPY_CODE: { subType: 'copy_code', parameterType: 'coupon_code' },
  QUICK_REPLY: { subType: 'quick_reply', parameterType: 'payload' },
  FLOW: { subType: 'flow', parameterType: 'action' },
  CATALOG: { subType: 'catalog', parameterType: 'action' },
  MPM: { subType: 'mpm', parameterType: 'action' },
  VOICE_CALL: { subType: 'voice_call', parameterType: null },
  PHONE_NUMBER: { subType: 'phone_number', parameterType: null },
};
const MEDIA_FORMATS = ['IMAGE', 'VIDEO', 'DOCUMENT'] as const;

/** The `{{…}}` variables of a text, deduplicated, in order of first appearance. */
export function variablesOf(text: string | undefined): string[] {
  if (!text) return [];
  const seen: string[] = [];
  for (const m of text.matchAll(VARIABLE)) if (!seen.includes(m[1])) seen.push(m[1]);
  return seen;
}

/** NAMED when Meta says so, or when the body's variables are not numbers (older rows lack parameter_format). */
export function inferParameterFormat(components: StoredComponent[], declared?: string | null): ParameterFormat {
  if (declared === 'NAMED' || declared === 'POSITIONAL') return declared;
  const vars = components.flatMap((c) => variablesOf(c.text));
  return vars.some((v) => !/^\d+$/.test(v)) ? 'NAMED' : 'POSITIONAL';
}

export function parameterSpec(components: StoredComponent[], declaredFormat?: string | null): TemplateParameterSpec {
  const format = inferParameterFormat(components, declaredFormat);
  const find = (type: string) => components.find((c) => c.type?.toUpperCase() === type);
  const header = find('HEADER');
  const headerFormat = header?.format?.toUpperCase() ?? (header ? 'TEXT' : undefined);
  let headerSpec: HeaderSpec | null = null;
  if (headerFormat === 'TEXT') headerSpec = { format: 'TEXT', variables: orderedVariables(header?.text, format) };
  else if (headerFormat && [...MEDIA_FORMATS, 'LOCATION'].includes(headerFormat)) headerSpec = { format: headerFormat as 'IMAGE' };
  const buttons: ButtonSpec[] = (find('BUTTONS')?.buttons ?? []).map((b, index) => {
    const type = String(b.type ?? '').toUpperCase();
    const known = BUTTON_SUB_TYPES[type] ?? { subType: type.toLowerCase(), parameterType: null };
    const required = (type === 'URL' && variablesOf(b.url).length > 0) || type === 'OTP' || type === 'COPY_CODE';
    return { index, type, subType: known.subType, required, parameterType: known.parameterType };
  });
  const unchecked = components.map((c) => c.type?.toUpperCase()).filter((t) => t === 'CAROUSEL' || t === 'LIMITED_TIME_OFFER');
  return { format, header: headerSpec, body: orderedVariables(find('BODY')?.text, format), buttons, unchecked };
}

/** Positional variables are numbered 1…n (the highest number counts, as Meta counts it); named ones keep their order. */
function orderedVariables(text: string | undefined, format: ParameterFormat): string[] {
  const vars = variablesOf(text);
  if (format === 'NAMED') return vars;
  const highest = vars.reduce((max, v) => (/^\d+$/.test(v) ? Math.max(max, Number(v)) : max), 0);
  return Array.from({ length: highest }, (_, i) => String(i + 1));
}

/** The wire summary in the template presenter: what a send of this template has to carry. */
export function summarizeParameters(spec: TemplateParameterSpec) {
  const header = !spec.header
    ? null
    : spec.header.format === 'TEXT'
      ? spec.header.variables.length
        ? { type: 'text', ...(spec.format === 'NAMED' ? { names: spec.header.variables } : { count: spec.header.variables.length }) }
        : null
      : { type: spec.header.format.toLowerCase() };
  return {
    format: spec.format,
    header,
    body: spec.format === 'NAMED' ? { names: spec.body } : { count: spec.body.length },
    buttons: spec.buttons
      .filter((b) => b.required)
      .map((b) => ({ index: b.index, sub_type: b.subType, parameter_type: b.parameterType })),
  };
}

interface SentComponent {
  type: string;
  parameters: Record<string, unknown>[];
  sub_type?: string;
  index?: number;
}

/**
 * Checks a send's `template.components` against the stored template before anything is queued, so a mismatch
 * is refused at once with a message naming the component (instead of Meta's asynchronous 132000/132012).
 * Throws `template_parameter_mismatch`.
 */
export function checkTemplateParameters(template: { name: string; language: string; spec: TemplateParameterSpec }, components: unknown): void {
  const label = `Template ${template.name} (${template.language})`;
  const fail = (component: string, problem: string, extra: Record<string, unknown> = {}): never => {
    throw new AppError('template_parameter_mismatch', `${label}: ${problem}`, { param: 'template.components', component, ...extra });
  };
  const sent = parseSent(components, fail);
  const { spec } = template;

  const sentOf = (type: string) => sent.filter((c) => c.type === type);
  for (const type of ['header', 'body']) if (sentOf(type).length > 1) fail(type, `the ${type} component is given more than once.`);
  for (const c of sent)
    if (!['header', 'body', 'button'].includes(c.type) && !spec.unchecked.includes(c.type.toUpperCase()))
      fail(c.type, `it has no ${c.type} component.`);

  checkHeader(spec, sentOf('header')[0], fail);
  checkBody(spec, sentOf('body')[0], fail);
  checkButtons(spec, sentOf('button'), fail);
}

type Fail = (component: string, problem: string, extra?: Record<string, unknown>) => never;

function parseSent(components: unknown, fail: Fail): SentComponent[] {
  if (components === undefined || components === null) return [];
  if (!Array.isArray(components)) return fail('components', 'components must be an array.');
  return components.map((raw, i) => {
    if (!raw || typeof raw !== 'object' || typeof (raw as { type?: unknown }).type !== 'string')
      return fail(`components[${i}]`, `components[${i}] must be an object with a type (header, body or button).`);
    const c = raw as { type: string; parameters?: unknown; sub_type?: unknown; index?: unknown };
    const parameters = c.parameters ?? [];
    if (!Array.isArray(parameters) || parameters.some((p) => !p || typeof p !== 'object' || Array.isArray(p)))
      return fail(`components[${i}]`, `components[${i}].parameters must be an array of objects.`);
    const index = c.index === undefined ? undefined : typeof c.index === 'string' && /^\d+$/.test(c.index) ? Number(c.index) : c.index;
    if (index !== undefined && !(typeof index === 'number' && Number.isInteger(index) && index >= 0))
      return fail(`components[${i}]`, `components[${i}].index must be a button position such as "0".`);
    return {
      type: c.type.toLowerCase(),
      parameters: parameters as Record<string, unknown>[],
      sub_type: typeof c.sub_type === 'string' ? c.sub_type.toLowerCase() : undefined,
      index: index as number | undefined,
    };
  });
}

function checkHeader(spec: TemplateParameterSpec, sent: SentComponent | undefined, fail: Fail): void {
  const h = spec.header;
  if (!h || (h.format === 'TEXT' && h.variables.length === 0)) {
    if (sent && sent.parameters.length > 0) fail('header', h ? 'its header is fixed text and takes no parameters.' : 'it has no header.');
    return;
  }
  if (h.format === 'TEXT') {
    const expected = h.variables;
    if (!sent) return fail('header', `the header expects ${describe(spec.format, expected)}; none given.`, { expected });
    checkTextParameters('header', spec.format, expected, sent.parameters, fail, false);
    return;
  }
  const kind = h.format.toLowerCase();
  const shape = kind === 'location' ? '{ type: "location", location: { latitude, longitude } }' : `{ type: "${kind}", ${kind}: { id | link } }`;
  if (!sent || sent.parameters.length === 0) return fail('header', `the header expects one ${kind} parameter ${shape}; none given.`, { expected: kind });
  if (sent.parameters.length > 1) fail('header', `the header expects one ${kind} parameter, got ${sent.parameters.length}.`, { expected: kind });
  const p = sent.parameters[0];
  if (p.type !== kind) fail('header', `the header expects a ${kind} parameter, got ${String(p.type)}.`, { expected: kind, received: p.type });
  const body = p[kind] as Record<string, unknown> | undefined;
  if (kind === 'location') {
    if (!body || typeof body.latitude !== 'number' || typeof body.longitude !== 'number')
      fail('header', 'the location header parameter needs numeric latitude and longitude.');
  } else if (!body || typeof body !== 'object' || (!isNonEmptyString(body.id) && !isNonEmptyString(body.link))) {
    fail('header', `the ${kind} header parameter needs ${kind}.id (a media id) or ${kind}.link (an https URL).`);
  }
}

function checkBody(spec: TemplateParameterSpec, sent: SentComponent | undefined, fail: Fail): void {
  if (spec.body.length === 0) {
    if (sent && sent.parameters.length > 0) fail('body', `its body takes no parameters, got ${sent.parameters.length}.`);
    return;
  }
  if (!sent) return fail('body', `the body expects ${describe(spec.format, spec.body)}; none given.`, { expected: spec.body });
  checkTextParameters('body', spec.format, spec.body, sent.parameters, fail, true);
}

/** Header text and body parameters: count (POSITIONAL) or names (NAMED), and each one's type and value. */
function checkTextParameters(
  component: 'header' | 'body',
  format: ParameterFormat,
  expected: string[],
  params: Record<string, unknown>[],
  fail: Fail,
  allowRichTypes: boolean,
): void {
  if (format === 'POSITIONAL') {
    if (params.length !== expected.length)
      fail(component, `the ${component} expects ${describe(format, expected)}, got ${params.length}.`, { expected: expected.length, received: params.length });
    if (params.some((p) => p.parameter_name !== undefined))
      fail(component, `it uses positional parameters ({{1}}, {{2}}…): remove parameter_name from the ${component} parameters.`);
  } else {
    const given = params.map((p) => p.parameter_name);
    const unnamed = given.findIndex((n) => !isNonEmptyString(n));
    if (unnamed >= 0) fail(component, `it uses named parameters: ${component} parameter ${unnamed} needs a parameter_name (one of ${expected.join(', ')}).`);
    const names = given as string[];
    const duplicate = names.find((n, i) => names.indexOf(n) !== i);
    if (duplicate) fail(component, `the ${component} parameter ${duplicate} is given twice.`);
    const unknown = names.filter((n) => !expected.includes(n));
    if (unknown.length) fail(component, `the ${component} has no parameter named ${unknown.join(', ')} (it takes ${expected.join(', ')}).`, { unknown });
    const missing = expected.filter((n) => !names.includes(n));
    if (missing.length) fail(component, `the ${component} is missing the named parameter${missing.length > 1 ? 's' : ''} ${missing.join(', ')}.`, { missing });
  }
  params.forEach((p, i) => {
    const where = `${component} parameter ${format === 'NAMED' ? String(p.parameter_name) : i + 1}`;
    const allowed = allowRichTypes ? ['text', 'currency', 'date_time'] : ['text'];
    if (!allowed.includes(p.type as string)) fail(component, `${where} must be of type ${allowed.join(' or ')}, got ${String(p.type)}.`);
    if (p.type === 'text') {
      if (!isNonEmptyString(p.text)) fail(component, `${where} needs a non-empty text.`);
      // Meta refuses these inside parameters (error 132018) after accepting the send; catch it before.
      if (component === 'body' && /[\n\t]| {5,}/.test(p.text as string))
        fail(component, `${where} must not contain new lines, tabs or more than 4 consecutive spaces.`);
    } else if (p.type === 'currency') {
      const c = p.currency as Record<string, unknown> | undefined;
      if (!c || !isNonEmptyString(c.fallback_value) || !isNonEmptyString(c.code) || !Number.isInteger(c.amount_1000))
        fail(component, `${where} (currency) needs currency.fallback_value, currency.code and an integer currency.amount_1000.`);
    } else if (p.type === 'date_time') {
      const d = p.date_time as Record<string, unknown> | undefined;
      if (!d || !isNonEmptyString(d.fallback_value)) fail(component, `${where} (date_time) needs date_time.fallback_value.`);
    }
  });
}

function checkButtons(spec: TemplateParameterSpec, sent: SentComponent[], fail: Fail): void {
  const seen = new Set<number>();
  for (const c of sent) {
    if (c.index === undefined) fail('button', 'a button component needs its index ("0", "1", …).');
    const index = c.index!;
    const where = `button ${index}`;
    if (seen.has(index)) fail(where, `${where} is given more than once.`);
    seen.add(index);
    const button = spec.buttons[index];
    if (!button) fail(where, spec.buttons.length ? `it has no button ${index} (it has ${spec.buttons.length}).` : 'it has no buttons.');
    if (c.sub_type !== button.subType)
      fail(where, `${where} is a ${button.type} button: its sub_type is ${button.subType}, got ${c.sub_type ?? 'none'}.`, { expected: button.subType });
    if (!button.parameterType || (button.type === 'URL' && !button.required)) {
      if (c.parameters.length) fail(where, `${where} (${button.type}) takes no parameters.`);
      continue;
    }
    if (c.parameters.length !== 1) fail(where, `${where} (${button.type}) expects one ${button.parameterType} parameter, got ${c.parameters.length}.`);
    const p = c.parameters[0];
    if (p.type !== button.parameterType) fail(where, `${where} expects a ${button.parameterType} parameter, got ${String(p.type)}.`);
    const value = p[button.parameterType];
    if (button.parameterType === 'action' ? !value || typeof value !== 'object' : !isNonEmptyString(value))
      fail(where, `${where} needs a non-empty ${button.parameterType}.`);
  }
  const missing = spec.buttons.filter((b) => b.required && !seen.has(b.index));
  if (missing.length)
    fail(
      `button ${missing[0].index}`,
      `button ${missing[0].index} (${missing[0].type}) needs a { type: "button", sub_type: "${missing[0].subType}", index: "${missing[0].index}", parameters: [{ type: "${missing[0].parameterType}", … }] } component.`,
    );
}

function describe(format: ParameterFormat, vars: string[]): string {
  if (format === 'NAMED') return `the named parameter${vars.length > 1 ? 's' : ''} ${vars.join(', ')}`;
  return `${vars.length} parameter${vars.length > 1 ? 's' : ''} (${vars.map((v) => `{{${v}}}`).join(', ')})`;
}

function isNonEmptyString(v: unknown): v is string {
  return typeof v === 'string' && v.trim().length > 0;
}
