import type { Contact, ContactNote } from '#db';

/** The contact's wire shape (REST, MCP detailed results, realtime and webhook payloads). */
export function presentContact(c: Contact) {
  return {
    object: 'contact' as const,
    id: c.id,
    phone: c.phone,
    wa_id: c.waId,
    user_id: c.userId,
    name: c.name,
    profile_name: c.profileName,
    email: c.email,
    metadata: (c.metadata ?? {}) as Record<string, unknown>,
    opted_out: c.optedOut,
    opted_out_at: c.optedOutAt?.toISOString() ?? null,
    created_at: c.createdAt.toISOString(),
    updated_at: c.updatedAt.toISOString(),
  };
}

export function presentContactNote(n: ContactNote) {
  return {
    object: 'contact_note' as const,
    id: n.id,
    contact_id: n.contactId,
    body: n.body,
    author_key_id: n.authorKeyId,
    created_at: n.createdAt.toISOString(),
  };
}
