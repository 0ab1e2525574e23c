// Scan history benchmark (run after `npm run build`): a year of five-minute scans is ~100,000;
// does a scan stay as fast, and the database as small, as the history grows? A 200-file tree is
// baselined, 100 of its files are changed (100 findings that persist in every scan), then
// BENCH_SCANS scans run one after another in one process through the scan operation (the CLI
// would add ~0.3 s of Node start-up per scan and hide nothing we measure). Prints the time of the
// 10th scan and of the last (medians of 10 around each), and the database growth per scan
// that finds nothing new. Never fails on slowness.
// The machine is shared and its load moves over a long run, so the 10th and the last scan are
// also compared side by side at the end: a fresh database scanned for the 10th time and the
// long one, alternately, RUNS rounds each, wall and CPU time (the CPU figure is the steadier).
//   node bench/history.mjs        (BENCH_SCANS=10000 RUNS=15; PAYRECON_DIST=<dir> measures another build;
//                                  BENCH_REUSE=1 skips the long run and reuses bench/out/history/history.db)
import { chmodSync, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomFillSync } from 'node:crypto';
import { Writable } from 'node:stream';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import os from 'node:os';
import { fmt, table } from './lib.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = resolve(process.env.PAYRECON_DIST ?? join(ROOT, 'dist'));
const OUT = join(ROOT, 'bench', 'out', 'history');
const SCANS = Number(process.env.BENCH_SCANS ?? 10000);
const RUNS = Number(process.env.RUNS ?? 15);
const REUSE = process.env.BENCH_REUSE === '1' && existsSync(join(OUT, 'history.db'));
const FILES = 200;
const FINDINGS = 100;

const load = (rel) => import(pathToFileURL(join(DIST, rel)).href);
const { createContext } = await load('context.js');
const { initBaseline } = await load('operations/baseline.js');
const { scanBaselines } = await load('operations/scan.js');

const tree = join(OUT, 'tree');
const key = join(OUT, 'bench.key');
const db = join(OUT, 'history.db');
const earlyDb = join(OUT, 'early.db');
if (!REUSE) {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(tree, { recursive: true });
  const buf = Buffer.alloc(2048);
  for (let i = 0; i < FILES; i++) {
    const dir = join(tree, `d${i % 10}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `f${i}.conf`), randomFillSync(buf), { mode: 0o600 });
  }
  writeFileSync(key, randomFillSync(Buffer.alloc(32)), { mode: 0o600 });
}
const sink = new Writable({ write: (_c, _e, cb) => cb() });
const env = { ...process.env, CI: '1', NO_COLOR: '1', PAYRECON_KEY_FILE: key, PAYRECON_HASH_WORKERS: '0' };
const contextFor = (path) => createContext({ global: { db: path, quiet: true }, env, cwd: OUT, stdout: sink, stderr: sink });
const ctx = contextFor(db);
const setMode = (mode) => {
  for (let i = 0; i < FINDINGS; i++) chmodSync(join(tree, `d${i % 10}`, `f${i}.conf`), mode);
};
if (!REUSE) {
  setMode(0o600);
  await initBaseline(ctx, 'bench', { path: [tree] });
  // 100 persisting findings: a mode change on half the files.
  setMode(0o640);
}

const size = () => {
  ctx.db().pragma('wal_checkpoint(TRUNCATE)');
  return statSync(db).size + (existsSync(db + '-wal') ? statSync(db + '-wal').size : 0);
};
const times = [];
const sizes = new Map();
const started = process.hrtime.bigint();
for (let n = 1; n <= (REUSE ? 0 : SCANS); n++) {
  const t0 = process.hrtime.bigint();
  const r = await scanBaselines(ctx, { names: ['bench'] });
  times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  if (r.scans[0].findings.length !== FINDINGS) throw new Error(`scan ${n}: ${r.scans[0].findings.length} findings, expected ${FINDINGS}`);
  if (n === 10 || n === SCANS || n % 1000 === 0) sizes.set(n, size());
  if (n % 1000 === 0) console.log(`  ${n} scans, ${fmt(Number(process.hrtime.bigint() - started) / 1e9, 0)} s so far`);
}
const total = Number(process.hrtime.bigint() - started) / 1e9;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// Side by side: a database at its 10th scan against the long one, alternately.
rmSync(earlyDb, { force: true });
const earlyCtx = contextFor(earlyDb);
setMode(0o600);
await initBaseline(earlyCtx, 'bench', { path: [tree] });
setMode(0o640);
for (let n = 1; n < 10; n++) await scanBaselines(earlyCtx, { names: ['bench'] });
const timed = async (c) => {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await scanBaselines(c, { names: ['bench'] });
  const cpu = process.cpuUsage(cpu0);
  return { wall: Number(process.hrtime.bigint() - t0) / 1e6, cpu: (cpu.user + cpu.system) / 1000 };
};
const pairs = { early: [], late: [] };
for (let r = 0; r < RUNS; r++) {
  pairs.early.push(await timed(earlyCtx));
  pairs.late.push(await timed(ctx));
}
const scansInLong = ctx.db().prepare('SELECT count(*) AS n FROM scans').get().n;
const m = (xs, k) => median(xs.map((x) => x[k]));
console.log(`\nside by side, ${RUNS} rounds: a database at scan 10-${9 + RUNS} vs one with ${scansInLong} scans`);
table([
  ['', 'wall ms', 'cpu ms'],
  ['scan ~10', fmt(m(pairs.early, 'wall'), 1), fmt(m(pairs.early, 'cpu'), 1)],
  [`scan ~${scansInLong}`, fmt(m(pairs.late, 'wall'), 1), fmt(m(pairs.late, 'cpu'), 1)],
  ['ratio', `${fmt(m(pairs.late, 'wall') / m(pairs.early, 'wall'))}x`, `${fmt(m(pairs.late, 'cpu') / m(pairs.early, 'cpu'))}x`],
]);
if (REUSE) process.exit(0);
const around = (n) => median(times.slice(Math.max(0, n - 6), Math.min(times.length, n + 4)));
const early = around(10);
const late = median(times.slice(-10));
const growth = (sizes.get(SCANS) - sizes.get(10)) / (SCANS - 10);
console.log(`\n${FILES} files, ${FINDINGS} persisting findings, ${SCANS} scans in ${fmt(total, 0)} s (${os.cpus().length} CPUs, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')})`);
table([
  ['what', 'value'],
  ['scan 10 (median of scans 4-13), ms', fmt(early, 1)],
  [`scan ${SCANS} (median of the last 10), ms`, fmt(late, 1)],
  ['last / 10th', `${fmt(late / early)}x`],
  ...[...sizes].map(([n, s]) => [`database after ${n} scans, KB`, fmt(s / 1024, 0)]),
  ['growth per scan (10th to last), bytes', fmt(growth, 0)],
]);
console.log(`\ntargets: last scan <= 1.2x the 10th (now ${fmt(late / early)}x); <= 1024 bytes per scan (now ${fmt(growth, 0)})`);
