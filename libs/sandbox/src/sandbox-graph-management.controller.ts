import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { SandboxRoute } from './sandbox-route.decorator.js';
import { SandboxGraphError } from './sandbox-graph.error.js';
import { assertGraphVersion, publicBase, queryRecord, selfUrl } from './sandbox-http.util.js';
import { SandboxMediaService } from './sandbox-media.service.js';
import { SandboxNumbersService } from './sandbox-numbers.service.js';
import type { SandboxNumber, SandboxWaba } from './sandbox-state.types.js';
import { SandboxStore } from './sandbox.store.js';
import { SandboxTemplatesService } from './sandbox-templates.service.js';

const PHONE_DEFAULT_FIELDS = ['verified_name', 'code_verification_status', 'display_phone_number', 'quality_rating', 'platform_type', 'throughput', 'id'];
const WABA_DEFAULT_FIELDS = ['id', 'name', 'timezone_id', 'message_template_namespace'];

/** Graph API: phone numbers, WABAs, templates, subscriptions, media objects. */
@Controller()
@SandboxRoute()
export class SandboxGraphManagementController {
  constructor(
    private readonly numbers: SandboxNumbersService,
    private readonly templates: SandboxTemplatesService,
    private readonly media: SandboxMediaService,
    private readonly store: SandboxStore,
  ) {}

  @Get(':version/:id/message_templates')
  listTemplates(@Param('version') version: string, @Param('id') id: string, @Req() req: Request) {
    const waba = this.waba(version, id, req);
    return this.templates.list(waba, queryRecord(req), selfUrl(req));
  }

  @Post(':version/:id/message_templates')
  @HttpCode(200)
  createTemplate(@Param('version') version: string, @Param('id') id: string, @Req() req: Request, @Body() body: unknown) {
    return this.templates.create(this.waba(version, id, req), body);
  }

  @Delete(':version/:id/message_templates')
  deleteTemplate(@Param('version') version: string, @Param('id') id: string, @Req() req: Request) {
    return this.templates.delete(this.waba(version, id, req), queryRecord(req));
  }

  @Get(':version/:id/phone_numbers')
  phoneNumbers(@Param('version') version: string, @Param('id') id: string, @Req() req: Request) {
    const waba = this.waba(version, id, req);
    const data = this.store.numbersOfWaba(waba.id).map((n) => {
      const all = phoneObject(n, this.numbers.webhookTarget(n).url);
      return pick(all, fieldsOf(req, PHONE_DEFAULT_FIELDS, 'WhatsAppBusinessPhoneNumber', all));
    });
    return { data, paging: { cursors: { before: 'QVFIU', after: 'QVFIU' } } };
  }

  @Get(':version/:id/subscribed_apps')
  subscribedApps(@Param('version') version: string, @Param('id') id: string, @Req() req: Request) {
    const waba = this.waba(version, id, req);
    return { data: waba.subscribed ? [{ whatsapp_business_api_data: { id: '1000000000000001', link: 'https://sandbox.invalid/app', name: 'Sandbox App' } }] : [] };
  }

  @Post(':version/:id/subscribed_apps')
  @HttpCode(200)
  subscribe(@Param('version') version: string, @Param('id') id: string, @Req() req: Request) {
    const waba = this.waba(version, id, req);
    waba.subscribed = true;
    this.store.save();
    return { success: true };
  }

  @Delete(':version/:id/subscribed_apps')
  unsubscribe(@Param('version') version: string, @Param('id') id: string, @Req() req: Request) {
    const waba = this.waba(version, id, req);
    waba.subscribed = false;
    this.store.save();
    return { success: true };
  }

  /** GET of any object: a phone number, a WABA, a media object or a template. */
  @Get(':version/:id')
  object(@Param('version') version: string, @Param('id') id: string, @Req() req: Request) {
    assertGraphVersion(version, req);
    const caller = this.numbers.authenticate(req.headers.authorization, req.query.access_token);
    const number = this.store.numbers.get(id);
    if (number && number.waba_id === caller.waba_id) {
      const all = phoneObject(number, this.numbers.webhookTarget(number).url);
      return pick(all, fieldsOf(req, PHONE_DEFAULT_FIELDS, 'WhatsAppBusinessPhoneNumber', all));
    }
    const waba = this.store.wabas.get(id);
    if (waba && waba.id === caller.waba_id) {
      const all = wabaObject(waba);
      return pick(all, fieldsOf(req, WABA_DEFAULT_FIELDS, 'WhatsAppBusinessAccount', all));
    }
    const media = this.media.get(id);
    if (media && media.waba_id === caller.waba_id) {
      const pn = req.query.phone_number_id;
      if (typeof pn === 'string' && pn !== media.phone_number_id) throw SandboxGraphError.invalidParameter(`Media ${id} does not belong to phone number ${pn}.`);
      return this.media.describe(media, publicBase(req, version));
    }
    const template = this.templates.byId(id);
    if (template && template.waba_id === caller.waba_id) return this.templates.toGraph(template);
    throw SandboxGraphError.unknownObject(id, 'GET');
  }

  @Delete(':version/:id')
  deleteObject(@Param('version') version: string, @Param('id') id: string, @Req() req: Request) {
    assertGraphVersion(version, req);
    const caller = this.numbers.authenticate(req.headers.authorization, req.query.access_token);
    return this.media.delete(this.media.owned(caller, id, 'DELETE'));
  }

  private waba(version: string, id: string, req: Request): SandboxWaba {
    assertGraphVersion(version, req);
    const caller = this.numbers.authenticate(req.headers.authorization, req.query.access_token);
    return this.numbers.ownedWaba(caller, id, req.method);
  }
}

function phoneObject(n: SandboxNumber, webhookUrl: string | undefined): Record<string, unknown> {
  return {
    verified_name: n.verified_name,
    code_verification_status: 'VERIFIED',
    display_phone_number: formatDisplay(n.display_phone_number),
    quality_rating: n.quality_rating,
    platform_type: 'CLOUD_API',
    throughput: { level: n.throughput_per_second > 80 ? 'HIGH' : 'STANDARD' },
    name_status: 'APPROVED',
    status: 'CONNECTED',
    account_mode: 'LIVE',
    is_official_business_account: false,
    messaging_limit_tier: 'TIER_1K',
    webhook_configuration: { application: webhookUrl ?? null },
    id: n.phone_number_id,
  };
}

function wabaObject(w: SandboxWaba): Record<string, unknown> {
  return { id: w.id, name: w.name, timezone_id: w.timezone_id, message_template_namespace: w.message_template_namespace, currency: w.currency, account_review_status: 'APPROVED' };
}

/** `fields=a,b` (id always included); an unknown field is Graph's (#100) "nonexisting field" error. */
function fieldsOf(req: Request, defaults: string[], nodeType: string, all: Record<string, unknown>): string[] {
  const raw = req.query.fields;
  if (typeof raw !== 'string' || raw.trim() === '') return defaults;
  const fields = raw.split(',').map((f) => f.trim()).filter(Boolean);
  for (const f of fields) {
    if (!(f in all)) {
      throw new SandboxGraphError(100, { message: `(#100) Tried accessing nonexisting field (${f}) on node type (${nodeType})`, core: true });
    }
  }
  return [...new Set([...fields, 'id'])];
}

function pick(all: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  return Object.fromEntries(fields.filter((f) => f in all).map((f) => [f, all[f]]));
}

/** Meta shows US numbers as "+1 555-010-1234"; others as "+<digits>". */
function formatDisplay(digits: string): string {
  if (digits.length === 11 && digits.startsWith('1')) return `+1 ${digits.slice(1, 4)}-${digits.slice(4, 7)}-${digits.slice(7)}`;
  return `+${digits}`;
}
