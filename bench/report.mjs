// Reports of a run with 100,000 discrepancies: `payrecon report` in each format, end to end
// (open the database, read the run, render, write atomically), and `discrepancies --json`
// of the same items, against two native baselines that do less: sqlite3's own CSV dump of the
// discrepancies table, and a bare Node script that selects the same rows with better-sqlite3
// and JSON.stringify()s them. The HTML report is then loaded in headless chromium (when
// installed) to show it stays usable. `reconcile --json` of real runs (140,000 and 1,000,000
// discrepancies) is bench/reconcile-json.mjs.
//
//   npm run build && node bench/report.mjs [discrepancies=100000]
//
// Data lives under bench/out/report/ (gitignored). Never fails because a machine is slow.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HAS_GNU_TIME, fmt, measure, table } from './lib.mjs';

const ROOT = new URL('..', import.meta.url).pathname;
const BIN = join(ROOT, 'bin', 'payrecon');
const OUT = join(ROOT, 'bench', 'out', 'report');
const ARGS = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const TARGET = Number(ARGS[0] ?? 100_000);
mkdirSync(OUT, { recursive: true });
const DB = join(OUT, `report-${TARGET}.db`);

// The run is seeded straight into the schema (migrations 001/002) rather than produced by
// importing and reconciling: what is measured here is the report, and a run with 100,000
// unmatched items is the reconcile benchmark's subject. The database is created and migrated
// by payrecon itself first. Kinds, sources, currencies, severities, ages and statuses vary.
const KINDS = ['missing_in_ledger', 'missing_in_psp', 'amount_mismatch', 'fee_mismatch', 'duplicate', 'date_out_of_window', 'currency_mismatch'];
const SOURCES = ['stripe', 'adyen', 'paypal', 'checkout'];
const CURRENCIES = [
  ['USD', 2],
  ['EUR', 2],
  ['GBP', 2],
  ['JPY', 0],
];
const fmtMinor = (minor, exp) => {
  const neg = minor < 0;
  const s = String(Math.abs(minor)).padStart(exp + 1, '0');
  return (neg ? '-' : '') + (exp ? `${s.slice(0, -exp)}.${s.slice(-exp)}` : s);
};

async function seed() {
  // Created and migrated by payrecon's own code: read-only commands refuse a database that does
  // not exist (exit 19), so no CLI command can make an empty one here.
  const { openDatabase } = await import(pathToFileURL(join(ROOT, 'dist/db/open.js')).href);
  openDatabase(DB).close();
  const { default: Database } = await import(pathToFileURL(join(ROOT, 'node_modules/better-sqlite3/lib/index.js')).href);
  const db = new Database(DB);
  const now = Date.now();
  db.transaction(() => {
    db.prepare(
      `INSERT INTO recon_runs (id, started_at, finished_at, actor, window_from, window_to, amount_tolerance, date_window, fail_on, exit_code, psp_count, ledger_count, matched_count, discrepancy_count)
       VALUES (1, ?, ?, 'bench', '2025-03-01', '2025-03-31', '0', 3, NULL, 7, ?, ?, ?, ?)`,
    ).run(new Date(now).toISOString(), new Date(now).toISOString(), TARGET * 10, TARGET * 10, TARGET * 9, TARGET);
    const total = db.prepare('INSERT INTO recon_run_totals (run_id, currency, matched, amount_minor) VALUES (1, ?, ?, ?)');
    for (const [cur] of CURRENCIES) total.run(cur, (TARGET * 9) / 4, 123456789012);
    const ins = db.prepare(
      `INSERT INTO discrepancies (id, fingerprint, kind, severity, reason, currency, reference, psp, ledger, difference, difference_minor, scope_date, status, note, resolved_by, resolved_at, first_seen_run, first_seen_at, last_seen_run)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, 1)`,
    );
    const link = db.prepare("INSERT INTO recon_run_discrepancies (run_id, discrepancy_id, status_at_run) VALUES (1, ?, 'open')");
    for (let i = 1; i <= TARGET; i++) {
      const kind = KINDS[i % KINDS.length];
      const [cur, exp] = CURRENCIES[i % 4];
      const source = SOURCES[i % 4];
      const minor = 100 + ((i * 7919) % 900_000);
      const diff = kind === 'missing_in_psp' ? -minor : kind === 'missing_in_ledger' ? minor : 1 + (i % 250);
      const day = String(1 + (i % 28)).padStart(2, '0');
      const psp = kind === 'missing_in_psp' ? null : JSON.stringify({ id: `txn_${i}`, amount: fmtMinor(minor, exp), currency: cur, source, file: `/srv/inbox/${source}-2025-03.csv`, line: i + 1, booked_at: `2025-03-${day}T12:00:00Z` });
      const ledger = kind === 'missing_in_ledger' ? null : JSON.stringify({ id: `L-${i}`, amount: fmtMinor(minor - (psp ? diff : 0), exp), currency: cur, source: 'ledger', file: '/srv/inbox/ledger-2025-03.csv', line: i + 1, booked_at: `2025-03-${day}T00:00:00Z` });
      const status = i % 10 === 0 ? 'resolved' : i % 10 === 1 ? 'acknowledged' : 'open';
      const firstSeen = new Date(now - (i % 120) * 86_400_000).toISOString();
      ins.run(i, `bench-${i}`, kind, i % 6 === 0 ? 'high' : i % 3 === 0 ? 'low' : 'medium', `${kind.replaceAll('_', ' ')} for ORD-${i}`, cur, `ORD-${i}`, psp, ledger, fmtMinor(diff, exp), diff, `2025-03-${day}`,
        status, status === 'open' ? null : 'checked', status === 'open' ? null : 'bench', status === 'open' ? null : new Date(now).toISOString(), firstSeen);
      link.run(i);
    }
  })();
  db.close();
}

function cli(args) {
  const r = spawnSync(process.execPath, [BIN, '--db', DB, ...args], { encoding: 'utf8', env: { ...process.env, CI: '1' }, maxBuffer: 1 << 30 });
  if (r.status !== 0) {
    console.error(`payrecon ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    process.exit(1);
  }
  return r;
}

if (!existsSync(DB)) {
  const t0 = performance.now();
  await seed();
  console.log(`seeded ${TARGET} discrepancies in ${fmt((performance.now() - t0) / 1000)} s`);
}
cli(['report', '--out', join(OUT, 'check.json')]);
const doc = JSON.parse(readFileSync(join(OUT, 'check.json'), 'utf8'));
console.log(`database: ${DB}\ndiscrepancies in the run: ${doc.discrepancies.length.toLocaleString('en-US')}`);

const rows = [['what', 'wall s', 'peak RSS MB', 'output MB']];
const env = { ...process.env, CI: '1' };
for (const ext of ['html', 'csv', 'json', 'xml']) {
  const out = join(OUT, `report.${ext}`);
  const r = measure([process.execPath, BIN, '--db', DB, 'report', '--out', out], { env });
  if (r.code !== 0) console.error(r.stderr);
  rows.push([`payrecon report .${ext}`, fmt(r.seconds), fmt(r.maxRssMB, 0), fmt(statSync(out).size / 1e6, 1)]);
}
{
  const r = measure([process.execPath, BIN, '--db', DB, 'discrepancies', '--status', 'all', '--json'], { env });
  if (r.code !== 0) console.error(r.stderr);
  rows.push(['payrecon discrepancies --status all --json', fmt(r.seconds), fmt(r.maxRssMB, 0), fmt(Buffer.byteLength(r.stdout) / 1e6, 1)]);
}

// Baseline 1: sqlite3's native CSV dump of the same table (no joins, no formatting, no escaping).
if (spawnSync('sqlite3', ['-version']).status === 0) {
  const out = join(OUT, 'baseline-sqlite3.csv');
  const r = measure(['sh', '-c', `sqlite3 -csv -header '${DB}' 'SELECT * FROM discrepancies' > '${out}'`]);
  rows.push(['baseline: sqlite3 -csv dump', fmt(r.seconds), fmt(r.maxRssMB, 0), fmt(statSync(out).size / 1e6, 1)]);
} else rows.push(['baseline: sqlite3 -csv dump', 'n/a (no sqlite3)', '', '']);

// Baseline 2: the floor for any Node implementation: select all rows, JSON.stringify, write.
const floor = join(OUT, 'baseline-node.mjs');
writeFileSync(
  floor,
  `import Database from '${pathToFileURL(join(ROOT, 'node_modules/better-sqlite3/lib/index.js')).href}';
import { writeFileSync } from 'node:fs';
const db = new Database(process.argv[2], { readonly: true });
writeFileSync(process.argv[3], JSON.stringify(db.prepare('SELECT * FROM discrepancies').all()));\n`,
);
{
  const out = join(OUT, 'baseline-node.json');
  const r = measure([process.execPath, floor, DB, out]);
  rows.push(['baseline: node select + JSON.stringify', fmt(r.seconds), fmt(r.maxRssMB, 0), fmt(statSync(out).size / 1e6, 1)]);
}
console.log('');
table(rows);
if (!HAS_GNU_TIME) console.log('(peak RSS needs /usr/bin/time)');

// Usability: how long chromium takes to load the HTML report and how many table rows it holds.
if (existsSync('/usr/bin/chromium')) {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  const page = await browser.newPage();
  const t0 = performance.now();
  await page.goto(pathToFileURL(join(OUT, 'report.html')).href, { waitUntil: 'load' });
  const loadMs = performance.now() - t0;
  const shown = await page.locator('#discrepancies tr.row').count();
  const t1 = performance.now();
  await page.locator('th', { hasText: 'Age (d)' }).click();
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
  const sortMs = performance.now() - t1;
  await browser.close();
  console.log(`\nchromium: HTML report loaded in ${fmt(loadMs / 1000)} s; table rows in the page: ${shown}; sort by a column: ${fmt(sortMs, 0)} ms`);
} else {
  console.log('\nchromium not installed (apt-get install -y chromium): HTML load time not measured');
}
