import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { GraphTemplateComponent, TemplateStatusEvent } from '#whatsapp';
import { SandboxAdminError } from './sandbox-admin.error.js';
import { SandboxBehaviorStore } from './sandbox-behavior.js';
import { SandboxGraphError } from './sandbox-graph.error.js';
import { numericId } from './sandbox-ids.js';
import type { SandboxTemplate, SandboxWaba, TemplateStatus } from './sandbox-state.types.js';
import { SandboxStore } from './sandbox.store.js';
import { SandboxWebhookEmitter } from './sandbox-webhook.emitter.js';
import { SandboxNumbersService } from './sandbox-numbers.service.js';
import { templateVariables } from './template-send.validator.js';

type Obj = Record<string, unknown>;
type Seed = Pick<SandboxTemplate, 'name' | 'language' | 'status' | 'category' | 'parameter_format' | 'components'>;

/** Templates every new sandbox WABA starts with. */
const SEED_TEMPLATES: Seed[] = [
  { name: 'hello_world', language: 'en_US', status: 'APPROVED', category: 'UTILITY', parameter_format: 'POSITIONAL', components: [{ type: 'BODY', text: 'Hello World' }] },
  {
    name: 'order_update',
    language: 'en',
    status: 'APPROVED',
    category: 'UTILITY',
    parameter_format: 'POSITIONAL',
    components: [{ type: 'BODY', text: 'Hi {{1}}, your order {{2}} ships tomorrow.', example: { body_text: [['Maria', 'A-1042']] } }],
  },
  {
    name: 'appointment_reminder',
    language: 'en',
    status: 'APPROVED',
    category: 'UTILITY',
    parameter_format: 'NAMED',
    components: [
      {
        type: 'BODY',
        text: 'Hi {{customer_name}}, this is a reminder of your appointment at {{time}}.',
        example: {
          body_text_named_params: [
            { param_name: 'customer_name', example: 'Maria' },
            { param_name: 'time', example: '10:30' },
          ],
        },
      },
    ],
  },
  {
    name: 'promo_image',
    language: 'en',
    status: 'APPROVED',
    category: 'MARKETING',
    parameter_format: 'POSITIONAL',
    components: [
      { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['https://scontent.whatsapp.net/sandbox/promo.jpg'] } },
      { type: 'BODY', text: 'Hi {{1}}, our spring sale starts today!', example: { body_text: [['Maria']] } },
      { type: 'FOOTER', text: 'Reply STOP to opt out' },
      { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Shop now', url: 'https://shop.example.com/sale/{{1}}', example: ['https://shop.example.com/sale/spring'] }] },
    ],
  },
  { name: 'paused_promo', language: 'en', status: 'PAUSED', category: 'MARKETING', parameter_format: 'POSITIONAL', components: [{ type: 'BODY', text: 'Last chance: 20% off everything!' }] },
  {
    name: 'pending_welcome',
    language: 'en',
    status: 'PENDING',
    category: 'UTILITY',
    parameter_format: 'POSITIONAL',
    components: [{ type: 'BODY', text: 'Welcome aboard, {{1}}!', example: { body_text: [['Maria']] } }],
  },
  { name: 'disabled_notice', language: 'en', status: 'DISABLED', category: 'MARKETING', parameter_format: 'POSITIONAL', components: [{ type: 'BODY', text: 'This offer is no longer available.' }] },
];

const CATEGORIES = ['AUTHENTICATION', 'MARKETING', 'UTILITY'] as const;
const STATUSES: TemplateStatus[] = ['APPROVED', 'PENDING', 'REJECTED', 'PAUSED', 'DISABLED', 'IN_APPEAL'];

@Injectable()
export class SandboxTemplatesService implements OnModuleInit, OnModuleDestroy {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly store: SandboxStore,
    private readonly behavior: SandboxBehaviorStore,
    private readonly emitter: SandboxWebhookEmitter,
    private readonly numbers: SandboxNumbersService,
  ) {}

  onModuleInit(): void {
    // Reviews interrupted by a restart resume.
    for (const t of this.store.templates.values()) if (t.status === 'PENDING' && t.auto_review) this.scheduleReview(t);
  }

  onModuleDestroy(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  seed(waba: SandboxWaba): void {
    for (const s of SEED_TEMPLATES) this.insert(waba.id, structuredClone(s));
    this.store.save();
  }

  find(wabaId: string, name: string, language: string): SandboxTemplate | undefined {
    for (const t of this.store.templates.values()) if (t.waba_id === wabaId && t.name === name && t.language === language) return t;
    return undefined;
  }

  byId(id: string): SandboxTemplate | undefined {
    return this.store.templates.get(id);
  }

  /** GET /{waba_id}/message_templates: Meta's list shape with cursor paging. */
  list(waba: SandboxWaba, query: Obj, selfUrl: string) {
    const limit = clampInt(query.limit, 25, 1, 1000);
    let all = [...this.store.templates.values()].filter((t) => t.waba_id === waba.id);
    if (typeof query.name === 'string' && query.name) all = all.filter((t) => t.name.includes(query.name as string));
    if (typeof query.status === 'string' && query.status) all = all.filter((t) => t.status === String(query.status).toUpperCase());
    if (typeof query.category === 'string' && query.category) all = all.filter((t) => t.category === String(query.category).toUpperCase());
    if (typeof query.language === 'string' && query.language) all = all.filter((t) => t.language === query.language);
    let start = 0;
    if (typeof query.after === 'string' && query.after) {
      const afterId = decodeCursor(query.after);
      const idx = all.findIndex((t) => t.id === afterId);
      if (idx < 0) throw SandboxGraphError.invalidParameter('Param after is not a valid cursor.');
      start = idx + 1;
    }
    const page = all.slice(start, start + limit);
    const paging: Obj = {};
    if (page.length) paging.cursors = { before: encodeCursor(page[0].id), after: encodeCursor(page[page.length - 1].id) };
    if (start + limit < all.length && page.length) {
      const next = new URL(selfUrl);
      for (const [k, v] of Object.entries(query)) if (typeof v === 'string' && k !== 'after' && k !== 'access_token') next.searchParams.set(k, v);
      next.searchParams.set('limit', String(limit));
      next.searchParams.set('after', encodeCursor(page[page.length - 1].id));
      paging.next = next.toString();
    }
    const fields = typeof query.fields === 'string' && query.fields.trim() ? query.fields.split(',').map((f) => f.trim()).filter(Boolean) : undefined;
    return { data: page.map((t) => (fields ? pickFields(this.toGraphFull(t), fields) : this.toGraph(t))), paging };
  }

  /** Every field a template node has (Meta answers `rejected_reason: NONE` when asked for it explicitly). */
  private toGraphFull(t: SandboxTemplate): Record<string, unknown> {
    return { ...this.toGraph(t), rejected_reason: t.status === 'REJECTED' ? (t.rejected_reason ?? 'INVALID_FORMAT') : 'NONE', quality_score: { score: 'UNKNOWN' } };
  }

  toGraph(t: SandboxTemplate) {
    return {
      name: t.name,
      parameter_format: t.parameter_format,
      components: t.components,
      language: t.language,
      status: t.status,
      category: t.category,
      id: t.id,
      ...(t.status === 'REJECTED' ? { rejected_reason: t.rejected_reason ?? 'INVALID_FORMAT' } : {}),
    };
  }

  /** POST /{waba_id}/message_templates → PENDING, reviewed after behaviour.template_review_ms. */
  create(waba: SandboxWaba, body: unknown): { id: string; status: string; category: string } {
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw SandboxGraphError.invalidParameter('The request body must be a JSON object.');
    const b = body as Obj;
    if (typeof b.name !== 'string' || !b.name) throw SandboxGraphError.invalidParameter('Param name is required.');
    if (!/^[a-z0-9_]{1,512}$/.test(b.name))
      throw templateError('Invalid template name', 'Message template name can only contain lowercase alphanumeric characters and underscores ( _ ), up to 512 characters.');
    const category = typeof b.category === 'string' ? b.category.toUpperCase() : undefined;
    if (!category || !(CATEGORIES as readonly string[]).includes(category)) throw SandboxGraphError.invalidParameter('Param category must be one of {AUTHENTICATION, MARKETING, UTILITY}.');
    if (typeof b.language !== 'string' || !/^[a-z]{2,3}(_[A-Z]{2})?$/.test(b.language)) throw SandboxGraphError.invalidParameter('Param language must be a language code such as en or en_US.');
    const format = b.parameter_format === undefined ? 'POSITIONAL' : b.parameter_format;
    if (format !== 'POSITIONAL' && format !== 'NAMED') throw SandboxGraphError.invalidParameter('Param parameter_format must be NAMED or POSITIONAL.');
    const components = validateComponents(b.components, category, format);
    if (this.find(waba.id, b.name, b.language)) {
      throw new SandboxGraphError(100, {
        message: '(#100) Invalid parameter',
        subcode: 2388024,
        userTitle: 'Message template already exists',
        userMessage: `There is already ${b.language} content for this template. You can create a new template and try again.`,
        details: `Content in this language already exists for ${b.name}.`,
      });
    }
    const t = this.insert(waba.id, { name: b.name, language: b.language, status: 'PENDING', category: category as SandboxTemplate['category'], parameter_format: format, components });
    t.auto_review = true;
    this.store.save();
    this.scheduleReview(t);
    return { id: t.id, status: 'PENDING', category: t.category };
  }

  /** DELETE /{waba_id}/message_templates?name=…[&hsm_id=…]: all languages of the name, or the one id. */
  delete(waba: SandboxWaba, query: Obj): { success: true } {
    if (typeof query.name !== 'string' || !query.name) throw SandboxGraphError.invalidParameter('Param name is required.');
    const victims = [...this.store.templates.values()].filter(
      (t) => t.waba_id === waba.id && t.name === query.name && (typeof query.hsm_id !== 'string' || t.id === query.hsm_id),
    );
    if (!victims.length) throw SandboxGraphError.invalidParameter(`Message template "${query.name}" not found.`);
    for (const t of victims) this.store.templates.delete(t.id);
    this.store.save();
    return { success: true };
  }

  /** Admin: moves a template to a status (PAUSED, DISABLED, APPROVED…) and sends Meta's webhook. */
  setStatus(input: unknown): SandboxTemplate[] {
    const b = (input ?? {}) as Obj;
    const wabaId = typeof b.waba_id === 'string' ? b.waba_id : typeof b.phone_number_id === 'string' ? this.store.numbers.get(b.phone_number_id)?.waba_id : undefined;
    if (!wabaId || !this.store.wabas.has(wabaId)) throw new SandboxAdminError(404, 'waba_id or phone_number_id must name a sandbox number or WABA');
    if (typeof b.name !== 'string') throw new SandboxAdminError(400, 'name is required');
    const status = String(b.status ?? '').toUpperCase() as TemplateStatus;
    if (!STATUSES.includes(status)) throw new SandboxAdminError(400, `status must be one of ${STATUSES.join(', ')}`);
    const matches = [...this.store.templates.values()].filter(
      (t) => t.waba_id === wabaId && t.name === b.name && (typeof b.language !== 'string' || t.language === b.language),
    );
    if (!matches.length) throw new SandboxAdminError(404, `No template ${b.name} in WABA ${wabaId}`);
    const reason = typeof b.reason === 'string' ? b.reason : undefined;
    for (const t of matches) this.transition(t, status, reason);
    return matches;
  }

  private insert(wabaId: string, seed: Seed): SandboxTemplate {
    let id: string;
    do id = numericId(16);
    while (this.store.idTaken(id));
    const t: SandboxTemplate = { id, waba_id: wabaId, ...seed, created_at: new Date().toISOString() };
    this.store.templates.set(id, t);
    return t;
  }

  private scheduleReview(t: SandboxTemplate): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const current = this.store.templates.get(t.id);
      if (!current || current.status !== 'PENDING') return;
      if (current.name.includes('reject')) this.transition(current, 'REJECTED', 'INVALID_FORMAT');
      else this.transition(current, 'APPROVED');
    }, this.behavior.get().template_review_ms);
    timer.unref();
    this.timers.add(timer);
  }

  private transition(t: SandboxTemplate, status: TemplateStatus, reason?: string): void {
    t.status = status;
    if (status === 'REJECTED') t.rejected_reason = reason ?? 'INVALID_FORMAT';
    else delete t.rejected_reason;
    this.store.save();
    const waba = this.store.wabas.get(t.waba_id);
    const number = this.store.numbersOfWaba(t.waba_id)[0];
    if (!waba || !number) return;
    if (!waba.subscribed) {
      this.emitter.countNotSubscribed();
      return;
    }
    void this.emitter.emit(this.numbers.webhookTarget(number), {
      id: waba.id,
      time: Math.floor(Date.now() / 1000),
      changes: [
        {
          field: 'message_template_status_update',
          value: {
            event: status as TemplateStatusEvent,
            message_template_id: Number(t.id),
            message_template_name: t.name,
            message_template_language: t.language,
            reason: status === 'APPROVED' ? 'NONE' : (reason ?? (status === 'REJECTED' ? 'INVALID_FORMAT' : null)),
            message_template_category: t.category,
          },
        },
      ],
    });
  }
}

function pickFields(all: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  for (const f of fields) {
    if (!(f in all)) throw new SandboxGraphError(100, { message: `(#100) Tried accessing nonexisting field (${f}) on node type (WhatsAppBusinessHSM)`, core: true });
  }
  return Object.fromEntries([...new Set([...fields, 'id'])].map((f) => [f, all[f]]));
}

function templateError(title: string, message: string): SandboxGraphError {
  return new SandboxGraphError(100, { message: '(#100) Invalid parameter', userTitle: title, userMessage: message, details: message });
}

function validateComponents(input: unknown, category: string, format: 'NAMED' | 'POSITIONAL'): GraphTemplateComponent[] {
  if (!Array.isArray(input) || input.length === 0) throw SandboxGraphError.invalidParameter('Param components must be a non-empty array.');
  const seen = new Set<string>();
  const out: GraphTemplateComponent[] = [];
  for (const raw of input) {
    if (!raw || typeof raw !== 'object') throw SandboxGraphError.invalidParameter('Each component must be a JSON object.');
    const c = { ...(raw as Obj) } as GraphTemplateComponent;
    c.type = String(c.type ?? '').toUpperCase();
    if (!['HEADER', 'BODY', 'FOOTER', 'BUTTONS'].includes(c.type)) throw SandboxGraphError.invalidParameter(`Component type must be HEADER, BODY, FOOTER or BUTTONS, got ${String(c.type)}.`);
    if (seen.has(c.type)) throw SandboxGraphError.invalidParameter(`Only one ${c.type} component is allowed.`);
    seen.add(c.type);
    if (c.type === 'HEADER') {
      c.format = String(c.format ?? 'TEXT').toUpperCase();
      if (!['TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION'].includes(c.format)) throw SandboxGraphError.invalidParameter('HEADER format must be TEXT, IMAGE, VIDEO, DOCUMENT or LOCATION.');
      if (c.format === 'TEXT') {
        checkText(c.text, 'HEADER', 60);
        const vars = checkVariables(c.text as string, format, 'HEADER', c.example, 'header_text');
        if (vars > 1) throw templateError('Too many variables', 'A text header can have at most one variable.');
      }
    } else if (c.type === 'BODY') {
      if (category !== 'AUTHENTICATION' || c.text !== undefined) {
        checkText(c.text, 'BODY', 1024);
        checkVariables(c.text as string, format, 'BODY', c.example, 'body_text');
      }
    } else if (c.type === 'FOOTER') {
      checkText(c.text, 'FOOTER', 60);
      if (/\{\{/.test(c.text as string)) throw templateError('Invalid footer', 'The footer cannot contain variables.');
    } else {
      const buttons = c.buttons;
      if (!Array.isArray(buttons) || buttons.length === 0 || buttons.length > 10) throw SandboxGraphError.invalidParameter('BUTTONS must have 1 to 10 buttons.');
      for (const btn of buttons) {
        const type = String(btn?.type ?? '').toUpperCase();
        if (!['QUICK_REPLY', 'URL', 'PHONE_NUMBER', 'COPY_CODE', 'OTP', 'FLOW'].includes(type)) throw SandboxGraphError.invalidParameter(`Unsupported button type ${type}.`);
        btn.type = type;
        if (type !== 'OTP' && type !== 'COPY_CODE') checkText(btn.text, 'BUTTONS text', 25);
        if (type === 'URL' && (typeof btn.url !== 'string' || !/^https?:\/\//.test(btn.url))) throw SandboxGraphError.invalidParameter('URL buttons need an http(s) url.');
      }
    }
    out.push(c);
  }
  if (category !== 'AUTHENTICATION' && !seen.has('BODY')) throw SandboxGraphError.invalidParameter('A BODY component is required.');
  return out;
}

function checkText(v: unknown, where: string, max: number): void {
  if (typeof v !== 'string' || v.trim() === '') throw SandboxGraphError.invalidParameter(`${where} text is required.`);
  if ([...v].length > max) throw SandboxGraphError.invalidParameter(`${where} text must be at most ${max} characters long.`);
}

/** Positional variables must be {{1}}…{{n}} in order; every variable needs an example, as Meta's review requires. */
function checkVariables(text: string, format: 'NAMED' | 'POSITIONAL', where: string, example: unknown, exampleKey: string): number {
  const all = [...text.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)].map((m) => m[1]);
  if (!all.length) return 0;
  const vars = templateVariables(text, format);
  if (vars.length !== new Set(all).size) {
    throw templateError(
      'Invalid variable',
      format === 'NAMED' ? `${where}: named variables must be lowercase letters, digits and underscores.` : `${where}: positional variables must look like {{1}}.`,
    );
  }
  if (format === 'POSITIONAL') {
    const numbers = vars.map(Number).sort((a, b) => a - b);
    if (numbers.some((n, i) => n !== i + 1)) throw templateError('Invalid variable', `${where}: variables must be numbered {{1}} to {{${numbers.length}}} in sequence.`);
  }
  const ex = (example ?? {}) as Obj;
  const hasExample =
    format === 'NAMED'
      ? Array.isArray(ex[`${exampleKey}_named_params`]) && vars.every((v) => (ex[`${exampleKey}_named_params`] as Obj[]).some((p) => p?.param_name === v))
      : Array.isArray(ex[exampleKey]) && (ex[exampleKey] as unknown[]).length > 0;
  if (!hasExample) {
    throw new SandboxGraphError(100, {
      message: '(#100) Invalid parameter',
      subcode: 2388043,
      userTitle: 'Message template variables are missing sample values',
      userMessage: `${where}: add an example (${format === 'NAMED' ? `${exampleKey}_named_params` : exampleKey}) for every variable.`,
      details: `${where}: variables are missing sample values.`,
    });
  }
  return vars.length;
}

function clampInt(v: unknown, dflt: number, min: number, max: number): number {
  const n = Number(v);
  if (v === undefined || !Number.isFinite(n)) return dflt;
  return Math.min(max, Math.max(min, Math.trunc(n)));
}

function encodeCursor(id: string): string {
  return Buffer.from(id).toString('base64url');
}

function decodeCursor(c: string): string {
  return Buffer.from(c, 'base64url').toString('utf8');
}
