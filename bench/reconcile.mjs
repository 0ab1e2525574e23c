// Reconcile benchmark: 1,000,000 Stripe balance-report rows against 1,000,000 ledger rows
// with ~1% planted faults. Times `payrecon import psp`, `import ledger` and `reconcile --json`
// (wall time and peak RSS of each), checks every planted fault is found and nothing else, and
// times the sqlite3 CLI in the same run: `.import` both CSVs, index, join.
//
//   npm run build && node bench/reconcile.mjs [rows=1000000]
//
// Data is generated once into bench/out/recon-<rows>/ (gitignored) and reused.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { fmt, HAS_GNU_TIME, table } from './lib.mjs';

/** Like lib.mjs's measure, plus CPU seconds (user + sys): on a shared, busy machine wall time
 *  swings with the load, CPU time much less. */
function measure(argv, opts = {}) {
  const statFile = join(tmpdir(), `payrecon-bench-recon-${process.pid}-${Date.now()}.time`);
  const cmd = HAS_GNU_TIME ? ['/usr/bin/time', '-o', statFile, '-f', '%e %U %S %M', ...argv] : argv;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, ...opts });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  let cpu = NaN;
  let maxRssMB = NaN;
  if (HAS_GNU_TIME && existsSync(statFile)) {
    const [, user, sys, kb] = readFileSync(statFile, 'utf8').trim().split(/\s+/).slice(-4);
    cpu = Number(user) + Number(sys);
    maxRssMB = Number(kb) / 1024;
    rmSync(statFile, { force: true });
  }
  return { seconds, cpu, maxRssMB, code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const ROOT = resolve(new URL('..', import.meta.url).pathname);
const rows = Number(process.argv[2] ?? 1_000_000);
const dir = join(ROOT, 'bench', 'out', `recon-${rows}`);
const BIN = join(ROOT, 'bin', 'payrecon');

if (!existsSync(join(dir, 'planted.json'))) {
  console.log(`generating ${rows} + ${rows} rows into ${dir} ...`);
  const g = spawnSync(process.execPath, [join(ROOT, 'bench', 'generate.mjs'), dir, String(rows)], { stdio: 'inherit' });
  if (g.status !== 0) process.exit(g.status ?? 1);
}
const planted = JSON.parse(readFileSync(join(dir, 'planted.json'), 'utf8'));

// ---- payrecon -------------------------------------------------------------------------------
const db = join(dir, 'payrecon.db');
for (const f of [db, db + '-wal', db + '-shm']) rmSync(f, { force: true });
const env = { ...process.env, CI: '1', NO_COLOR: '1' };
const node = process.execPath;
const steps = [
  ['import psp', [node, BIN, '--db', db, '--json', 'import', 'psp', join(dir, 'stripe.csv')]],
  ['import ledger', [node, BIN, '--db', db, '--json', 'import', 'ledger', join(dir, 'ledger.csv')]],
  ['reconcile', [node, BIN, '--db', db, '--json', 'reconcile']],
];
const results = [];
let doc;
for (const [name, argv] of steps) {
  const r = measure(argv, { env });
  results.push({ name, ...r });
  if (name === 'reconcile') {
    try {
      doc = JSON.parse(r.stdout);
    } catch {
      console.error(`reconcile did not print JSON (exit ${r.code}):\n${r.stderr}`);
    }
  } else if (r.code !== 0) {
    console.error(`${name} exited ${r.code}:\n${r.stderr.slice(0, 2000)}`);
  }
}

// ---- sqlite3 CLI baseline -------------------------------------------------------------------
const sdb = join(dir, 'baseline.db');
for (const f of [sdb, sdb + '-wal', sdb + '-shm']) rmSync(f, { force: true });
const script = `
.mode csv
.import ${join(dir, 'stripe.csv')} stripe
.import ${join(dir, 'ledger.csv')} ledger
CREATE INDEX stripe_source ON stripe (source_id);
CREATE INDEX ledger_ref ON ledger (psp_reference);
CREATE TEMP TABLE pairs AS
  SELECT s.balance_transaction_id AS psp, l.entry_id AS led,
         (CAST(s.gross AS TEXT) <> l.amount OR upper(s.currency) <> l.currency
          OR abs(julianday(substr(s.created_utc, 1, 10)) - julianday(l.booked_at)) > 3) AS differs
  FROM ledger l JOIN stripe s ON s.source_id = l.psp_reference;
.mode list
SELECT 'paired', count(*), sum(differs) FROM pairs;
SELECT 'missing_in_ledger', count(*) FROM stripe s WHERE NOT EXISTS (SELECT 1 FROM ledger l WHERE l.psp_reference = s.source_id);
SELECT 'missing_in_psp', count(*) FROM ledger l WHERE NOT EXISTS (SELECT 1 FROM stripe s WHERE s.source_id = l.psp_reference);
`;
const scriptFile = join(dir, 'baseline.sql');
writeFileSync(scriptFile, script);
const base = measure(['sqlite3', sdb], { input: script });
if (base.code !== 0) console.error(`sqlite3 exited ${base.code}: ${base.stderr}`);

// ---- correctness: every planted fault found, nothing else -------------------------------------
const key = (k, p, l) => `${k}|${p ?? '-'}|${l ?? '-'}`;
const want = new Set(planted.faults.map((f) => key(f.kind, f.psp, f.ledger)));
const got = new Set((doc?.discrepancies ?? []).map((d) => key(d.kind, d.psp?.id, d.ledger?.id)));
const missed = [...want].filter((k) => !got.has(k));
const extra = [...got].filter((k) => !want.has(k));

// ---- figures ------------------------------------------------------------------------------
const total = results.reduce((s, r) => s + r.seconds, 0);
const totalCpu = results.reduce((s, r) => s + r.cpu, 0);
const peak = Math.max(...results.map((r) => r.maxRssMB));
console.log(`\nrows: ${planted.rows.psp} PSP + ${planted.rows.ledger} ledger; planted faults: ${planted.faults.length}`);
table([
  ['step', 'wall s', 'cpu s', 'peak RSS MB', 'exit'],
  ...results.map((r) => [r.name, fmt(r.seconds), fmt(r.cpu), fmt(r.maxRssMB, 0), r.code]),
  ['payrecon total', fmt(total), fmt(totalCpu), fmt(peak, 0), ''],
  ['sqlite3 CLI (import+index+join)', fmt(base.seconds), fmt(base.cpu), fmt(base.maxRssMB, 0), base.code],
]);
console.log(`\nratio payrecon / sqlite3: ${fmt(total / base.seconds)}x wall, ${fmt(totalCpu / base.cpu)}x cpu (target <= 2.0x); peak RSS ${fmt(peak, 0)} MB (target < 300 MB)`);
console.log(`reconcile alone / sqlite3: ${fmt(results[2].seconds / base.seconds)}x wall, ${fmt(results[2].cpu / base.cpu)}x cpu`);
console.log(`sqlite3 baseline says: ${base.stdout.trim().split('\n').join('; ')}`);
console.log(`faults: ${want.size} planted, ${got.size} reported, ${missed.length} missed, ${extra.length} unexpected`);
if (doc) console.log(`reconcile: ${JSON.stringify(doc.counts)} by kind ${JSON.stringify(doc.by_kind)}`);
for (const k of missed.slice(0, 10)) console.log(`  missed: ${k}`);
for (const k of extra.slice(0, 10)) console.log(`  unexpected: ${k}`);
