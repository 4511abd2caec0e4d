import { Injectable, Logger } from '@nestjs/common';
import { PrismaService } from '#db';
import { AppError } from '../common/app-error.js';
import type { TenantContext } from '../common/tenant-context.js';
import { AuditService } from '../audit/audit.service.js';
import { ContactErasureRepository, type ErasureCounts } from './contact-erasure.repository.js';

export interface ErasureResult {
  contactId: string;
  erased: ErasureCounts & { rawPayloads: number };
}

/**
 * A person's right to erasure: the contact and everything stored about them — conversations, messages, notes,
 * label links, the media they sent, broadcast recipient rows, customer webhook deliveries naming them — go in one
 * transaction. The audit trail keeps one row with the contact id only, and the older rows about them lose their
 * metadata. Processed raw Meta payloads naming them are deleted right after (best effort; retention removes any
 * left within days).
 */
@Injectable()
export class ContactErasureService {
  private readonly logger = new Logger('ContactErasure');

  constructor(
    private readonly repo: ContactErasureRepository,
    private readonly audit: AuditService,
    private readonly prisma: PrismaService,
  ) {}

  async erase(ctx: TenantContext, contactId: string): Promise<ErasureResult> {
    const { counts, identity } = await this.prisma.transaction(async () => {
      const contact = await this.repo.findContact(ctx.organizationId, contactId);
      if (!contact) throw AppError.notFound('contact', contactId);
      const counts = await this.repo.erase(ctx.organizationId, contact);
      await this.audit.record(ctx, {
        action: 'contact.erased',
        targetType: 'contact',
        targetId: contactId,
        metadata: { ...counts },
      });
      return { counts, identity: contact.waId ?? contact.userId };
    });
    let rawPayloads = 0;
    if (identity)
      rawPayloads = await this.repo.deleteRawPayloadsNaming(ctx.organizationId, identity).catch((err: unknown) => {
        this.logger.warn(
          { contactId, err: String(err) },
          'raw payloads naming an erased contact were not deleted; retention will remove them',
        );
        return 0;
      });
    return { contactId, erased: { ...counts, rawPayloads } };
  }
}
