import type { Label } from '#db';

export function presentLabel(l: Label) {
  return { object: 'label' as const, id: l.id, name: l.name, color: l.color, created_at: l.createdAt.toISOString(), updated_at: l.updatedAt.toISOString() };
}
