import { Injectable, Logger } from '@nestjs/common';
import { PrismaService, type PhoneNumber, type Template } from '#db';
import { QueueProducer, QUEUES } from '#queue';
import { GraphClient, type GraphTemplate, type TemplateStatusUpdateValue } from '#whatsapp';
import { AppError } from '../common/app-error.js';
import { isId, newId } from '../common/ids.js';
import { decodeCursor, toPage, type ListResult } from '../common/pagination.js';
import { systemContext, type TenantContext } from '../common/tenant-context.js';
import { AuditService } from '../audit/audit.service.js';
import { DomainEvents } from '../events/domain-events.js';
import { graphFailure, isMetaNotFound } from '../phone-numbers/graph-failure.js';
import { PhoneNumbersService } from '../phone-numbers/phone-numbers.service.js';
import type { CreateTemplateDto } from './dto/create-template.dto.js';
import type { ListTemplatesDto } from './dto/list-templates.dto.js';
import { presentTemplate } from './template.presenter.js';
import { validateTemplateDefinition } from './template-definition.js';
import { checkTemplateParameters, inferParameterFormat, parameterSpec, type StoredComponent } from './template-parameters.js';
import { DELETED, TemplatesRepository, type TemplateFields } from './templates.repository.js';

/** A template with the organization's connected numbers that can send it (its WABA's). */
export interface TemplateView {
  template: Template;
  phoneNumberIds: string[];
}

export interface WabaSyncResult {
  phoneNumberId: string;
  wabaId: string;
  total: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Local rows Meta no longer lists: kept, with status DELETED (broadcasts and messages may still name them). */
  deleted: number;
}

/** What a send names (the Cloud API `template` object). */
export interface TemplateReference {
  name: string;
  language: { code: string };
  components?: unknown[];
}

/**
 * Message templates, per WABA: synced from the Graph API (on connect, on demand, after unknown status webhooks),
 * submitted to Meta for review, deleted, and checked before every template send.
 */
@Injectable()
export class TemplatesService {
  private readonly logger = new Logger('Templates');

  constructor(
    private readonly repo: TemplatesRepository,
    private readonly phoneNumbers: PhoneNumbersService,
    private readonly graph: GraphClient,
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
    private readonly queue: QueueProducer,
  ) {}

  async list(ctx: TenantContext, q: ListTemplatesDto): Promise<ListResult<TemplateView>> {
    const cursor = decodeCursor(q.cursor);
    const limit = q.limit ?? 20;
    const wabaIds = q.phone_number_id ? [(await this.phoneNumbers.resolve(ctx, q.phone_number_id)).wabaId] : undefined;
    const rows = await this.repo.list(ctx.organizationId, {
      wabaIds,
      status: q.status?.toUpperCase(),
      nameContains: q.name,
      afterId: cursor?.[0] as string | undefined,
      limit,
    });
    const page = toPage(rows, limit, (r) => [r.id]);
    return { ...page, data: await this.withNumbers(ctx.organizationId, page.data) };
  }

  async get(ctx: TenantContext, id: string): Promise<TemplateView> {
    const row = await this.find(ctx, id);
    return (await this.withNumbers(ctx.organizationId, [row]))[0];
  }

  /** Syncs one number's WABA, or (no id) the WABA of every connected number the key may use. */
  async sync(ctx: TenantContext, phoneNumberId?: string): Promise<WabaSyncResult[]> {
    const numbers = phoneNumberId
      ? [await this.phoneNumbers.resolve(ctx, phoneNumberId)]
      : (await this.phoneNumbers.listConnected(ctx.organizationId)).filter((n) => ctx.keyMode !== 'test' || n.isSandbox);
    if (phoneNumberId && numbers[0].status === 'disconnected')
      throw new AppError('invalid_state', `Phone number ${numbers[0].id} is disconnected.`, { param: 'phone_number_id' });
    // One number per WABA is enough; prefer an active one (a paused number's token is known to be broken).
    const byWaba = new Map<string, PhoneNumber>();
    for (const n of numbers) if (!byWaba.has(n.wabaId) || (n.status === 'active' && byWaba.get(n.wabaId)!.status !== 'active')) byWaba.set(n.wabaId, n);
    const results: WabaSyncResult[] = [];
    for (const number of byWaba.values()) {
      try {
        results.push(await this.syncNumber(ctx, number));
      } catch (err) {
        throw graphFailure(err, 'meta_request_failed', `Listing the templates of WABA ${number.wabaId} failed`);
      }
    }
    return results;
  }

  /**
   * Brings the organization's rows for the number's WABA in line with Meta: upsert by (WABA, name, language),
   * mark the ones Meta no longer lists DELETED. Status changes found this way are emitted like webhook ones.
   * Throws GraphApiError as is (the processor decides about retries; REST callers get it mapped).
   */
  async syncNumber(ctx: TenantContext, number: PhoneNumber): Promise<WabaSyncResult> {
    const remote = await this.graph.listTemplates(this.phoneNumbers.credentialsFor(number), number.wabaId);
    const local = new Map((await this.repo.listByWaba(ctx.organizationId, number.wabaId)).map((t) => [key(t.name, t.language), t]));
    const result: WabaSyncResult = { phoneNumberId: number.id, wabaId: number.wabaId, total: remote.length, created: 0, updated: 0, unchanged: 0, deleted: 0 };
    const changed: { row: Template; previous: string | null }[] = [];
    const seen = new Set<string>();

    for (const t of remote) {
      const k = key(t.name, t.language);
      if (seen.has(k)) continue;
      seen.add(k);
      const fields = fieldsFromGraph(t);
      const existing = local.get(k);
      if (existing && sameFields(existing, fields)) {
        result.unchanged++;
        continue;
      }
      const row = await this.repo.upsert(ctx.organizationId, { id: existing?.id ?? newId('template'), wabaId: number.wabaId, name: t.name, language: t.language }, fields);
      if (existing) result.updated++;
      else result.created++;
      if (existing && existing.status !== row.status) changed.push({ row, previous: existing.status });
    }
    for (const [k, row] of local) {
      if (seen.has(k) || row.status === DELETED) continue;
      const updated = await this.repo.update(ctx.organizationId, row.id, { status: DELETED });
      if (updated) {
        result.deleted++;
        changed.push({ row: updated, previous: row.status });
      }
    }
    await this.audit.record(ctx, {
      action: 'templates.synced',
      targetType: 'phone_number',
      targetId: number.id,
      metadata: { waba_id: number.wabaId, total: result.total, created: result.created, updated: result.updated, deleted: result.deleted },
    });
    await this.emitStatusChanges(ctx.organizationId, changed);
    return result;
  }

  /** Submits a template to Meta; it is saved with Meta's answer (PENDING) and moves on by status webhooks. */
  async create(ctx: TenantContext, input: CreateTemplateDto): Promise<TemplateView> {
    const number = await this.phoneNumbers.resolve(ctx, input.phone_number_id);
    if (number.status === 'disconnected') throw new AppError('invalid_state', `Phone number ${number.id} is disconnected.`, { param: 'phone_number_id' });
    const components = input.components.map((c) => stripAbsent({ ...c, buttons: c.buttons?.map((b) => stripAbsent({ ...b })) })) as StoredComponent[];
    const parameterFormat = validateTemplateDefinition({ category: input.category, parameterFormat: input.parameter_format, components });

    const existing = await this.repo.findByNameLanguage(ctx.organizationId, number.wabaId, input.name, input.language);
    if (existing && existing.status !== DELETED)
      throw new AppError('already_exists', `Template ${input.name} (${input.language}) already exists as ${existing.id}.`, { param: 'name' });

    const body = {
      name: input.name,
      language: input.language,
      category: input.category,
      parameter_format: parameterFormat,
      components,
      ...(input.allow_category_change !== undefined ? { allow_category_change: input.allow_category_change } : {}),
    };
    let created: { id: string; status?: string; category?: string };
    try {
      created = await this.graph.createTemplate(this.phoneNumbers.credentialsFor(number), number.wabaId, body);
    } catch (err) {
      throw graphFailure(err, 'meta_request_failed', `Meta refused template ${input.name}`);
    }

    const row = await this.prisma.transaction(async () => {
      const saved = await this.repo.upsert(
        ctx.organizationId,
        { id: existing?.id ?? newId('template'), wabaId: number.wabaId, name: input.name, language: input.language },
        {
          metaTemplateId: String(created.id),
          category: created.category ?? input.category,
          status: created.status ?? 'PENDING',
          parameterFormat,
          components,
          rejectedReason: null,
        },
      );
      await this.audit.record(ctx, {
        action: 'template.created',
        targetType: 'template',
        targetId: saved.id,
        metadata: { name: saved.name, language: saved.language, waba_id: saved.wabaId, meta_template_id: saved.metaTemplateId },
      });
      return saved;
    });
    return (await this.withNumbers(ctx.organizationId, [row]))[0];
  }

  /**
   * Deletes at Meta, then marks DELETED here. Meta deletes a template by name, i.e. every language of it, so
   * every local language of that name is marked too. Already gone at Meta counts as deleted.
   */
  async remove(ctx: TenantContext, id: string): Promise<TemplateView> {
    const row = await this.find(ctx, id);
    if (row.status === DELETED) return (await this.withNumbers(ctx.organizationId, [row]))[0];
    const numbers = await this.phoneNumbers.listConnectedByWaba(ctx.organizationId, [row.wabaId]);
    const number = numbers.find((n) => n.status === 'active') ?? numbers[0];
    if (!number)
      throw new AppError('invalid_state', `No connected number of WABA ${row.wabaId} can reach Meta to delete ${row.name}; connect one first.`);
    if (ctx.keyMode === 'test' && !number.isSandbox) throw new AppError('test_key_live_number');
    try {
      await this.graph.deleteTemplate(this.phoneNumbers.credentialsFor(number), row.wabaId, row.name);
    } catch (err) {
      if (!isMetaNotFound(err)) throw graphFailure(err, 'meta_request_failed', `Meta refused to delete template ${row.name}`);
    }
    const changed = await this.prisma.transaction(async () => {
      const out: { row: Template; previous: string | null }[] = [];
      for (const t of await this.repo.listByName(ctx.organizationId, row.wabaId, row.name)) {
        if (t.status === DELETED) continue;
        const updated = await this.repo.update(ctx.organizationId, t.id, { status: DELETED });
        if (updated) out.push({ row: updated, previous: t.status });
      }
      await this.audit.record(ctx, {
        action: 'template.deleted',
        targetType: 'template',
        targetId: row.id,
        metadata: { name: row.name, waba_id: row.wabaId, languages: out.map((c) => c.row.language) },
      });
      return out;
    });
    await this.emitStatusChanges(ctx.organizationId, changed);
    const self = changed.find((c) => c.row.id === row.id)?.row ?? (await this.find(ctx, id));
    return (await this.withNumbers(ctx.organizationId, [self]))[0];
  }

  /**
   * Before a template send is accepted: the template exists for the number's WABA in that language, is APPROVED,
   * and the send's components carry exactly the parameters it declares.
   */
  async checkSendable(ctx: TenantContext, number: PhoneNumber, template: TemplateReference): Promise<Template> {
    const language = template.language?.code;
    if (typeof template.name !== 'string' || typeof language !== 'string')
      throw AppError.validation('template', 'A template send names the template and its language: { name, language: { code } }.');
    const row = await this.repo.findByNameLanguage(ctx.organizationId, number.wabaId, template.name, language);
    if (!row || row.status === DELETED) {
      const others = (await this.repo.listByName(ctx.organizationId, number.wabaId, template.name)).filter((t) => t.status !== DELETED);
      throw new AppError(
        'template_not_found',
        others.length
          ? `Template ${template.name} has no ${language} version for ${number.id}; it exists in ${others.map((t) => t.language).join(', ')}.`
          : `No template named ${template.name} exists for ${number.id} (WABA ${number.wabaId}).`,
        { param: 'template.name' },
      );
    }
    if (row.status !== 'APPROVED')
      throw new AppError(
        'template_not_approved',
        `Template ${row.name} (${row.language}) is ${row.status}${row.rejectedReason ? ` (${row.rejectedReason})` : ''}; only APPROVED templates can be sent.`,
        { param: 'template.name', status: row.status },
      );
    checkTemplateParameters({ name: row.name, language: row.language, spec: parameterSpec(componentsOf(row), row.parameterFormat) }, template.components);
    return row;
  }

  /**
   * A `message_template_status_update` webhook change. Updates every organization's row of that template and
   * emits `template.status_updated` for real changes (duplicated webhooks change nothing). A template we have
   * never seen (created in WhatsApp Manager) triggers a sync of its WABA instead.
   */
  async applyStatusUpdate(wabaId: string, value: TemplateStatusUpdateValue): Promise<Template[]> {
    const metaId = String(value.message_template_id);
    let rows = await this.repo.findByMetaIdForSystem(wabaId, metaId);
    if (!rows.length && value.message_template_name && value.message_template_language)
      rows = await this.repo.findByNameLanguageForSystem(wabaId, value.message_template_name, value.message_template_language);
    if (!rows.length) {
      await this.syncLater(wabaId);
      return [];
    }
    const status = value.event === 'REINSTATED' ? 'APPROVED' : String(value.event).toUpperCase();
    const reason = status === 'REJECTED' && value.reason && value.reason !== 'NONE' ? value.reason : status === 'REJECTED' ? null : undefined;
    const updated: Template[] = [];
    for (const row of rows) {
      if (row.status === status && (reason === undefined || row.rejectedReason === reason)) continue;
      const changes: Partial<TemplateFields> = {
        status,
        rejectedReason: reason === undefined ? (status === 'APPROVED' ? null : row.rejectedReason) : reason,
        ...(row.metaTemplateId ? {} : { metaTemplateId: metaId }),
      };
      const saved = await this.prisma.transaction(async () => {
        const next = await this.repo.update(row.organizationId, row.id, changes);
        if (next)
          await this.audit.record(systemContext(row.organizationId), {
            action: 'template.status_updated',
            targetType: 'template',
            targetId: row.id,
            metadata: { from: row.status, to: status, reason: value.reason ?? null },
          });
        return next;
      });
      if (!saved) continue;
      updated.push(saved);
      await this.emitStatusChanges(row.organizationId, [{ row: saved, previous: row.status }]);
    }
    return updated;
  }

  private async find(ctx: TenantContext, id: string): Promise<Template> {
    const row = isId('template', id) ? await this.repo.findById(ctx.organizationId, id) : null;
    if (!row) throw new AppError('not_found', `No template with id ${id}.`, { param: 'id' });
    return row;
  }

  private async withNumbers(organizationId: string, rows: Template[]): Promise<TemplateView[]> {
    const wabaIds = [...new Set(rows.map((r) => r.wabaId))];
    const numbers = await this.phoneNumbers.listConnectedByWaba(organizationId, wabaIds);
    return rows.map((template) => ({ template, phoneNumberIds: numbers.filter((n) => n.wabaId === template.wabaId).map((n) => n.id) }));
  }

  /** After the change committed: realtime clients and customer webhooks hear about each status change. */
  private async emitStatusChanges(organizationId: string, changed: { row: Template; previous: string | null }[]): Promise<void> {
    if (!changed.length) return;
    const views = await this.withNumbers(organizationId, changed.map((c) => c.row));
    for (const [i, c] of changed.entries())
      await this.events.emit(organizationId, 'template.status_updated', { template: presentTemplate(c.row, views[i].phoneNumberIds), previous_status: c.previous });
  }

  private async syncLater(wabaId: string): Promise<void> {
    const numbers = await this.phoneNumbers.listConnectedByWabaForSystem(wabaId);
    const onePerOrg = new Map<string, PhoneNumber>();
    for (const n of numbers) if (!onePerOrg.has(n.organizationId)) onePerOrg.set(n.organizationId, n);
    for (const n of onePerOrg.values())
      await this.queue
        .enqueue(QUEUES.templateSync, { phoneNumberId: n.id, organizationId: n.organizationId }, { jobId: `sync-${n.id}` })
        .catch((err: unknown) => this.logger.warn({ err: String(err), wabaId }, 'could not enqueue a template sync'));
  }
}

function key(name: string, language: string): string {
  return `${name}\u0000${language}`;
}

function componentsOf(t: Template): StoredComponent[] {
  return (Array.isArray(t.components) ? t.components : []) as StoredComponent[];
}

function fieldsFromGraph(t: GraphTemplate): TemplateFields {
  const components = (t.components ?? []) as StoredComponent[];
  return {
    metaTemplateId: String(t.id),
    category: t.category,
    status: t.status,
    parameterFormat: inferParameterFormat(components, t.parameter_format),
    components,
    rejectedReason: t.rejected_reason && t.rejected_reason !== 'NONE' ? t.rejected_reason : null,
  };
}

function sameFields(row: Template, f: TemplateFields): boolean {
  return (
    row.metaTemplateId === f.metaTemplateId &&
    row.category === f.category &&
    row.status === f.status &&
    row.parameterFormat === f.parameterFormat &&
    row.rejectedReason === f.rejectedReason &&
    canonical(row.components) === canonical(f.components)
  );
}

/** JSON with sorted keys: PostgreSQL's jsonb reorders keys, so plain JSON.stringify would see every row as changed. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

/** Without its absent fields: an optional field given as null is absent too (class-validator's @IsOptional admits null), never submitted to Meta nor checked as text. */
function stripAbsent<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v != null)) as T;
}
