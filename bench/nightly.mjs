// Nightly cost benchmark (issue 15): one night's reconcile (`--from D --to D`, 10,000 PSP rows)
// in a store that holds only that night, and in one that also holds the history before it
// (default 3,000,000 PSP rows and as many ledger entries, about 300 days), already reconciled.
// The night should cost the same in both: O(rows in the window + open items), so the target
// is the history store's night within 2x of the fresh store's. Native baseline in the same
// run: the sqlite3 CLI selecting and joining the night's rows by date in the history store.
//
//   npm run build && node bench/nightly.mjs [historyRows=3000000] [nightRows=10000]
//
// Data goes to bench/out/nightly-<historyRows>/ (gitignored) and is reused. The history store
// (imported and reconciled once: the longest part) is kept as history-base.db and reused
// while the build that made it is unchanged (a hash of dist/); each run works on a copy.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { fmt, HAS_GNU_TIME, HAS_SQLITE3, loadNow, measure, met, OUT, ratio, removeDb, ROOT, summary, table } from './lib.mjs';

const historyRows = Number(process.argv[2] ?? 3_000_000);
const nightRows = Number(process.argv[3] ?? 10_000);
const days = Math.round(historyRows / nightRows) + 1;
const dir = join(OUT, `nightly-${historyRows}`);
const BIN = join(ROOT, 'bin', 'payrecon');
const DAY = 86_400_000;
const dayOf = (n) => new Date(Date.UTC(2025, 2, 1) + n * DAY).toISOString().slice(0, 10);
// The night is the second-to-last day, so the ledger's next-day bookings exist too.
const NIGHT = dayOf(days - 2);
const [BEFORE, AFTER] = [dayOf(days - 3), dayOf(days - 1)];
const env = { ...process.env, CI: '1', NO_COLOR: '1' };

/** Split a generated CSV by the date in column 2: the night's rows and the rest. */
async function split(file, inNight) {
  const night = createWriteStream(join(dir, `night-${file}`));
  const hist = createWriteStream(join(dir, `hist-${file}`));
  let header = true;
  for await (const line of createInterface({ input: createReadStream(join(dir, 'all', file)) })) {
    if (header) {
      night.write(line + '\n');
      hist.write(line + '\n');
      header = false;
      continue;
    }
    const to = inNight(line.split(',')[1].slice(0, 10)) ? night : hist;
    if (!to.write(line + '\n')) await new Promise((r) => to.once('drain', r));
  }
  await Promise.all([new Promise((r) => night.end(r)), new Promise((r) => hist.end(r))]);
}

if (!existsSync(join(dir, 'hist-ledger.csv'))) {
  mkdirSync(dir, { recursive: true });
  const g = spawnSync(process.execPath, [join(ROOT, 'bench', 'generate.mjs'), join(dir, 'all'), String(days * nightRows), '7', String(days)], { stdio: 'inherit' });
  if (g.status !== 0) process.exit(g.status ?? 1);
  await split('stripe.csv', (d) => d === NIGHT);
  // The ledger books a payment on its day or the next: the night's file holds the day before to the day after.
  await split('ledger.csv', (d) => d >= BEFORE && d <= AFTER);
}

const run = (db, ...args) => measure([process.execPath, BIN, '--db', db, ...args], { env });
const must = (what, r, ok = [0]) => {
  if (!ok.includes(r.code)) {
    console.error(`${what} failed (exit ${r.code}):\n${r.stderr}`);
    process.exit(1);
  }
  return r;
};
// reconcile exits with the bitmask of what it found (planted faults): any code < 16 is a run.
const found = [...Array(16).keys()];

/** A hash of the build: a history store made by another build is made again. */
function buildStamp() {
  const h = createHash('sha256');
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.js') || e.name.endsWith('.sql')) h.update(relative(ROOT, p)).update(readFileSync(p));
    }
  };
  walk(join(ROOT, 'dist'));
  return h.digest('hex');
}

const fresh = join(dir, 'fresh.db');
const history = join(dir, 'history.db');
const baseDb = join(dir, 'history-base.db');
const stampFile = join(dir, 'history-base.stamp');
const stamp = buildStamp();
const setup = [];
if (!existsSync(baseDb) || !existsSync(stampFile) || readFileSync(stampFile, 'utf8') !== stamp || existsSync(baseDb + '-wal')) {
  removeDb(baseDb);
  console.log(`building the history store (${historyRows.toLocaleString('en-US')} rows a side; reused while dist/ is unchanged) ...`);
  setup.push(['import the history, PSP', must('import', run(baseDb, 'import', 'psp', join(dir, 'hist-stripe.csv')))]);
  setup.push(['import the history, ledger', must('import', run(baseDb, 'import', 'ledger', join(dir, 'hist-ledger.csv')))]);
  setup.push([`reconcile the history (--to ${BEFORE})`, must('reconcile history', run(baseDb, 'reconcile', '--to', BEFORE), found)]);
  writeFileSync(stampFile, stamp);
} else {
  console.log(`reusing ${relative(ROOT, baseDb)} (same build)`);
}
removeDb(fresh);
removeDb(history);
copyFileSync(baseDb, history);
must('import', run(fresh, 'import', 'psp', join(dir, 'night-stripe.csv')));
must('import', run(fresh, 'import', 'ledger', join(dir, 'night-ledger.csv')));
setup.push(['import the night into the history store, PSP', must('import', run(history, 'import', 'psp', join(dir, 'night-stripe.csv')))]);
setup.push(['import the night into the history store, ledger', must('import', run(history, 'import', 'ledger', join(dir, 'night-ledger.csv')))]);

const night = ['reconcile', '--from', NIGHT, '--to', NIGHT, '--dry-run'];
// The history was loaded in bulk: on SQLite the first narrow run builds the indexes it selects
// through, once (kept even by a dry run; src/db/window-indexes.ts). Timed apart, as a step of
// its own: every night after it is the steady state measured below.
setup.push(['first narrow reconcile after the bulk loads (builds the window indexes)', must('night', run(history, ...night), found)]);
// Alternate the stores, best of 3 each: the load of a shared machine moves between runs.
const runsF = [];
const runsH = [];
for (let i = 0; i < 3; i++) {
  runsF.push(must('night', run(fresh, ...night), found));
  runsH.push(must('night', run(history, ...night), found));
}
const best = (runs) => runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
const bestCpu = (runs) => Math.min(...runs.map((r) => r.cpu));
const f = best(runsF);
const h = best(runsH);

// Baseline: the sqlite3 CLI selecting the night's rows of the history store by date and
// joining them by reference (what the window's candidate generation does first).
let base = null;
if (HAS_SQLITE3) {
  const sql = `SELECT count(*) FROM transactions p JOIN transactions l ON l.psp_reference = p.external_id
    WHERE p.side = 'psp' AND p.booked_at >= '${NIGHT}' AND p.booked_at < '${AFTER}' AND l.side = 'ledger';`;
  base = best([0, 1, 2].map(() => measure(['sqlite3', history, sql])));
}
const count = (file) => readFileSync(join(dir, file), 'utf8').split('\n').length - 2;
const histRows = count('hist-stripe.csv');
console.log(`\nnight ${NIGHT}: ${count('night-stripe.csv')} PSP rows, ${count('night-ledger.csv')} ledger rows (${BEFORE}..${AFTER}); history ${histRows} PSP + ${count('hist-ledger.csv')} ledger rows`);
table([
  ['step', 'wall s', 'cpu s', 'peak RSS MB', 'load', 'vs fresh (wall / best cpu)'],
  ...setup.map(([name, r]) => [name, fmt(r.seconds), fmt(r.cpu), fmt(r.maxRssMB, 0), fmt(r.load), '']),
  [`night, store holding only the night (best of 3)`, fmt(f.seconds), fmt(bestCpu(runsF)), fmt(f.maxRssMB, 0), fmt(f.load), '1.00x'],
  [`night, store holding the history too (best of 3)`, fmt(h.seconds), fmt(bestCpu(runsH)), fmt(h.maxRssMB, 0), fmt(h.load), `${ratio(h.seconds, f.seconds)} / ${ratio(bestCpu(runsH), bestCpu(runsF))}`],
  ['sqlite3 CLI: select + join the night in the history store', base ? fmt(base.seconds) : 'n/a (no sqlite3)', base ? fmt(base.cpu) : '', '', '', ''],
]);
if (!HAS_GNU_TIME) console.log('(no /usr/bin/time: peak RSS not measured)');
const peak = Math.max(f.maxRssMB, h.maxRssMB, ...setup.map(([, r]) => r.maxRssMB));
removeDb(history);
summary('nightly', [
  [
    `a ${nightRows.toLocaleString('en-US')}-row night over ${histRows.toLocaleString('en-US')} PSP rows of history`,
    `${fmt(h.seconds)} s vs ${fmt(f.seconds)} s fresh: ${ratio(h.seconds, f.seconds)} wall, ${ratio(bestCpu(runsH), bestCpu(runsF))} cpu`,
    '<= 2.00x the fresh store',
    met(h.seconds / f.seconds <= 2),
  ],
  [`peak RSS, every nightly process${setup.length > 2 ? ' (history import + reconcile included)' : ''}`, `${fmt(peak, 0)} MB`, '< 300 MB', met(peak < 300)],
]);
console.log(`(load average at the end: ${loadNow()})`);
