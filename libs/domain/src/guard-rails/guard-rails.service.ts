import { Injectable } from '@nestjs/common';
import type { TenantContext } from '../common/tenant-context.js';
import type { OrganizationSettings } from '../settings/organization-settings.js';
import { OrganizationSettingsService } from '../settings/organization-settings.service.js';
import { allowListRefusal, DAY_MS, HOUR_MS, newRecipientRefusal, recipientRateRefusal } from './guard-rails.js';
import { GuardRailsRepository } from './guard-rails.repository.js';

/**
 * Limits on what an AI assistant may send (ctx.via === 'mcp'): the organization's allow-list, messages per
 * recipient per hour and new recipients per day. Both steps run inside the send transaction, so the message row
 * that counts against the limits commits under the same locks that admitted it.
 */
@Injectable()
export class AssistantGuardRails {
  constructor(
    private readonly repo: GuardRailsRepository,
    private readonly settings: OrganizationSettingsService,
  ) {}

  /**
   * Before the recipient's contact is resolved: the allow-list, then this recipient's lock. Null for sends that
   * did not come from an assistant (no limits apply).
   */
  async enter(ctx: TenantContext, to: string): Promise<OrganizationSettings | null> {
    if (ctx.via !== 'mcp') return null;
    const settings = await this.settings.effective(ctx.organizationId);
    const refused = allowListRefusal(settings, to);
    if (refused) throw refused;
    await this.repo.lockRecipient(ctx.organizationId, to);
    return settings;
  }

  /** Once the contact is known, before the message is stored. */
  async check(
    ctx: TenantContext,
    settings: OrganizationSettings,
    to: string,
    contactId: string,
    now: Date,
  ): Promise<void> {
    const org = ctx.organizationId;
    const recent = await this.repo.assistantSendTimes(org, contactId, new Date(now.getTime() - HOUR_MS));
    const rate = recipientRateRefusal(settings, to, recent, now);
    if (rate) throw rate;
    if (await this.repo.hasConversation(org, contactId)) return;
    await this.repo.lockNewRecipients(org);
    const refused = newRecipientRefusal(
      settings,
      to,
      await this.repo.countAssistantFirstContactsSince(org, new Date(now.getTime() - DAY_MS)),
    );
    if (refused) throw refused;
  }
}
