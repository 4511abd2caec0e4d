#!/usr/bin/env node
// Summarizes a V8 .cpuprofile: self time per function and per package (node_modules/<pkg> or our own source).
//   node bench/profile/top-self-time.mjs /tmp/prof/CPU.*.cpuprofile [rows]
import fs from 'node:fs';

const [file, rowsArg] = process.argv.slice(2);
const prof = JSON.parse(fs.readFileSync(file, 'utf8'));
const dt = new Map();
for (let i = 0; i < prof.samples.length; i++) dt.set(prof.samples[i], (dt.get(prof.samples[i]) ?? 0) + (prof.timeDeltas[i] ?? 0));
const total = [...dt.values()].reduce((a, b) => a + b, 0);
const byFn = new Map();
const byPkg = new Map();
for (const node of prof.nodes) {
  const t = dt.get(node.id) ?? 0;
  const { functionName, url, lineNumber } = node.callFrame;
  const fn = `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(dist|apps|libs)\//, '$1/')}:${lineNumber + 1}`;
  byFn.set(fn, (byFn.get(fn) ?? 0) + t);
  const pkg = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url)?.[1] ?? (url.includes('/dist/') ? 'our code' : url.startsWith('node:') ? 'node core' : functionName.startsWith('(') ? functionName : url ? 'other' : 'native/gc');
  byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + t);
}
// Inclusive time of our own functions (dist/): which product steps the time is spent under.
const parent = new Map();
for (const node of prof.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
const nodeById = new Map(prof.nodes.map((n) => [n.id, n]));
const inclusive = new Map();
for (const [id, t] of dt) {
  const names = new Set();
  for (let n = id; n !== undefined; n = parent.get(n)) {
    const { functionName, url, lineNumber } = nodeById.get(n).callFrame;
    if (url.includes('/dist/')) names.add(`${functionName || '(anonymous)'} ${url.replace(/^.*\/dist\//, '')}:${lineNumber + 1}`);
  }
  for (const name of names) inclusive.set(name, (inclusive.get(name) ?? 0) + t);
}
const pct = (t) => `${((100 * t) / total).toFixed(1)}%`;
const top = (m, n) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, t]) => `${pct(t).padStart(6)}  ${k}`).join('\n');
console.log(`total ${(total / 1000).toFixed(0)} ms\n\nby package:\n${top(byPkg, 15)}\n\nby function (self):\n${top(byFn, Number(rowsArg ?? 30))}\n\nour functions (inclusive):\n${top(inclusive, Number(rowsArg ?? 30))}`);
