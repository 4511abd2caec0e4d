import type { MetaRetry } from '#whatsapp';

/** Sends to Meta per message before it fails with meta_retries_exhausted (claims counted in Message.attempts). */
export const MAX_SEND_ATTEMPTS = 8;

/**
 * How long a message waits before its next try, by the kind of Meta error (WHATSAPP.md): the number's throughput
 * refills within a second; the pair rate allows about one message per 6 s to a recipient; the spam limit calls for
 * minutes; anything transient backs off exponentially. Jittered so messages failing together do not retry together.
 */
export function retryDelayMs(retry: Exclude<MetaRetry, 'none'>, attempt: number, random: () => number = Math.random): number {
  const n = Math.max(1, attempt);
  switch (retry) {
    case 'number_throttle':
      return 1_000 + Math.floor(random() * 1_000);
    case 'recipient_throttle':
      return 6_000 + Math.floor(random() * 3_000);
    case 'hard_backoff': {
      const ceiling = Math.min(30 * 60_000, 5 * 60_000 * 2 ** (n - 1));
      return Math.floor(ceiling / 2 + random() * (ceiling / 2));
    }
    case 'backoff': {
      const ceiling = Math.min(60_000, 1_000 * 2 ** (n - 1));
      return Math.floor(ceiling / 2 + random() * (ceiling / 2));
    }
  }
}

/** Per-recipient order: how long a message waits for an earlier one of its conversation still on its way. */
export function orderWaitMs(earlier: { status: string; nextAttemptAt: Date | null }, now: Date): number {
  if (earlier.status === 'queued' && earlier.nextAttemptAt && earlier.nextAttemptAt > now)
    return Math.min(60_000, earlier.nextAttemptAt.getTime() - now.getTime() + 50);
  return 250;
}
