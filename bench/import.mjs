// Import benchmark (issue 2): `payrecon import` of a 1,000,000-row Stripe report and a
// 1,000,000-row ledger export, side by side with the sqlite3 CLI's `.import` of the same files,
// in the same run. Prints rows/s, the ratio to sqlite3 and peak RSS. Never fails on slowness.
//
//   node bench/import.mjs [rows=1000000]
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, measure, table } from './lib.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const rows = Number(process.argv[2] ?? 1_000_000);
const dir = join(ROOT, 'bench', 'out', `recon-${rows}`);
if (!existsSync(join(dir, 'planted.json'))) {
  const g = spawnSync(process.execPath, [join(ROOT, 'bench', 'generate.mjs'), dir, String(rows)], { stdio: 'inherit' });
  if (g.status !== 0) process.exit(1);
}
const haveSqlite = spawnSync('sqlite3', ['-version']).status === 0;
const results = [['file', 'tool', 'seconds', 'rows/s', 'peak RSS MB', 'vs sqlite3']];

for (const [side, file] of [
  ['psp', 'stripe.csv'],
  ['ledger', 'ledger.csv'],
]) {
  const csv = join(dir, file);
  let base = NaN;
  if (haveSqlite) {
    const db = join(dir, `sqlite-${side}.db`);
    rmSync(db, { force: true });
    const s = measure(['sqlite3', db, '-cmd', '.mode csv', `.import ${csv} t`]);
    base = s.seconds;
    results.push([file, 'sqlite3 .import', fmt(s.seconds), fmt(rows / s.seconds, 0), fmt(s.maxRssMB, 0), '1.00x']);
    rmSync(db, { force: true });
  }
  const db = join(dir, `payrecon-import-${side}.db`);
  for (const f of [db, db + '-wal', db + '-shm']) rmSync(f, { force: true });
  const p = measure([process.execPath, join(ROOT, 'bin', 'payrecon'), '--db', db, 'import', side, csv, '--json'], { env: { ...process.env, CI: '1' } });
  if (p.code !== 0 && p.code !== 8) {
    console.error(`payrecon import ${side} exited ${p.code}:\n${p.stderr}`);
    process.exitCode = 1;
    continue;
  }
  const doc = JSON.parse(p.stdout);
  const n = doc.files[0].rows.total;
  results.push([file, 'payrecon import', fmt(p.seconds), fmt(n / p.seconds, 0), fmt(p.maxRssMB, 0), Number.isFinite(base) ? `${fmt(p.seconds / base)}x` : 'n/a']);
  for (const f of [db, db + '-wal', db + '-shm']) rmSync(f, { force: true });
}
console.log(`import of ${rows.toLocaleString('en-US')} rows per file (targets: <= 2.00x sqlite3, peak RSS < 300 MB)`);
table(results);
if (!haveSqlite) console.log('sqlite3 CLI not found: install Debian package sqlite3 for the baseline');
