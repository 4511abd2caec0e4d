// The summary printed at the end of a run: the checks (PASS/FAIL with evidence for failures), then the figures.

const EVIDENCE_SHOWN = 5;

function table(headers, rows) {
  const cells = [headers, ...rows].map((r) => r.map((c) => String(c ?? '—')));
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(cells[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.slice(1).map(line)].join('\n');
}

/** The summary as text (the caller prints it and keeps it beside the JSON). */
export function summaryText(report, file) {
  const f = report.figures;
  const out = [];
  out.push(`\n== chaos run ${report.run_id} (${report.options.size}: ${report.options.messages} messages, seed ${report.options.seed}, ${report.wall_s} s)`);
  out.push(table(['invariant', 'value', 'limit', 'result'], report.checks.map((c) => [c.name, c.value, c.limit, c.pass ? 'PASS' : 'FAIL'])));

  out.push('\nfaults and recovery (fault end → first send Meta accepted after it)');
  out.push(table(['fault', 'target', 'ended at', 'recovery ms'], f.recovery.map((r) => [r.kind, r.target, r.ended_at.slice(11, 23), r.recovery_ms])));

  if (f.send_stalls.length) {
    out.push('\nlongest stretches with messages waiting and no send at all');
    out.push(table(['from', 'ms', 'faults during or ≤ 60 s before'], f.send_stalls.map((x) => [x.from.slice(11, 23), x.ms, x.faults])));
  }

  out.push('\nfigures');
  const caps = Object.entries(f.max_sends_per_second).map(([n, v]) => `${n}: ${v.max_in_one_second}/${v.cap}`).join(', ');
  out.push(
    table(
      ['figure', 'value'],
      [
        ['messages (rows) / accepted (202)', `${f.messages} / ${f.accepted}`],
        ['final status', JSON.stringify(f.final_status)],
        ['failed by code', JSON.stringify(f.failed_by_code)],
        ['sends in the sandbox ledger', f.ledger_sends],
        ['sends the sandbox refused (faults, limits)', f.sandbox_rejected_sends],
        ['crash-window duplicates (reported)', `${f.crash_window_duplicates} (product counted ${f.possible_duplicates_counted_by_product} possible)`],
        ['attempts per message', JSON.stringify(f.attempts)],
        ['client tries per request', JSON.stringify(f.client_tries)],
        ['rows created for a request whose answer was lost', f.rows_without_an_answer],
        ['max sends in one second per number (max/cap)', caps],
        ['drain time', `${(f.drain_ms / 1000).toFixed(1)} s`],
        ['sandbox answer time to a trivial admin call (its event-loop lag: the ledger\'s clock jitter)', `p50 ${f.sandbox_lag.p50_ms} ms, p99 ${f.sandbox_lag.p99_ms} ms, max ${f.sandbox_lag.max_ms} ms`],
        ['202 → Meta accepted (chaos phase)', `p50 ${f.send_latency.p50_ms} ms, p95 ${f.send_latency.p95_ms} ms, max ${f.send_latency.max_ms} ms`],
        ['customer webhooks still pending (lease after a cut attempt)', f.customer_webhooks_pending_at_end],
        ['sandbox webhooks', JSON.stringify(f.sandbox_webhooks)],
        ['customer webhooks received', JSON.stringify(f.customer_webhooks_received)],
        ['realtime during chaos (created/read seen of N)', f.realtime_during_chaos.map((d) => `${d.dashboard}: ${d.created_seen}/${d.read_seen} of ${d.of}`).join('; ')],
        ['rate limit burst', `${f.rate_limit.admitted} of ${f.rate_limit.requests} admitted (per api ${f.rate_limit.admitted_per_api.join('+')}), limit ${f.rate_limit.limit_per_minute}/min, ${f.rate_limit.burst_ms} ms`],
        ['realtime calm check', f.realtime_calm.dashboards.map((d) => `${d.dashboard}: missing ${d.created_missing} created, ${d.read_missing} read`).join('; ')],
      ],
    ),
  );

  for (const c of report.checks.filter((x) => !x.pass)) {
    out.push(`\nFAIL ${c.name}: ${c.value} (limit ${c.limit}); evidence:`);
    for (const e of c.evidence.slice(0, EVIDENCE_SHOWN)) out.push(`  ${JSON.stringify(e)}`);
  }
  out.push(`\n${report.passed ? 'PASS' : 'FAIL'}: every invariant ${report.passed ? 'held' : 'did not hold'}. Results: ${file}  Logs: ${report.logs}`);
  return out.join('\n');
}
