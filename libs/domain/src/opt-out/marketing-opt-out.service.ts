import { Injectable } from '@nestjs/common';
import type { Contact } from '#db';
import type { TenantContext } from '../common/tenant-context.js';
import { ContactsService, type ContactResolution } from '../contacts/contacts.service.js';
import { OrganizationSettingsService } from '../settings/organization-settings.service.js';
import { keywordIntent } from './marketing-opt-out.js';

/** Opt-out and opt-in keywords in inbound messages, applied to the sender's contact. */
@Injectable()
export class MarketingOptOutService {
  constructor(
    private readonly settings: OrganizationSettingsService,
    private readonly contacts: ContactsService,
  ) {}

  /**
   * Runs inside the ingest transaction of a newly stored inbound message (a redelivered one is not stored again,
   * so a keyword counts once). Returns what changed for the caller to emit after its commit, or null.
   */
  async applyInbound(
    ctx: TenantContext,
    contact: Contact,
    message: { id: string; type: string; content: unknown; at: Date },
  ): Promise<ContactResolution | null> {
    if (message.type !== 'text' && message.type !== 'button') return null;
    const match = keywordIntent(message.type, message.content, await this.settings.effective(ctx.organizationId));
    if (!match) return null;
    return this.contacts.setMarketingOptOut(ctx, contact.id, match.intent === 'opt_out', message.at, {
      reason: 'keyword',
      keyword: match.keyword,
      message_id: message.id,
    });
  }
}
