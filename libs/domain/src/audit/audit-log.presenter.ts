import type { AuditLog } from '#db';

export function presentAuditLog(a: AuditLog) {
  return {
    object: 'audit_log' as const,
    id: a.id,
    actor: { type: a.actorType, id: a.actorId },
    action: a.action,
    target: a.targetId ? { type: a.targetType, id: a.targetId } : null,
    metadata: a.metadata,
    request_id: a.requestId,
    created_at: a.createdAt.toISOString(),
  };
}
