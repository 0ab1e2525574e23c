// Import benchmark (issues 2, 15): `payrecon import` of a 1,000,000-row file of every format
// (Stripe, canonical ledger, Adyen, PayPal STL, Checkout.com, a mapped ERP ledger export), each
// into an empty store, side by side with the sqlite3 CLI's `.import` of the same file in the
// same run. Prints wall and CPU seconds, the ratio to sqlite3, peak RSS, and checks that every
// generated row imported (no reject). Never fails on slowness.
//
//   node bench/import.mjs [rows=1000000] [format...]     formats: stripe ledger adyen paypal checkout mapping
//
// Files are generated once into bench/out/recon-<rows>/ (generate.mjs: Stripe, ledger) and
// bench/out/formats-<rows>/ (generate-formats.mjs: the others), and reused.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fmt, HAS_SQLITE3, loadNow, measure, met, OUT, ratio, removeDb, ROOT, summary, table } from './lib.mjs';

const rows = Number(process.argv[2] ?? 1_000_000);
const only = process.argv.slice(3);
const recon = join(OUT, `recon-${rows}`);
const formats = join(OUT, `formats-${rows}`);
const generate = (script, dir, seed) => {
  const g = spawnSync(process.execPath, [join(ROOT, 'bench', script), dir, String(rows), seed], { stdio: 'inherit' });
  if (g.status !== 0) process.exit(1);
};
if (!existsSync(join(recon, 'planted.json'))) generate('generate.mjs', recon, '42');
if (!existsSync(join(formats, 'erp-export-de.csv'))) generate('generate-formats.mjs', formats, '11');

const MAPPING = join(ROOT, 'fixtures', 'mapping', 'erp-export-de.mapping.json');
// [name, file, payrecon import args, sqlite3 .import dot-commands]
const FILES = [
  ['stripe', join(recon, 'stripe.csv'), ['psp'], ['.mode csv']],
  ['ledger', join(recon, 'ledger.csv'), ['ledger'], ['.mode csv']],
  ['adyen', join(formats, 'adyen.csv'), ['psp'], ['.mode csv']],
  // The framed STL file: sqlite3 skips RH/FH/SH and takes CH as its header (it warns on the few footer records).
  ['paypal', join(formats, 'paypal.csv'), ['psp'], ['.mode csv'], '--skip 3 '],
  ['checkout', join(formats, 'checkout.csv'), ['psp'], ['.mode csv']],
  ['mapping', join(formats, 'erp-export-de.csv'), ['ledger', '--mapping', MAPPING], ['.mode csv', '.separator ;']],
].filter(([name]) => only.length === 0 || only.includes(name));

const env = { ...process.env, CI: '1', NO_COLOR: '1' };
const results = [['file', 'tool', 'wall s', 'cpu s', 'rows/s', 'peak RSS MB', 'load', 'vs sqlite3 (wall / cpu)']];
const sums = [];
for (const [name, csv, args, dots, importOpts = ''] of FILES) {
  let base = null;
  if (HAS_SQLITE3) {
    const db = join(OUT, `import-sqlite-${name}.db`);
    removeDb(db);
    base = measure(['sqlite3', db, ...dots.flatMap((d) => ['-cmd', d]), `.import ${importOpts}${csv} t`]);
    if (base.code !== 0) console.error(`sqlite3 .import ${name} exited ${base.code}: ${base.stderr.slice(-500)}`);
    results.push([name, 'sqlite3 .import', fmt(base.seconds), fmt(base.cpu), fmt(rows / base.seconds, 0), fmt(base.maxRssMB, 0), fmt(base.load), '1.00x']);
    removeDb(db);
  }
  const db = join(OUT, `import-payrecon-${name}.db`);
  removeDb(db);
  const p = measure([process.execPath, join(ROOT, 'bin', 'payrecon'), '--db', db, '--json', 'import', ...args.slice(0, 1), csv, ...args.slice(1)], { env });
  removeDb(db);
  let counts = null;
  try {
    counts = JSON.parse(p.stdout).files[0].rows;
  } catch {
    console.error(`payrecon import ${name} exited ${p.code} without its JSON document:\n${p.stderr.slice(0, 2000)}`);
  }
  const clean = counts !== null && counts.rejected === 0 && counts.imported === rows;
  if (counts && !clean) console.error(`${name}: expected ${rows} rows imported and none rejected, got ${JSON.stringify(counts)}`);
  const cmp = base ? `${ratio(p.seconds, base.seconds)} / ${ratio(p.cpu, base.cpu)}` : 'n/a';
  results.push([name, 'payrecon import', fmt(p.seconds), fmt(p.cpu), fmt(rows / p.seconds, 0), fmt(p.maxRssMB, 0), fmt(p.load), cmp]);
  sums.push([
    `import 1 file, ${rows.toLocaleString('en-US')} ${name} rows (${counts ? `${counts.imported} imported, ${counts.rejected} rejected` : 'failed'})`,
    `${fmt(p.seconds)} s (cpu ${fmt(p.cpu)}), ${cmp} sqlite3, ${fmt(p.maxRssMB, 0)} MB`,
    '<= 2.00x sqlite3 .import, < 300 MB, no reject',
    `time ${met(base ? p.seconds / base.seconds <= 2 : null)}, memory ${met(p.maxRssMB < 300)}, rows ${met(clean)}`,
  ]);
}
console.log(`\nimport of ${rows.toLocaleString('en-US')} rows per file into an empty store (load average at the end: ${loadNow()})`);
table(results);
if (!HAS_SQLITE3) console.log('sqlite3 CLI not found: install Debian package sqlite3 for the baseline');
summary('import', sums);
