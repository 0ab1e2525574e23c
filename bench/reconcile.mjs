// Reconcile benchmark (issue 15): N Stripe balance-report rows against N ledger rows with ~1%
// planted faults, at each size given (default 1M and 3M). Per size: times `payrecon import psp`,
// `import ledger` and `reconcile --json` on a fresh store (wall, CPU, peak RSS of each process),
// checks every planted fault is found and nothing else, and times the sqlite3 CLI in the same
// run (`.import` both CSVs, index, join). Then a dry-run reconcile in-process
// (reconcile-stages.mjs) shows each stage's time and RSS, and across sizes the growth of every
// step against the growth of the rows (no step may grow faster than the rows: 3.3x for 3x).
//
//   npm run build && node bench/reconcile.mjs [rows...]      e.g. node bench/reconcile.mjs 20000 60000
//
// Data is generated once into bench/out/recon-<rows>/ (gitignored) and reused.
import { join } from 'node:path';
import { fmt, measure, met, ratio, removeDb, ROOT, summary, table } from './lib.mjs';
import { checkFaults, env, payreconPipeline, pipelineData, sqliteBaseline } from './pipeline.mjs';

const sizes = process.argv.slice(2).length ? process.argv.slice(2).map(Number) : [1_000_000, 3_000_000];
const node = process.execPath;

function pipeline(rows) {
  const { dir, planted } = pipelineData(rows);
  const db = join(dir, 'payrecon.db');
  removeDb(db);
  const { results, doc } = payreconPipeline(db, dir);
  // Stage by stage, in-process, as a dry run on the same store (a second run: its findings persist).
  const st = measure([node, join(ROOT, 'bench', 'reconcile-stages.mjs'), db], { env });
  let stages = null;
  try {
    stages = { ...JSON.parse(st.stdout), processPeakMB: st.maxRssMB };
  } catch {
    console.error(`reconcile-stages exited ${st.code}:\n${st.stderr.slice(0, 2000)}`);
  }
  removeDb(db);

  const base = sqliteBaseline(dir);
  const { want, got, missed, extra } = checkFaults(planted, doc);

  const total = results.reduce((s, r) => s + r.seconds, 0);
  const totalCpu = results.reduce((s, r) => s + r.cpu, 0);
  const peak = Math.max(...results.map((r) => r.maxRssMB), stages?.processPeakMB ?? 0);
  console.log(`\n${rows.toLocaleString('en-US')} x ${rows.toLocaleString('en-US')}: ${planted.rows.psp} PSP + ${planted.rows.ledger} ledger rows; planted faults: ${planted.faults.length}`);
  table([
    ['step', 'wall s', 'cpu s', 'peak RSS MB', 'load', 'exit'],
    ...results.map((r) => [r.name, fmt(r.seconds), fmt(r.cpu), fmt(r.maxRssMB, 0), fmt(r.load), r.code]),
    ['payrecon total', fmt(total), fmt(totalCpu), fmt(peak, 0), '', ''],
    ['sqlite3 CLI (import+index+join)', fmt(base?.seconds), fmt(base?.cpu), fmt(base?.maxRssMB, 0), fmt(base?.load), base?.code ?? 'n/a'],
  ]);
  console.log(`ratio payrecon / sqlite3: ${ratio(total, base?.seconds)} wall, ${ratio(totalCpu, base?.cpu)} cpu; reconcile alone ${ratio(results[2].seconds, base?.seconds)} wall`);
  if (base) console.log(`sqlite3 baseline says: ${base.stdout.trim().split('\n').join('; ')}`);
  console.log(`faults: ${want} planted, ${got} reported, ${missed.length} missed, ${extra.length} unexpected`);
  if (doc) console.log(`reconcile: ${JSON.stringify(doc.counts)} by kind ${JSON.stringify(doc.by_kind)}`);
  for (const k of missed.slice(0, 10)) console.log(`  missed: ${k}`);
  for (const k of extra.slice(0, 10)) console.log(`  unexpected: ${k}`);
  if (stages) {
    console.log(`stages (dry run in one process, peak RSS ${fmt(stages.processPeakMB, 0)} MB; "manual" includes opening the store and counting the scope):`);
    table([['stage', 'wall s', 'cpu s', 'RSS after MB'], ...stages.stages.map((s) => [s.stage, fmt(s.seconds), fmt(s.cpu), fmt(s.rssMB, 0)])]);
  }
  return { rows, results, total, totalCpu, peak, base, stages, want: want, missed: missed.length, extra: extra.length };
}

const runs = sizes.map(pipeline);
const sums = [];
for (const r of runs) {
  const n = r.rows.toLocaleString('en-US');
  sums.push([
    `import + reconcile ${n} x ${n}`,
    `${fmt(r.total)} s (cpu ${fmt(r.totalCpu)}), ${ratio(r.total, r.base?.seconds)} / cpu ${ratio(r.totalCpu, r.base?.cpu)} sqlite3 ${fmt(r.base?.seconds)} s`,
    '<= 2.00x sqlite3 import + index + join',
    met(r.base ? r.total / r.base.seconds <= 2 : null),
  ]);
  sums.push([`peak RSS, every process, ${n} x ${n}`, `${fmt(r.peak, 0)} MB`, '< 300 MB', met(r.peak < 300)]);
  sums.push([`planted faults, ${n} x ${n}`, `${r.want - r.missed} of ${r.want} found, ${r.extra} unexpected`, 'all, nothing else', met(r.missed === 0 && r.extra === 0)]);
}
if (runs.length > 1) {
  const [a, b] = [runs[0], runs[runs.length - 1]];
  const k = b.rows / a.rows;
  const limit = 3.3 * (k / 3); // the 3.3x for 3x the rows: 10% over linear
  const label = `${b.rows.toLocaleString('en-US')} vs ${a.rows.toLocaleString('en-US')}`;
  console.log(`\ngrowth ${label} (${fmt(k, 1)}x the rows; at most ${fmt(limit)}x)`);
  const grow = [['step', 'wall', 'cpu', 'peak RSS MB']];
  for (let i = 0; i < a.results.length; i++) {
    grow.push([a.results[i].name, ratio(b.results[i].seconds, a.results[i].seconds), ratio(b.results[i].cpu, a.results[i].cpu), `${fmt(a.results[i].maxRssMB, 0)} -> ${fmt(b.results[i].maxRssMB, 0)}`]);
  }
  grow.push(['total', ratio(b.total, a.total), ratio(b.totalCpu, a.totalCpu), `${fmt(a.peak, 0)} -> ${fmt(b.peak, 0)}`]);
  if (a.base && b.base) grow.push(['sqlite3 CLI', ratio(b.base.seconds, a.base.seconds), ratio(b.base.cpu, a.base.cpu), '']);
  if (a.stages && b.stages) {
    for (const s of a.stages.stages) {
      const t = b.stages.stages.find((x) => x.stage === s.stage);
      if (t && s.cpu >= 0.05) grow.push([`  stage: ${s.stage}`, ratio(t.seconds, s.seconds), ratio(t.cpu, s.cpu), `${fmt(s.rssMB, 0)} -> ${fmt(t.rssMB, 0)}`]);
    }
  }
  table(grow);
  sums.push([`import + reconcile ${label}`, `${ratio(b.total, a.total)} wall, ${ratio(b.totalCpu, a.totalCpu)} cpu`, `<= ${fmt(limit)}x`, `wall ${met(b.total / a.total <= limit)}, cpu ${met(b.totalCpu / a.totalCpu <= limit)}`]);
}
summary('reconcile', sums);
