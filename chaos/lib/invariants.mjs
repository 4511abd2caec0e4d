// The invariants of a chaos run, computed from what the sandbox saw (its send ledger) and what the product stored
// (message rows, the message.status_updated events kept as customer webhook deliveries). Pure functions: the same
// data always gives the same verdict, and chaos/invariants.selftest.mjs proves each check can fail.

/** With auto_read on and no webhook dropped, every message Meta accepted ends `read`; the rest end `failed`. */
export const TERMINAL = ['read', 'failed', 'canceled'];
const RANK = { scheduled: 0, queued: 0, sending: 0, sent: 1, delivered: 2, read: 3 };
const EVIDENCE_MAX = 20;

/**
 * @param input.messages   outbound rows of the run's organization (snake_case columns, times as Date or ISO)
 * @param input.acceptedIds ids the API answered 202 for
 * @param input.ledger     GET /_sandbox/ledger `data`
 * @param input.events     status events: { message_id, previous, status, created_at }
 * @param input.caps       { [meta phone_number_id]: messages per second }
 * @param input.faults     [{ kind, started_at, ended_at }] (epoch ms)
 * @param input.allowedFailures our error codes a message may legitimately end with under the injected faults
 */
export function evaluate({ messages, acceptedIds, ledger, events, caps, faults, allowedFailures = ['meta_retries_exhausted'] }) {
  const byId = new Map(messages.map((m) => [m.id, m]));
  const sends = groupBy(ledger.filter((e) => e.biz_opaque_callback_data), (e) => e.biz_opaque_callback_data);

  const lost = lostMessages(messages, acceptedIds, byId, sends);
  const dup = duplicates(messages, sends);
  const unknownSends = [...sends.keys()].filter((id) => !byId.has(id));
  const regressions = statusRegressions(messages, events);
  const disorderedTimes = timesOutOfOrder(messages);
  const notTerminal = messages.filter((m) => !TERMINAL.includes(m.status));
  const mismatches = outcomeMismatches(messages, sends);
  const capWindows = capViolations(ledger, caps);
  // Every injected fault is transient (5xx, timeouts, 130429, 131056, crashes): none may fail a message for good,
  // except by exhausting its retries.
  const wronglyFailed = messages.filter((m) => m.status === 'failed' && !allowedFailures.includes(m.error_code));
  const unannounced = eventGaps(messages, events);

  const checks = [
    check('lost messages (accepted, never sent, not failed)', lost.length, 0, lost),
    check('duplicate sends after a recorded outcome (not counted by the product)', dup.uncounted.total, 0, dup.uncounted.evidence),
    check('sends for ids the product does not know', unknownSends.length, 0, unknownSends.map((id) => ({ biz_opaque_callback_data: id, sends: sends.get(id) }))),
    check('status regressions', regressions.length, 0, regressions),
    check('status times out of order (sent_at ≤ delivered_at ≤ read_at)', disorderedTimes.length, 0, disorderedTimes),
    check('messages not terminal after the drain', notTerminal.length, 0, notTerminal.map(brief)),
    check('stored outcome contradicts the ledger', mismatches.length, 0, mismatches),
    check('messages failed by a transient fault', wronglyFailed.length, 0, wronglyFailed.map(brief)),
    check('one-second windows above a number\'s cap', capWindows.violations.length, 0, capWindows.violations),
    check('final statuses never announced (status event lost)', unannounced.length, 0, unannounced.map(brief)),
  ];
  return {
    checks,
    passed: checks.every((c) => c.pass),
    figures: {
      messages: messages.length,
      accepted: acceptedIds.size,
      final_status: countBy(messages, (m) => m.status),
      failed_by_code: countBy(
        messages.filter((m) => m.status === 'failed'),
        (m) => `${m.error_code}${m.meta_error_code != null ? ` (${m.meta_error_code})` : ''}`,
      ),
      ledger_sends: ledger.length,
      crash_window_duplicates: dup.crashWindow.total,
      crash_window_duplicate_evidence: dup.crashWindow.evidence,
      possible_duplicates_counted_by_product: messages.reduce((s, m) => s + (m.possible_duplicates ?? 0), 0),
      attempts: countBy(messages, (m) => String(m.attempts)),
      max_sends_per_second: capWindows.max,
      recovery: recoveryTimes(faults, ledger),
    },
  };
}

function check(name, value, limit, evidence) {
  return { name, value, limit, pass: value <= limit, evidence: evidence.slice(0, EVIDENCE_MAX) };
}

/** Accepted but never reached Meta and not failed: missing rows, and rows with no accepted send that did not fail. */
function lostMessages(messages, acceptedIds, byId, sends) {
  const out = [];
  for (const id of acceptedIds) if (!byId.has(id)) out.push({ id, problem: 'accepted (202) but no row in the database' });
  for (const m of messages) {
    if (sends.has(m.id) || m.status === 'failed' || m.status === 'canceled') continue;
    out.push({ ...brief(m), problem: RANK[m.status] > 0 ? `status ${m.status} but the sandbox never accepted a send` : 'never sent' });
  }
  return out;
}

/**
 * A message sent k > 1 times has k - 1 extra sends. The product counts a possible duplicate each time it resends a
 * message whose first send's outcome it never recorded (the crash window); any extra send beyond that count
 * happened although the outcome was known.
 */
function duplicates(messages, sends) {
  const crashWindow = { total: 0, evidence: [] };
  const uncounted = { total: 0, evidence: [] };
  for (const m of messages) {
    const s = sends.get(m.id) ?? [];
    const extra = s.length - 1;
    if (extra <= 0) continue;
    const counted = Math.min(extra, m.possible_duplicates ?? 0);
    const evidence = { ...brief(m), sends: s.map((e) => ({ wamid: e.wamid, accepted_at: e.accepted_at })) };
    if (counted > 0) {
      crashWindow.total += counted;
      crashWindow.evidence.push(evidence);
    }
    if (extra > counted) {
      uncounted.total += extra - counted;
      uncounted.evidence.push(evidence);
    }
  }
  return { crashWindow, uncounted };
}

/**
 * Statuses only move forward. Evidence from three sides: each stored event must be a forward move; a message may
 * enter or leave each status at most once (two events from `sent` mean it was back in `sent` after moving on);
 * the row may not be below the highest status an event announced.
 */
function statusRegressions(messages, events) {
  const out = [];
  const byMessage = groupBy(events, (e) => e.message_id);
  for (const m of messages) {
    const evs = byMessage.get(m.id) ?? [];
    for (const e of evs) {
      const forward = e.status === 'failed' ? e.previous !== 'read' && e.previous !== 'failed' && e.previous !== 'canceled' : RANK[e.status] > (RANK[e.previous] ?? 99);
      if (!forward) out.push({ id: m.id, problem: `event moved ${e.previous} → ${e.status}`, at: e.created_at });
    }
    const left = countBy(evs, (e) => (RANK[e.previous] === 0 ? 'pre-send' : e.previous));
    const entered = countBy(evs, (e) => e.status);
    for (const [s, n] of Object.entries(left)) if (n > 1) out.push({ id: m.id, problem: `left ${s} ${n} times`, events: evs });
    for (const [s, n] of Object.entries(entered)) if (n > 1) out.push({ id: m.id, problem: `entered ${s} ${n} times`, events: evs });
    const highest = evs.filter((e) => e.status !== 'failed').reduce((h, e) => Math.max(h, RANK[e.status] ?? 0), 0);
    if (m.status !== 'failed' && (RANK[m.status] ?? 0) < highest) out.push({ id: m.id, problem: `row is ${m.status} after an event announced a higher status`, events: evs });
  }
  return out;
}

/** The product keeps sent_at ≤ delivered_at ≤ read_at (Meta's one-second timestamps must not undercut ours). */
function timesOutOfOrder(messages) {
  const out = [];
  for (const m of messages) {
    const times = [m.sent_at, m.delivered_at, m.read_at].map((t) => (t ? new Date(t).getTime() : null));
    const disordered = times.some((a, i) => a !== null && times.slice(i + 1).some((b) => b !== null && a > b));
    if (disordered) out.push({ id: m.id, sent_at: iso(times[0]), delivered_at: iso(times[1]), read_at: iso(times[2]) });
  }
  return out;
}

/**
 * The stored outcome must agree with Meta's side: a message Meta accepted (and did not fail asynchronously) is not
 * `failed`, and a sent message's wamid is one of the sends Meta accepted for it.
 */
function outcomeMismatches(messages, sends) {
  const out = [];
  for (const m of messages) {
    const s = sends.get(m.id) ?? [];
    if (m.status === 'failed' && s.some((e) => e.async_error_code === undefined || e.async_error_code === null))
      out.push({ ...brief(m), problem: 'failed, although Meta accepted a send', sends: s });
    if (RANK[m.status] > 0 && m.wamid && s.length && !s.some((e) => e.wamid === m.wamid)) out.push({ ...brief(m), problem: 'wamid is none of the accepted sends', sends: s });
  }
  return out;
}

/** Per number, the most sends Meta accepted in any one-second window (sliding), against the number's cap. */
export function capViolations(ledger, caps) {
  const violations = [];
  const max = {};
  for (const [number, entries] of groupBy(ledger, (e) => e.phone_number_id)) {
    const sorted = entries.map((e) => ({ t: Date.parse(e.accepted_at), id: e.biz_opaque_callback_data })).sort((a, b) => a.t - b.t);
    let best = 0;
    let bestFrom = 0;
    for (let i = 0, j = 0; i < sorted.length; i++) {
      while (sorted[i].t - sorted[j].t >= 1000) j++;
      if (i - j + 1 > best) [best, bestFrom] = [i - j + 1, j];
    }
    max[number] = { max_in_one_second: best, cap: caps[number] ?? null };
    if (caps[number] !== undefined && best > caps[number]) {
      const window = sorted.slice(bestFrom, bestFrom + best);
      violations.push({
        phone_number_id: number,
        cap: caps[number],
        sends: best,
        window_start: iso(window[0].t),
        // Offsets of the sends within the window: how much closer than the pacing interval they arrived.
        offsets_ms: window.map((w) => w.t - window[0].t),
        messages: window.map((w) => w.id),
      });
    }
  }
  return { violations, max };
}

/**
 * Messages whose stored status events (customer webhook deliveries) never announce their final status: an event lost
 * between the change and its record. Events commit with the change (DomainEvents), so there must be none.
 */
function eventGaps(messages, events) {
  const byMessage = groupBy(events, (e) => e.message_id);
  return messages.filter((m) => RANK[m.status] > 0 || m.status === 'failed').filter((m) => !(byMessage.get(m.id) ?? []).some((e) => e.status === m.status));
}

/**
 * From the 202 to the first send Meta accepted, per message: where a fault left messages waiting (the slowest ones
 * name the messages to look at in the logs).
 */
export function sendLatency(requests, ledger) {
  const first = new Map();
  for (const e of ledger) {
    const t = Date.parse(e.accepted_at);
    const id = e.biz_opaque_callback_data;
    if (id && !(first.get(id) <= t)) first.set(id, t);
  }
  const samples = requests
    .filter((r) => r.outcome === 'accepted' && first.has(r.id))
    .map((r) => ({ id: r.id, ms: first.get(r.id) - r.acceptedAt }))
    .sort((a, b) => a.ms - b.ms);
  const q = (p) => (samples.length ? samples[Math.min(samples.length - 1, Math.floor(p * samples.length))].ms : null);
  return { p50_ms: q(0.5), p95_ms: q(0.95), max_ms: samples.at(-1)?.ms ?? null, slowest: samples.slice(-5).reverse() };
}

/**
 * The longest stretches without a single send while messages were waiting (accepted before the stretch began,
 * first sent after it ended): what "time to the first send" does not show when a fault stalls only part of the work
 * and then all of it. Each with the faults that can explain it.
 */
export function sendStalls(requests, ledger, faults, top = 3) {
  const times = ledger.map((e) => Date.parse(e.accepted_at)).sort((a, b) => a - b);
  const first = new Map();
  for (const e of ledger) {
    const t = Date.parse(e.accepted_at);
    if (!(first.get(e.biz_opaque_callback_data) <= t)) first.set(e.biz_opaque_callback_data, t);
  }
  const waiting = requests.filter((r) => r.outcome === 'accepted' && first.has(r.id)).map((r) => [r.acceptedAt, first.get(r.id)]);
  const stalls = [];
  for (let i = 1; i < times.length; i++) {
    const [from, to] = [times[i - 1], times[i]];
    if (to - from < 1_000 || !waiting.some(([acc, sent]) => acc <= from && sent >= to)) continue;
    // The faults that can explain it: inflicted during the stretch or ending in the minute before it (a killed
    // worker's jobs stay locked for BullMQ's lock duration plus a stalled-check interval, 30 s + up to 30 s).
    const suspects = faults.filter((f) => f.started_at <= to && f.ended_at >= from - 60_000).sort((a, b) => b.ended_at - a.ended_at);
    const named = suspects.slice(0, 3).map((f) => `${f.kind}${f.kind.includes('worker') ? ` ${f.target}` : ''} ${((from - f.ended_at) / 1000).toFixed(1)} s before`);
    stalls.push({ from: iso(from), ms: to - from, faults: named.join('; ') || null });
  }
  return stalls.sort((a, b) => b.ms - a.ms).slice(0, top);
}

/** Time from the end of each fault to the first send Meta accepted after it. */
export function recoveryTimes(faults, ledger) {
  const times = ledger.map((e) => Date.parse(e.accepted_at)).sort((a, b) => a - b);
  return faults.map((f) => {
    const next = times.find((t) => t >= f.ended_at);
    return { ...f, started_at: iso(f.started_at), ended_at: iso(f.ended_at), recovery_ms: next === undefined ? null : next - f.ended_at };
  });
}

function brief(m) {
  return { id: m.id, status: m.status, attempts: m.attempts, possible_duplicates: m.possible_duplicates, error_code: m.error_code ?? null, wamid: m.wamid ?? null };
}

function iso(ms) {
  return ms === undefined || ms === null ? null : new Date(ms).toISOString();
}

function groupBy(items, key) {
  const map = new Map();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}

function countBy(items, key) {
  const out = {};
  for (const item of items) {
    const k = key(item);
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}
