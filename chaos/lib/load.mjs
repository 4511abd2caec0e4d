// The load: N text messages through POST /v1/messages, paced, spread over the numbers and recipients, alternating
// the two api processes. Each carries a unique marker in its body, so a row created by a request whose answer was
// lost can still be told apart from the others.
import { setTimeout as sleep } from 'node:timers/promises';
import { sendWithRetries } from './http.mjs';

const IN_FLIGHT_MAX = 32;
/** How long a client keeps retrying one send (through a Redis or PostgreSQL outage) before it gives up. */
const CLIENT_DEADLINE_MS = 120_000;

export function markerOf(runId, i) {
  return `chaos ${runId} #${i}`;
}

/**
 * Sends `count` messages starting at `from`, at `perSecond`, and resolves with one result per request:
 * { index, marker, outcome, id?, status, tries }.
 */
export async function sendMessages({ apis, key, runId, recipients, from = 0, count, perSecond, onProgress }) {
  const results = [];
  let inFlight = 0;
  const started = Date.now();
  const pending = [];
  for (let n = 0; n < count; n++) {
    const i = from + n;
    await sleep(Math.max(0, started + (n * 1000) / perSecond - Date.now()));
    while (inFlight >= IN_FLIGHT_MAX) await sleep(10);
    inFlight++;
    const r = recipients[i % recipients.length];
    const marker = markerOf(runId, i);
    const body = { phone_number_id: r.phoneNumberId, to: r.phone, type: 'text', text: { body: marker } };
    pending.push(
      sendWithRetries(apis.map((a) => a.url), key, body, `${runId}-${i}`, CLIENT_DEADLINE_MS, (tries, bases) => bases[(i + tries) % bases.length])
        .then((res) => {
          results.push({ index: i, marker, outcome: res.outcome, id: res.body?.id, status: res.status, tries: res.tries, api: res.base, acceptedAt: res.acceptedAt, error: res.outcome === 'accepted' ? undefined : res.body });
        })
        .finally(() => {
          inFlight--;
          onProgress?.(results.length);
        }),
    );
  }
  await Promise.all(pending);
  return results.sort((a, b) => a.index - b.index);
}
