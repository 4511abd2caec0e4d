/**
 * WhatsApp's customer service window: each inbound message opens or refreshes 24 h during which any message type
 * may be sent; outside it only templates are delivered (Meta fails the rest with 131047).
 */
export const WINDOW_MS = 24 * 60 * 60 * 1000;

export function windowExpiresAt(lastInboundAt: Date | null | undefined): Date | null {
  return lastInboundAt ? new Date(lastInboundAt.getTime() + WINDOW_MS) : null;
}

/** A conversation that never had an inbound message (or no conversation at all) is closed. */
export function isWindowOpen(conversation: { windowExpiresAt: Date | null } | null | undefined, now: Date = new Date()): boolean {
  const expires = conversation?.windowExpiresAt;
  return !!expires && expires.getTime() > now.getTime();
}

/** Templates are the only type Meta delivers outside the window. */
export function needsOpenWindow(type: string): boolean {
  return type !== 'template';
}
