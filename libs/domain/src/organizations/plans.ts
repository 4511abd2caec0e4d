/** Plan limits. Organizations may override the per-minute rates (Organization.rateLimit*PerMinute). */
export const PLANS = {
  free: { writesPerMinute: 60, readsPerMinute: 600, phoneNumbers: 2 },
  pro: { writesPerMinute: 600, readsPerMinute: 6000, phoneNumbers: 20 },
  enterprise: { writesPerMinute: 6000, readsPerMinute: 60000, phoneNumbers: 500 },
} as const;

export type PlanName = keyof typeof PLANS;

export interface OrganizationLimits {
  writesPerMinute: number;
  readsPerMinute: number;
  phoneNumbers: number;
}

export function limitsFor(org: {
  plan: string;
  rateLimitWritesPerMinute: number | null;
  rateLimitReadsPerMinute: number | null;
}): OrganizationLimits {
  const plan = PLANS[org.plan as PlanName] ?? PLANS.free;
  return {
    writesPerMinute: org.rateLimitWritesPerMinute ?? plan.writesPerMinute,
    readsPerMinute: org.rateLimitReadsPerMinute ?? plan.readsPerMinute,
    phoneNumbers: plan.phoneNumbers,
  };
}
