import type { OrganizationSettings } from './organization-settings.js';

/** GET/PATCH /v1/settings: every setting with its effective value (defaults filled in). */
export function presentSettings(organizationId: string, s: OrganizationSettings, updatedAt: Date | null) {
  return {
    object: 'settings' as const,
    organization_id: organizationId,
    mcp_max_messages_per_recipient_per_hour: s.mcpMaxMessagesPerRecipientPerHour,
    mcp_max_new_recipients_per_day: s.mcpMaxNewRecipientsPerDay,
    mcp_recipient_allow_list: s.mcpRecipientAllowList,
    opt_out_keywords: s.optOutKeywords,
    opt_in_keywords: s.optInKeywords,
    updated_at: updatedAt?.toISOString() ?? null,
  };
}
