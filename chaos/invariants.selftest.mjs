#!/usr/bin/env node
// Proves that every chaos invariant can fail: a clean synthetic run passes, and each planted defect (a lost message,
// an uncounted duplicate, a regression, a stuck message, a contradicting outcome, a cap breach, a lost status event) fails exactly the
// check meant to catch it. Runs first in `npm run test:chaos`; no services needed.
import assert from 'node:assert/strict';
import { evaluate, sendStalls } from './lib/invariants.mjs';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const at = (ms) => new Date(T0 + ms).toISOString();

function cleanRun() {
  const messages = [];
  const ledger = [];
  const events = [];
  for (let i = 0; i < 10; i++) {
    const id = `msg_${String(i).padStart(4, '0')}`;
    const wamid = `wamid.${i}`;
    messages.push({ id, status: 'read', wamid, attempts: 1, possible_duplicates: 0, sent_at: at(i * 300 + 10), delivered_at: at(i * 300 + 20), read_at: at(i * 300 + 30) });
    ledger.push({ wamid, phone_number_id: '100', to: '62811', biz_opaque_callback_data: id, accepted_at: at(i * 300) });
    events.push({ message_id: id, previous: 'sending', status: 'sent' }, { message_id: id, previous: 'sent', status: 'delivered' }, { message_id: id, previous: 'delivered', status: 'read' });
  }
  return { messages, acceptedIds: new Set(messages.map((m) => m.id)), ledger, events, caps: { 100: 5 }, faults: [{ kind: 'worker_kill', started_at: T0 + 500, ended_at: T0 + 500 }] };
}

const failing = (input) => evaluate(input).checks.filter((c) => !c.pass).map((c) => c.name);
const only = (input, fragment) => {
  const names = failing(input);
  assert.equal(names.length, 1, `expected only "${fragment}" to fail, got: ${JSON.stringify(names)}`);
  assert.match(names[0], new RegExp(fragment));
};

const clean = evaluate(cleanRun());
assert.equal(clean.passed, true, JSON.stringify(clean.checks.filter((c) => !c.pass)));
assert.equal(clean.figures.recovery[0].recovery_ms, 100);

// A message accepted but never sent, still queued: lost, and not terminal.
let r = cleanRun();
r.ledger = r.ledger.filter((e) => e.biz_opaque_callback_data !== 'msg_0003');
Object.assign(r.messages[3], { status: 'queued', wamid: null, sent_at: null, delivered_at: null, read_at: null });
r.events = r.events.filter((e) => e.message_id !== 'msg_0003');
assert.deepEqual(failing(r).sort(), ['lost messages (accepted, never sent, not failed)', 'messages not terminal after the drain'].sort());

// A row the API acknowledged that the database does not have.
r = cleanRun();
r.acceptedIds.add('msg_9999');
only(r, '^lost messages');

// A row marked read although Meta never accepted it.
r = cleanRun();
r.ledger = r.ledger.filter((e) => e.biz_opaque_callback_data !== 'msg_0004');
only(r, '^lost messages');

// Sent twice, the product counted nothing: uncounted duplicate. Counted once: a crash-window duplicate only.
r = cleanRun();
r.ledger.push({ ...r.ledger[5], wamid: 'wamid.5b', accepted_at: at(5_000) });
only(r, '^duplicate sends');
r.messages[5].possible_duplicates = 1;
assert.equal(evaluate(r).passed, true);
assert.equal(evaluate(r).figures.crash_window_duplicates, 1);

// read → delivered, seen three ways: a backward event, a status entered twice, a row below its highest event.
r = cleanRun();
r.events.push({ message_id: 'msg_0006', previous: 'read', status: 'delivered' });
only(r, '^status regressions');
r = cleanRun();
r.messages[6].status = 'delivered';
assert.deepEqual(failing(r).sort(), ['messages not terminal after the drain', 'status regressions']);
r = cleanRun();
r.events.push({ message_id: 'msg_0006', previous: 'sent', status: 'read' });
only(r, '^status regressions');

// delivered_at after read_at: the status never moved back, but the stored times contradict its order.
r = cleanRun();
r.messages[7].delivered_at = at(99_999);
only(r, '^status times out of order');

// Failed although Meta accepted it.
r = cleanRun();
Object.assign(r.messages[8], { status: 'failed', error_code: 'meta_retries_exhausted', read_at: null, delivered_at: null });
r.events = r.events.filter((e) => !(e.message_id === 'msg_0008' && e.status !== 'sent'));
r.events.push({ message_id: 'msg_0008', previous: 'sent', status: 'failed' });
only(r, '^stored outcome');

// Failed before any send because of a transient fault (not retries exhausted); retries exhausted is allowed.
r = cleanRun();
r.ledger = r.ledger.filter((e) => e.biz_opaque_callback_data !== 'msg_0009');
r.events = r.events.filter((e) => e.message_id !== 'msg_0009');
Object.assign(r.messages[9], { status: 'failed', wamid: null, attempts: 0, error_code: 'meta_invalid_parameter', sent_at: null, delivered_at: null, read_at: null });
r.events.push({ message_id: 'msg_0009', previous: 'queued', status: 'failed' });
only(r, '^messages failed by a transient fault');
r.messages[9].error_code = 'meta_retries_exhausted';
assert.equal(evaluate(r).passed, true);

// Six sends within one second on a number capped at 5.
r = cleanRun();
for (let i = 0; i < 6; i++) r.ledger[i].accepted_at = at(10_000 + i * 150);
only(r, 'cap');

// Read, but the event announcing read was never recorded (delivered is the last one stored).
r = cleanRun();
r.events = r.events.filter((e) => !(e.message_id === 'msg_0002' && e.status === 'read'));
only(r, '^final statuses never announced');

// A send for an id the product never stored.
r = cleanRun();
r.ledger.push({ wamid: 'wamid.x', phone_number_id: '100', to: '62811', biz_opaque_callback_data: 'msg_unknown', accepted_at: at(20_000) });
only(r, '^sends for ids');

// A 3-second gap without sends while a message waited is a stall; the same gap with nothing waiting is not.
const ledger = [0, 200, 3_200, 3_400].map((t, i) => ({ biz_opaque_callback_data: `m${i}`, accepted_at: at(t) }));
const requests = ledger.map((e, i) => ({ id: e.biz_opaque_callback_data, outcome: 'accepted', acceptedAt: T0 + (i === 2 ? 100 : i * 200) }));
const stalls = sendStalls(requests, ledger, [{ kind: 'redis_restart', target: 'r', started_at: T0, ended_at: T0 + 150 }]);
assert.equal(stalls.length, 1);
assert.equal(stalls[0].ms, 3_000);
assert.match(stalls[0].faults, /^redis_restart/);
requests[2].acceptedAt = T0 + 3_100;
assert.equal(sendStalls(requests, ledger, []).length, 0);

console.log('chaos invariants self-test: every check passes on a clean run and fails on its planted defect');
