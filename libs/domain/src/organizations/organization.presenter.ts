import type { Organization } from '#db';
import type { OrganizationLimits } from './plans.js';

/** The wire shape shared by REST (`GET /v1/me`) and MCP (`get_project_info`). */
export function presentOrganization(org: Organization, limits: OrganizationLimits, extra: { phone_numbers_count?: number } = {}) {
  return {
    object: 'organization' as const,
    id: org.id,
    name: org.name,
    plan: org.plan,
    limits: {
      writes_per_minute: limits.writesPerMinute,
      reads_per_minute: limits.readsPerMinute,
      phone_numbers: limits.phoneNumbers,
    },
    ...extra,
    created_at: org.createdAt.toISOString(),
  };
}
