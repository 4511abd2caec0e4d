import type { ApiKey } from '#db';

export function presentApiKey(k: ApiKey, plaintext?: string) {
  return {
    object: 'api_key' as const,
    id: k.id,
    name: k.name,
    display_prefix: k.displayPrefix,
    mode: k.mode,
    scope: k.scope,
    last_used_at: k.lastUsedAt?.toISOString() ?? null,
    revoked_at: k.revokedAt?.toISOString() ?? null,
    created_at: k.createdAt.toISOString(),
    // Shown once, at creation.
    ...(plaintext ? { key: plaintext } : {}),
  };
}
