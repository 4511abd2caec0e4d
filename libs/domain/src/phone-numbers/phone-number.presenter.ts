import type { PhoneNumber } from '#db';

/** The wire shape of a phone number. Credentials never leave the service: neither the token nor the app secret. */
export function presentPhoneNumber(p: PhoneNumber) {
  return {
    object: 'phone_number' as const,
    id: p.id,
    phone_number_id: p.metaPhoneNumberId,
    waba_id: p.wabaId,
    display_phone_number: p.displayPhoneNumber,
    verified_name: p.verifiedName,
    quality_rating: p.qualityRating,
    throughput_per_second: p.throughputPerSecond,
    status: p.status,
    is_sandbox: p.isSandbox,
    paused_reason: p.pausedReason,
    has_own_app_secret: p.appSecretEnc !== null,
    created_at: p.createdAt.toISOString(),
    updated_at: p.updatedAt.toISOString(),
    disconnected_at: p.disconnectedAt?.toISOString() ?? null,
  };
}
