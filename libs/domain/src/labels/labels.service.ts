import { Injectable } from '@nestjs/common';
import { PrismaService, type Label } from '#db';
import { AppError } from '../common/app-error.js';
import { newId } from '../common/ids.js';
import type { TenantContext } from '../common/tenant-context.js';
import { AuditService } from '../audit/audit.service.js';
import type { CreateLabelDto, UpdateLabelDto } from './dto/label.dto.js';
import { LabelsRepository } from './labels.repository.js';

export interface BulkResult {
  applied: number;
  skipped: { contact_id: string; reason: 'not_found' | 'already_labeled' | 'not_labeled' | 'duplicate' }[];
}

@Injectable()
export class LabelsService {
  constructor(
    private readonly repo: LabelsRepository,
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
  ) {}

  async create(ctx: TenantContext, input: CreateLabelDto): Promise<Label> {
    const name = input.name.trim();
    return this.prisma.transaction(async () => {
      await this.assertNameFree(ctx, name);
      const label = await this.repo.create(ctx.organizationId, { id: newId('label'), name, color: input.color ?? 'gray' });
      await this.audit.record(ctx, { action: 'label.created', targetType: 'label', targetId: label.id });
      return label;
    });
  }

  list(ctx: TenantContext): Promise<Label[]> {
    return this.repo.list(ctx.organizationId);
  }

  async get(ctx: TenantContext, id: string): Promise<Label> {
    const label = await this.repo.findById(ctx.organizationId, id);
    if (!label) throw AppError.notFound('label', id);
    return label;
  }

  async update(ctx: TenantContext, id: string, input: UpdateLabelDto): Promise<Label> {
    return this.prisma.transaction(async () => {
      const label = await this.get(ctx, id);
      const name = input.name?.trim();
      if (name && name.toLowerCase() !== label.name.toLowerCase()) await this.assertNameFree(ctx, name);
      const updated = await this.repo.update(ctx.organizationId, id, { name, color: input.color });
      await this.audit.record(ctx, { action: 'label.updated', targetType: 'label', targetId: id, metadata: { ...input } });
      return updated;
    });
  }

  async delete(ctx: TenantContext, id: string): Promise<Label> {
    return this.prisma.transaction(async () => {
      const label = await this.get(ctx, id);
      await this.repo.delete(ctx.organizationId, id);
      await this.audit.record(ctx, { action: 'label.deleted', targetType: 'label', targetId: id });
      return label;
    });
  }

  /** Attaching a label a contact already has is a no-op, not an error. */
  async attach(ctx: TenantContext, labelId: string, contactIds: string[]): Promise<BulkResult> {
    return this.bulk(ctx, labelId, contactIds, 'attach');
  }

  async detach(ctx: TenantContext, labelId: string, contactIds: string[]): Promise<BulkResult> {
    return this.bulk(ctx, labelId, contactIds, 'detach');
  }

  /** One label on one contact, idempotently; 404 for an unknown contact or label. Returns the contact's labels. */
  async setOnContact(ctx: TenantContext, contactId: string, labelId: string, on: boolean): Promise<Label[]> {
    return this.prisma.transaction(async () => {
      const r = on ? await this.attach(ctx, labelId, [contactId]) : await this.detach(ctx, labelId, [contactId]);
      if (r.skipped[0]?.reason === 'not_found') throw AppError.notFound('contact', contactId);
      return this.repo.labelsOfContact(ctx.organizationId, contactId);
    });
  }

  async labelsOfContact(ctx: TenantContext, contactId: string): Promise<Label[]> {
    if (!(await this.repo.existingContactIds(ctx.organizationId, [contactId])).has(contactId)) throw AppError.notFound('contact', contactId);
    return this.repo.labelsOfContact(ctx.organizationId, contactId);
  }

  private async bulk(ctx: TenantContext, labelId: string, contactIds: string[], op: 'attach' | 'detach'): Promise<BulkResult> {
    return this.prisma.transaction(async () => {
      await this.get(ctx, labelId);
      const skipped: BulkResult['skipped'] = [];
      const unique: string[] = [];
      for (const id of contactIds) {
        if (unique.includes(id)) skipped.push({ contact_id: id, reason: 'duplicate' });
        else unique.push(id);
      }
      const existing = await this.repo.existingContactIds(ctx.organizationId, unique);
      const linked = await this.repo.linkedContactIds(ctx.organizationId, labelId, unique);
      const todo: string[] = [];
      for (const id of unique) {
        if (!existing.has(id)) skipped.push({ contact_id: id, reason: 'not_found' });
        else if (op === 'attach' && linked.has(id)) skipped.push({ contact_id: id, reason: 'already_labeled' });
        else if (op === 'detach' && !linked.has(id)) skipped.push({ contact_id: id, reason: 'not_labeled' });
        else todo.push(id);
      }
      const applied = !todo.length ? 0 : op === 'attach' ? await this.repo.attach(ctx.organizationId, labelId, todo) : await this.repo.detach(ctx.organizationId, labelId, todo);
      if (applied) await this.audit.record(ctx, { action: `label.${op}ed`, targetType: 'label', targetId: labelId, metadata: { contact_ids: todo } });
      return { applied, skipped };
    });
  }

  private async assertNameFree(ctx: TenantContext, name: string): Promise<void> {
    if (await this.repo.findByName(ctx.organizationId, name)) throw new AppError('already_exists', `A label named "${name}" already exists.`, { param: 'name' });
  }
}
