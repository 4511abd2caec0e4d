import type { GraphTemplateComponent } from '#whatsapp';
import { SandboxGraphError } from './sandbox-graph.error.js';
import type { SandboxTemplate } from './sandbox-state.types.js';

type Obj = Record<string, unknown>;

/** The variables of a template text: `{{1}}`, `{{2}}` (positional) or `{{customer_name}}` (named), in order. */
export function templateVariables(text: string | undefined, format: 'NAMED' | 'POSITIONAL'): string[] {
  if (!text) return [];
  const re = format === 'NAMED' ? /\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}/g : /\{\{\s*(\d+)\s*\}\}/g;
  return [...new Set([...text.matchAll(re)].map((m) => m[1]))];
}

const BODY_PARAM_TYPES = ['text', 'currency', 'date_time'];
const MAX_BODY_CHARS = 1024;
const MAX_HEADER_CHARS = 60;

/**
 * Checks a template send against the WABA's template as Meta does: it must exist in that language (132001, HTTP 404),
 * be APPROVED (paused 132015, disabled 132016, anything else "does not exist"), and get exactly the parameters its
 * components declare (132000), of the right format (132012), within the length limits once filled in (132005).
 */
export function checkTemplateSend(template: SandboxTemplate | undefined, payload: Obj): void {
  const name = payload.name as string;
  const lang = (payload.language as Obj).code as string;
  if (!template || !['APPROVED', 'PAUSED', 'DISABLED'].includes(template.status)) {
    throw new SandboxGraphError(132001, {
      message: '(#132001) Template name does not exist in the translation',
      details: `template name (${name}) does not exist in ${lang}`,
    });
  }
  if (template.status === 'PAUSED') throw new SandboxGraphError(132015, { details: `Template ${name} is paused due to low quality so it cannot be sent in a template message.` });
  if (template.status === 'DISABLED') throw new SandboxGraphError(132016, { details: `Template ${name} has been disabled due to low quality.` });

  const provided = ((payload.components ?? []) as Obj[]).map((c) => ({ ...c, type: String(c.type).toLowerCase() }));
  const byType = (t: string) => provided.filter((c) => c.type === t);
  const component = (t: string) => template.components.find((c) => c.type === t);

  if (byType('header').length > 1 || byType('body').length > 1) throw SandboxGraphError.invalidParameter('Only one header and one body component may be given.');
  checkHeader(template, component('HEADER'), byType('header')[0]);
  checkBody(template, component('BODY'), byType('body')[0]);
  checkButtons(component('BUTTONS'), byType('button'));
}

function params(c: Obj | undefined): Obj[] {
  return (c?.parameters ?? []) as Obj[];
}

function mismatch(where: string, got: number, expected: number): SandboxGraphError {
  return new SandboxGraphError(132000, {
    details: `${where}: number of localizable_params (${got}) does not match the expected number of params (${expected})`,
  });
}

function checkHeader(tpl: SandboxTemplate, header: GraphTemplateComponent | undefined, given: Obj | undefined): void {
  const got = params(given);
  if (!header) {
    if (got.length) throw mismatch('header', got.length, 0);
    return;
  }
  const format = header.format ?? 'TEXT';
  if (format === 'TEXT') {
    const vars = templateVariables(header.text, tpl.parameter_format);
    if (got.length !== vars.length) throw mismatch('header', got.length, vars.length);
    if (!vars.length) return;
    const p = got[0];
    if (p.type !== 'text') throw formatMismatch('header', 'TEXT', String(p.type));
    const value = textParam(p, 'header');
    if (tpl.parameter_format === 'NAMED' && p.parameter_name !== vars[0]) throw namedMismatch('header', vars, [String(p.parameter_name)]);
    const filled = (header.text ?? '').replace(/\{\{[^}]+\}\}/, value);
    if ([...filled].length > MAX_HEADER_CHARS) throw new SandboxGraphError(132005, { details: `header: text is ${[...filled].length} characters long, more than ${MAX_HEADER_CHARS}` });
    return;
  }
  // Media and location headers always take exactly one parameter of their type.
  if (got.length !== 1) {
    if (got.length === 0) throw formatMismatch('header', format, 'UNKNOWN');
    throw mismatch('header', got.length, 1);
  }
  const expectedType = format.toLowerCase();
  if (got[0].type !== expectedType) throw formatMismatch('header', format, String(got[0].type).toUpperCase());
}

function checkBody(tpl: SandboxTemplate, body: GraphTemplateComponent | undefined, given: Obj | undefined): void {
  const got = params(given);
  const vars = templateVariables(body?.text, tpl.parameter_format);
  if (got.length !== vars.length) throw mismatch('body', got.length, vars.length);
  const values = new Map<string, string>();
  got.forEach((p, i) => {
    if (!BODY_PARAM_TYPES.includes(String(p.type))) throw formatMismatch('body', 'TEXT', String(p.type).toUpperCase());
    let value: string;
    if (p.type === 'text') value = textParam(p, 'body');
    else if (p.type === 'currency') value = currencyParam(p);
    else value = dateTimeParam(p);
    if (tpl.parameter_format === 'NAMED') {
      if (typeof p.parameter_name !== 'string' || !p.parameter_name) throw SandboxGraphError.invalidParameter('body: Parameter name is missing or empty');
      values.set(p.parameter_name, value);
    } else {
      values.set(String(i + 1), value);
    }
  });
  if (tpl.parameter_format === 'NAMED') {
    const missing = vars.filter((v) => !values.has(v));
    if (missing.length) throw namedMismatch('body', vars, [...values.keys()]);
  }
  const filled = (body?.text ?? '').replace(/\{\{\s*([^}\s]+)\s*\}\}/g, (_, v: string) => values.get(v) ?? '');
  if ([...filled].length > MAX_BODY_CHARS)
    throw new SandboxGraphError(132005, { details: `body: text is ${[...filled].length} characters long once filled in, more than ${MAX_BODY_CHARS}` });
}

function checkButtons(buttons: GraphTemplateComponent | undefined, given: Obj[]): void {
  const defined = buttons?.buttons ?? [];
  const byIndex = new Map<number, Obj>();
  for (const g of given) {
    const index = Number(g.index);
    if (!Number.isInteger(index) || index < 0 || index >= defined.length)
      throw SandboxGraphError.invalidValue(`buttons: Button at index ${String(g.index)} does not exist in the template.`);
    if (byIndex.has(index)) throw SandboxGraphError.invalidValue(`buttons: Button at index ${index} was given twice.`);
    byIndex.set(index, g);
  }
  defined.forEach((b, index) => {
    const g = byIndex.get(index);
    const subType = g ? String(g.sub_type ?? '').toLowerCase() : undefined;
    const kind = b.type.toUpperCase();
    if (kind === 'URL') {
      const dynamic = /\{\{\s*1\s*\}\}/.test(b.url ?? '');
      if (!dynamic) {
        if (g) throw mismatch(`buttons[${index}]`, params(g).length, 0);
        return;
      }
      if (!g) throw SandboxGraphError.missing(`buttons: Button at index ${index} of type Url requires a parameter`);
      if (subType !== 'url') throw SandboxGraphError.invalidValue(`buttons: Button at index ${index} is of type Url, got sub_type ${subType}`);
      const p = params(g);
      if (p.length !== 1) throw mismatch(`buttons[${index}]`, p.length, 1);
      if (p[0].type !== 'text') throw formatMismatch(`buttons[${index}]`, 'TEXT', String(p[0].type).toUpperCase());
      textParam(p[0], `buttons[${index}]`);
    } else if (kind === 'COPY_CODE') {
      if (!g) throw SandboxGraphError.missing(`buttons: Button at index ${index} of type CopyCode requires a parameter`);
      const p = params(g);
      if (subType !== 'copy_code' || p.length !== 1 || p[0].type !== 'coupon_code' || typeof p[0].coupon_code !== 'string')
        throw formatMismatch(`buttons[${index}]`, 'COUPON_CODE', String(p[0]?.type ?? 'UNKNOWN').toUpperCase());
    } else if (kind === 'QUICK_REPLY') {
      if (!g) return;
      if (subType !== 'quick_reply') throw SandboxGraphError.invalidValue(`buttons: Button at index ${index} is of type QuickReply, got sub_type ${subType}`);
      for (const p of params(g)) if (p.type !== 'payload' || typeof p.payload !== 'string') throw formatMismatch(`buttons[${index}]`, 'PAYLOAD', String(p.type).toUpperCase());
    } else if (g) {
      throw mismatch(`buttons[${index}]`, params(g).length, 0);
    }
  });
}

function textParam(p: Obj, where: string): string {
  if (typeof p.text !== 'string' || p.text === '') throw SandboxGraphError.missing(`${where}: Param text is required`);
  if (/[\n\t]/.test(p.text) || / {5,}/.test(p.text))
    throw SandboxGraphError.invalidParameter(`${where}: Param text cannot have new-line/tab characters or more than 4 consecutive spaces`);
  return p.text;
}

function currencyParam(p: Obj): string {
  const c = p.currency as Obj | undefined;
  if (!c || typeof c.fallback_value !== 'string' || typeof c.code !== 'string' || typeof c.amount_1000 !== 'number')
    throw formatMismatch('body', 'CURRENCY', 'UNKNOWN');
  return c.fallback_value;
}

function dateTimeParam(p: Obj): string {
  const d = p.date_time as Obj | undefined;
  if (!d || typeof d.fallback_value !== 'string') throw formatMismatch('body', 'DATE_TIME', 'UNKNOWN');
  return d.fallback_value;
}

function formatMismatch(where: string, expected: string, received: string): SandboxGraphError {
  return new SandboxGraphError(132012, { details: `${where}: Format mismatch, expected ${expected}, received ${received}` });
}

function namedMismatch(where: string, expected: string[], got: string[]): SandboxGraphError {
  return new SandboxGraphError(132000, {
    details: `${where}: named parameters (${got.join(', ')}) do not match the template's parameters (${expected.join(', ')})`,
  });
}
