// Where a reconcile run's time and memory go, stage by stage (STAGE_TABLE order): runs the
// reconcile operation in this process on an imported store, as a dry run (nothing recorded),
// and notes wall time, CPU time and RSS after every stage through the operation's progress
// hook. Used by bench/reconcile.mjs to compare stages across sizes (a superlinear stage shows
// as a ratio above the row ratio).
//
//   npm run build && node bench/reconcile-stages.mjs <db> [--from D --to D]
//
// PAYRECON_DIST=<dir> runs another build (a copy of dist/ made before a change), as in
// bench/history.mjs, for a side-by-side comparison on the same store.
// Prints one JSON document: { stages: [{ stage, seconds, cpu, rssMB }], peakRssMB }.
import { cpuUsage, memoryUsage } from 'node:process';
import { join, resolve } from 'node:path';
import { ROOT } from './lib.mjs';

const [dbPath, ...rest] = process.argv.slice(2);
if (!dbPath) {
  console.error('usage: node bench/reconcile-stages.mjs <db> [--from D --to D]');
  process.exit(16);
}
const opt = (name) => {
  const i = rest.indexOf(name);
  return i >= 0 ? rest[i + 1] : undefined;
};
const dist = resolve(process.env.PAYRECON_DIST ?? join(ROOT, 'dist'));
const { openDatabase } = await import(join(dist, 'db', 'open.js'));
const { reconcile } = await import(join(dist, 'operations', 'reconcile.js'));
const { RECONCILE_DEFAULTS } = await import(join(dist, 'domain', 'discrepancy.js'));

let handle = null;
const stages = [];
let t = process.hrtime.bigint();
let c = cpuUsage();
let peak = 0;
const lap = (stage) => {
  const now = process.hrtime.bigint();
  const cpu = cpuUsage(c);
  const rss = memoryUsage().rss / 1024 / 1024;
  peak = Math.max(peak, rss);
  stages.push({ stage, seconds: Number(now - t) / 1e9, cpu: (cpu.user + cpu.system) / 1e6, rssMB: rss });
  t = now;
  c = cpuUsage();
};
const ctx = {
  dbPath,
  env: process.env,
  cwd: process.cwd(),
  signal: new AbortController().signal,
  now: () => new Date(),
  db: () => (handle ??= openDatabase(dbPath, { create: false })),
  checkInterrupted() {},
  async progress() {
    // The first update comes after the first stage; the scope count before it is part of it.
    return { update: (_done, label) => lap(String(label).replace(/ of [\d,]+ rows$/, '')), finish() {} };
  },
};
lap('open');
const doc = await reconcile(ctx, { from: opt('--from'), to: opt('--to'), amountTolerance: RECONCILE_DEFAULTS.amountTolerance, dateWindow: RECONCILE_DEFAULTS.dateWindow, dryRun: true });
lap('document');
handle?.close();
console.log(JSON.stringify({ stages, peakRssMB: peak, discrepancies: doc.counts }));
