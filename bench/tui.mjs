// TUI redraw benchmark (issue 17 item 9): how long a key takes to reach the screen, and how
// much is written per redraw, with 500 items (and more, to show the cost does not grow with
// the list). The app from dist/ renders through ink into a fake terminal of 120x40; each key
// is timed from stdin to the frame written to stdout.
//
//   npm run build && node bench/tui.mjs [items=500,10000,100000]
//
// Figures are printed, never asserted: the machine is shared.
import { EventEmitter } from 'node:events';
import React from 'react';
import { render } from 'ink';
import { TriageApp } from '../dist/ui/triage-app.js';
import { fmt, table } from './lib.mjs';

const COUNTS = (process.argv[2] ?? '5,500,10000,100000').split(',').map(Number);
const KEYS = 200;

class Stdin extends EventEmitter {
  isTTY = true;
  data = null;
  write(d) {
    this.data = d;
    this.emit('readable');
    this.emit('data', d);
  }
  read() {
    const d = this.data;
    this.data = null;
    return d;
  }
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
}

class Stdout extends EventEmitter {
  isTTY = true;
  columns = 120;
  rows = 40;
  writes = [];
  write(s) {
    this.writes.push(s);
    this.emit('frame');
    return true;
  }
}

function items(n) {
  const kinds = ['amount_mismatch', 'missing_in_ledger', 'missing_in_psp', 'currency_mismatch', 'payout_not_deposited'];
  return Array.from({ length: n }, (_, i) => {
    const kind = kinds[i % kinds.length];
    return {
      id: i + 1,
      kind,
      severity: ['low', 'medium', 'high'][i % 3],
      reason: `no ledger entry books ch_${i} (charge ${(i % 900) + 1}.00 EUR, reference ORD-${i}) by PSP reference, reference, or amount within 3 days`,
      currency: kind === 'currency_mismatch' ? null : 'EUR',
      reference: `ORD-${i}`,
      psp: { id: `ch_${i}`, amount: `${(i % 900) + 1}.00`, source: 'stripe', file: '/in/stripe.csv', line: i + 2 },
      ledger: null,
      difference: kind === 'currency_mismatch' ? null : `${(i % 900) + 1}.${String(i % 100).padStart(2, '0')}`,
      status: i % 7 === 0 ? 'acknowledged' : 'open',
      note: null,
      resolved_by: null,
      resolved_at: null,
      first_seen_run: 1,
      age_days: i % 60,
      reason_code: null,
      assignee: i % 11 === 0 ? 'ana' : null,
      version: 1,
      proposal: null,
    };
  });
}

/** Press `key` and wait for the frame it causes; return ms and the bytes written. */
function press(stdin, stdout, key) {
  return new Promise((resolve) => {
    const from = stdout.writes.length;
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    stdout.once('frame', () => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      const c = process.cpuUsage(c0);
      // Ink may write the frame in more than one call: collect what arrives within the tick.
      setImmediate(() => resolve({ ms, cpu: (c.user + c.system) / 1000, bytes: stdout.writes.slice(from).reduce((n, w) => n + Buffer.byteLength(w), 0) }));
    });
    stdin.write(key);
  });
}

const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

async function run(n, incremental) {
  const stdin = new Stdin();
  const stdout = new Stdout();
  const t0 = process.hrtime.bigint();
  const app = render(React.createElement(TriageApp, { items: items(n), onChange: () => [], colour: false }), {
    stdin,
    stdout,
    stderr: stdout,
    patchConsole: false,
    exitOnCtrlC: false,
    incrementalRendering: incremental,
  });
  await new Promise((r) => (stdout.writes.length ? r() : stdout.once('frame', r)));
  const first = Number(process.hrtime.bigint() - t0) / 1e6;
  const frame = stdout.writes.join('');
  const lines = frame.split('\n').length;
  // j/k move one row (past the middle of the window every key scrolls the list by one row);
  // G and g alternate between the ends, so every row of the screen changes.
  const timed = async (key) => {
    await new Promise((r) => setTimeout(r, 40)); // beyond ink's 30 fps throttle: each key its own frame
    return press(stdin, stdout, key);
  };
  const steps = [];
  // Down, and back up at the end: a key that changes nothing would draw no frame to time.
  for (let i = 0, at = 0, dir = 1; i < KEYS; i++) {
    if (at + dir < 0 || at + dir >= n) dir = -dir;
    at += dir;
    steps.push(await timed(dir > 0 ? 'j' : 'k'));
  }
  const jumps = [];
  for (let i = 0; i < KEYS / 4; i++) jumps.push(await timed(i % 2 ? 'g' : 'G'));
  const sorts = [];
  for (let i = 0; i < 8; i++) sorts.push(await timed('s'));
  app.unmount();
  const ms = (xs) => xs.map((m) => m.ms);
  const cpu = (xs) => xs.map((m) => m.cpu);
  const bytes = (xs) => pct(xs.map((m) => m.bytes), 50);
  return { n, incremental, first, lines, step: ms(steps), stepCpu: cpu(steps), jumpCpu: cpu(jumps), stepBytes: bytes(steps), jump: ms(jumps), jumpBytes: bytes(jumps), sort: ms(sorts) };
}

const rows = [['items', 'incremental', 'first frame ms', 'lines', 'j/k: p50 ms', 'p95 ms', 'cpu ms', 'bytes', 'G/g: p50 ms', 'p95 ms', 'cpu ms', 'bytes', 's: p50 ms', 'max ms']];
for (const n of COUNTS) {
  for (const incremental of [false, true]) {
    const r = await run(n, incremental);
    rows.push([
      n.toLocaleString('en-US'),
      incremental ? 'yes' : 'no',
      fmt(r.first, 1),
      String(r.lines),
      fmt(pct(r.step, 50)),
      fmt(pct(r.step, 95)),
      fmt(pct(r.stepCpu, 50)),
      String(r.stepBytes),
      fmt(pct(r.jump, 50)),
      fmt(pct(r.jump, 95)),
      fmt(pct(r.jumpCpu, 50)),
      String(r.jumpBytes),
      fmt(pct(r.sort, 50), 1),
      fmt(Math.max(...r.sort), 1),
    ]);
  }
}
console.log(`fake terminal 120x40; per run ${KEYS} x j/k (one row), ${KEYS / 4} x G/g (every row), 8 x s (sort); times from key to frame written, cpu = this process's CPU time in that span`);
table(rows);
