import { Injectable, Logger } from '@nestjs/common';
import { PrismaService, type Broadcast, type Prisma } from '#db';
import { QueueProducer, QUEUES } from '#queue';
import { AppError } from '../common/app-error.js';
import { newId } from '../common/ids.js';
import { decodeCursor, toPage, type ListResult } from '../common/pagination.js';
import type { TenantContext } from '../common/tenant-context.js';
import { AuditService } from '../audit/audit.service.js';
import { MessageStatusUpdater } from '../messages/message-status-updater.service.js';
import { PhoneNumbersService } from '../phone-numbers/phone-numbers.service.js';
import { checkTemplateParameters, parameterSpec } from '../templates/template-parameters.js';
import { TemplatesService } from '../templates/templates.service.js';
import type { BroadcastRecord } from './broadcast.presenter.js';
import {
  componentsOf,
  defaultsOf,
  deriveCounts,
  MAX_RECIPIENTS_PER_BROADCAST,
  parseRecipients,
  type DuplicateRecipient,
  type RecipientInput,
  type RejectedRecipient,
} from './broadcast-rules.js';
import { BroadcastsRepository, type RecipientRow } from './broadcasts.repository.js';
import type { AddBroadcastRecipientsDto } from './dto/add-broadcast-recipients.dto.js';
import type { CreateBroadcastDto } from './dto/create-broadcast.dto.js';
import type { ListBroadcastRecipientsDto } from './dto/list-broadcast-recipients.dto.js';
import type { ListBroadcastsDto } from './dto/list-broadcasts.dto.js';

export interface AddRecipientsResult {
  added: number;
  duplicates: DuplicateRecipient[];
  invalid: RejectedRecipient[];
  totalRecipients: number;
}

/**
 * Broadcasts: one approved template to many recipients from one number. A draft collects recipients (each checked
 * against the template as it is added), `send` hands it to the broadcasts processor, which turns recipients into
 * ordinary queued messages a window at a time (see BroadcastDispatcher), and `cancel` stops what has not left.
 */
@Injectable()
export class BroadcastsService {
  private readonly logger = new Logger('Broadcasts');

  constructor(
    private readonly repo: BroadcastsRepository,
    private readonly phoneNumbers: PhoneNumbersService,
    private readonly templates: TemplatesService,
    private readonly statusUpdater: MessageStatusUpdater,
    private readonly audit: AuditService,
    private readonly queue: QueueProducer,
    private readonly prisma: PrismaService,
  ) {}

  async create(ctx: TenantContext, input: CreateBroadcastDto): Promise<BroadcastRecord> {
    const phone = await this.phoneNumbers.resolve(ctx, input.phone_number_id);
    this.phoneNumbers.assertSendable(phone);
    const ref = { name: input.template.name, language: { code: input.template.language.code } };
    const template = await this.repo.findTemplate(ctx.organizationId, phone.wabaId, ref.name, ref.language.code);
    // Not there or not approved: the template service names the problem exactly as a one-to-one send would.
    if (!template || template.status !== 'APPROVED') {
      await this.templates.checkSendable(ctx, phone, ref);
      throw new AppError('template_not_approved', undefined, { param: 'template.name' });
    }
    const components = plain(input.template.components ?? []);
    const broadcast = await this.prisma.transaction(async () => {
      const b = await this.repo.insert(ctx.organizationId, {
        id: newId('broadcast'),
        phoneNumberId: phone.id,
        templateId: template.id,
        templateName: template.name,
        templateLanguage: template.language,
        components: components as Prisma.InputJsonValue,
        name: input.name,
      });
      await this.audit.record(ctx, {
        action: 'broadcast.created',
        targetType: 'broadcast',
        targetId: b.id,
        metadata: {
          name: b.name,
          phone_number_id: phone.id,
          template: { name: template.name, language: template.language },
        },
      });
      return b;
    });
    return { broadcast, counts: deriveCounts([]) };
  }

  async get(ctx: TenantContext, id: string): Promise<BroadcastRecord> {
    const broadcast = await this.find(ctx, id);
    const groups = await this.repo.countGroups(ctx.organizationId, [id]);
    return { broadcast, counts: deriveCounts(groups.get(id) ?? []) };
  }

  async list(ctx: TenantContext, q: ListBroadcastsDto): Promise<ListResult<BroadcastRecord>> {
    const limit = q.limit ?? 20;
    const cursor = decodeCursor(q.cursor);
    const rows = await this.repo.list(ctx.organizationId, {
      status: q.status,
      beforeId: cursor?.[0] as string | undefined,
      limit,
    });
    const page = toPage(rows, limit, (b) => [b.id]);
    const groups = await this.repo.countGroups(
      ctx.organizationId,
      page.data.map((b) => b.id),
    );
    return {
      ...page,
      data: page.data.map((broadcast) => ({ broadcast, counts: deriveCounts(groups.get(broadcast.id) ?? []) })),
    };
  }

  /**
   * Adds up to 1,000 recipients to a draft. Each is normalized and checked on its own (number, parameters against
   * the template with the broadcast's defaults merged in); duplicates — within the call or already in the
   * broadcast — and invalid entries are reported by index and skipped, never fatal to the call.
   */
  async addRecipients(ctx: TenantContext, id: string, input: AddBroadcastRecipientsDto): Promise<AddRecipientsResult> {
    const broadcast = await this.find(ctx, id);
    assertDraft(broadcast, 'Recipients can be added');
    const template = await this.repo.findTemplateById(ctx.organizationId, broadcast.templateId);
    if (!template) throw new AppError('template_not_found', `The template of broadcast ${id} no longer exists.`);
    const spec = {
      name: template.name,
      language: template.language,
      spec: parameterSpec(componentsOf(template), template.parameterFormat),
    };
    const parsed = parseRecipients(plain(input.recipients) as RecipientInput[], defaultsOf(broadcast), (merged) =>
      checkTemplateParameters(spec, merged),
    );

    return this.prisma.transaction(async () => {
      const existing = await this.repo.countRecipients(ctx.organizationId, id);
      if (existing + parsed.accepted.length > MAX_RECIPIENTS_PER_BROADCAST)
        throw new AppError(
          'invalid_state',
          `A broadcast holds at most ${MAX_RECIPIENTS_PER_BROADCAST} recipients; it has ${existing}. Split the audience into several broadcasts.`,
          {
            param: 'recipients',
          },
        );
      // The draft could have been sent meanwhile: the status check and the insert commit together.
      const current = await this.repo.findById(ctx.organizationId, id);
      assertDraft(current!, 'Recipients can be added');
      const inserted = await this.repo.insertRecipients(
        ctx.organizationId,
        id,
        parsed.accepted.map((r) => ({
          id: newId('broadcastRecipient'),
          to: r.to,
          parameters: r.components as Prisma.InputJsonValue,
        })),
      );
      const insertedTo = new Set(inserted.map((r) => r.to));
      const duplicates = [
        ...parsed.duplicates,
        ...parsed.accepted
          .filter((r) => !insertedTo.has(r.to))
          .map((r): DuplicateRecipient => ({ index: r.index, to: r.to, reason: 'already_in_broadcast' })),
      ].sort((a, b) => a.index - b.index);
      await this.audit.record(ctx, {
        action: 'broadcast.recipients_added',
        targetType: 'broadcast',
        targetId: id,
        metadata: { added: inserted.length, duplicates: duplicates.length, invalid: parsed.invalid.length },
      });
      return {
        added: inserted.length,
        duplicates,
        invalid: parsed.invalid,
        totalRecipients: existing + inserted.length,
      };
    });
  }

  async listRecipients(
    ctx: TenantContext,
    id: string,
    q: ListBroadcastRecipientsDto,
  ): Promise<ListResult<RecipientRow>> {
    await this.find(ctx, id);
    const limit = q.limit ?? 20;
    const cursor = decodeCursor(q.cursor);
    const rows = await this.repo.listRecipients(ctx.organizationId, id, {
      status: q.status,
      afterId: cursor?.[0] as string | undefined,
      limit,
    });
    return toPage(rows, limit, (r) => [r.id]);
  }

  /** draft → sending (idempotent: a broadcast already sending or completed is returned as it is). */
  async send(ctx: TenantContext, id: string): Promise<BroadcastRecord> {
    const broadcast = await this.find(ctx, id);
    if (broadcast.status === 'canceled')
      throw new AppError('invalid_state', `Broadcast ${id} was canceled; create a new one.`);
    if (broadcast.status === 'draft') {
      const phone = await this.phoneNumbers.resolve(ctx, broadcast.phoneNumberId);
      this.phoneNumbers.assertSendable(phone);
      const template = await this.repo.findTemplateById(ctx.organizationId, broadcast.templateId);
      if (!template || template.status !== 'APPROVED')
        throw new AppError(
          'template_not_approved',
          `Template ${broadcast.templateName} (${broadcast.templateLanguage}) is ${template?.status ?? 'gone'}; only APPROVED templates can be sent.`,
          {
            param: 'template.name',
            status: template?.status ?? null,
          },
        );
      await this.prisma.transaction(async () => {
        if ((await this.repo.countRecipients(ctx.organizationId, id)) === 0)
          throw new AppError(
            'invalid_state',
            `Broadcast ${id} has no recipients; add them with POST /v1/broadcasts/${id}/recipients.`,
          );
        if (
          !(await this.repo.transition(ctx.organizationId, id, ['draft'], { status: 'sending', startedAt: new Date() }))
        )
          return;
        await this.audit.record(ctx, { action: 'broadcast.sent', targetType: 'broadcast', targetId: id });
      });
    }
    await this.kick(ctx.organizationId, id);
    return this.get(ctx, id);
  }

  /**
   * Stops a draft or a broadcast being sent: its pending recipients are canceled, and so are its messages no worker
   * has claimed yet (each emits message.status_updated). Messages already handed to Meta go on. Idempotent.
   */
  async cancel(ctx: TenantContext, id: string): Promise<BroadcastRecord> {
    const broadcast = await this.find(ctx, id);
    if (broadcast.status === 'completed')
      throw new AppError('invalid_state', `Broadcast ${id} has completed; there is nothing left to cancel.`);
    if (broadcast.status === 'canceled') return this.get(ctx, id);
    const now = new Date();
    const canceledMessages = await this.prisma.transaction(async () => {
      if (
        !(await this.repo.transition(ctx.organizationId, id, ['draft', 'sending'], {
          status: 'canceled',
          canceledAt: now,
        }))
      )
        return null;
      // Recipients first: a materialization in progress holds its recipient's row, so its message is committed
      // (and then canceled by the next statement) or never created.
      const recipients = await this.repo.updatePendingRecipients(ctx.organizationId, id, { status: 'canceled' });
      const messages = await this.repo.cancelQueuedMessages(ctx.organizationId, id, now);
      await this.audit.record(ctx, {
        action: 'broadcast.canceled',
        targetType: 'broadcast',
        targetId: id,
        metadata: { recipients: recipients, messages: messages.length },
      });
      return messages;
    });
    if (canceledMessages === null) return this.cancel(ctx, id); // the status moved meanwhile: decide again
    for (const messageId of canceledMessages)
      await this.statusUpdater.announce(ctx.organizationId, messageId, 'queued');
    return this.get(ctx, id);
  }

  /** Enqueues the broadcast's job (its id is the job id, so this is a no-op while one is pending). */
  async kick(organizationId: string, broadcastId: string): Promise<void> {
    try {
      await this.queue.enqueue(QUEUES.broadcasts, { broadcastId, organizationId }, { jobId: broadcastId });
    } catch (err) {
      this.logger.warn({ broadcastId, err: String(err) }, 'enqueue failed; the broadcasts sweep will pick it up');
    }
  }

  private async find(ctx: TenantContext, id: string): Promise<Broadcast> {
    const row = await this.repo.findById(ctx.organizationId, id);
    if (!row) throw AppError.notFound('broadcast', id);
    return row;
  }
}

function assertDraft(b: Broadcast, what: string): void {
  if (b.status !== 'draft')
    throw new AppError('invalid_state', `${what} only while the broadcast is a draft; ${b.id} is ${b.status}.`, {
      status: b.status,
    });
}

/** DTO instances to plain JSON (drops undefined optional fields). */
function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value ?? null));
}
