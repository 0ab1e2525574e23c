// Nightly cost benchmark (issue 15): one night's reconcile (`--from D --to D`) in a store that
// holds only that night, and in one that also holds a month of earlier history, already
// reconciled. The night should cost the same in both: O(rows in the window + open items).
// Native baseline in the same run: the sqlite3 CLI selecting and joining the night's rows by
// date in the history store (with an index on the date, as payrecon's migration 015 has).
//
//   npm run build && node bench/nightly.mjs [rows=310000]   (31 days; 10,000 PSP rows a night)
//
// Data goes to bench/out/nightly-<rows>/ (gitignored) and is reused.
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fmt, HAS_GNU_TIME, measure, table } from './lib.mjs';

const ROOT = resolve(new URL('..', import.meta.url).pathname);
const rows = Number(process.argv[2] ?? 310_000);
const dir = join(ROOT, 'bench', 'out', `nightly-${rows}`);
const BIN = join(ROOT, 'bin', 'payrecon');
const NIGHT = '2025-03-30';
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
    (inNight(line.split(',')[1].slice(0, 10)) ? night : hist).write(line + '\n');
  }
  await Promise.all([new Promise((r) => night.end(r)), new Promise((r) => hist.end(r))]);
}

if (!existsSync(join(dir, 'hist-ledger.csv'))) {
  mkdirSync(dir, { recursive: true });
  const g = spawnSync(process.execPath, [join(ROOT, 'bench', 'generate.mjs'), join(dir, 'all'), String(rows), '7'], { stdio: 'inherit' });
  if (g.status !== 0) process.exit(g.status ?? 1);
  await split('stripe.csv', (d) => d === NIGHT);
  // The ledger books a payment on its day or the next: the night's file holds the day before to the day after.
  await split('ledger.csv', (d) => d >= '2025-03-29' && d <= '2025-03-31');
}

const run = (db, ...args) => measure([process.execPath, BIN, '--db', db, ...args], { env });
const must = (what, r, ok = [0]) => {
  if (!ok.includes(r.code)) {
    console.error(`${what} failed (exit ${r.code}):\n${r.stderr}`);
    process.exit(1);
  }
  return r;
};
const fresh = join(dir, 'fresh.db');
const history = join(dir, 'history.db');
for (const db of [fresh, history]) for (const f of [db, db + '-wal', db + '-shm']) rmSync(f, { force: true });

// reconcile exits with the bitmask of what it found (planted faults): any code < 16 is a run.
const found = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
must('import', run(fresh, 'import', 'psp', join(dir, 'night-stripe.csv')));
must('import', run(fresh, 'import', 'ledger', join(dir, 'night-ledger.csv')));
must('import', run(history, 'import', 'psp', join(dir, 'hist-stripe.csv')));
must('import', run(history, 'import', 'ledger', join(dir, 'hist-ledger.csv')));
const past = must('reconcile history', run(history, 'reconcile', '--to', '2025-03-29'), found);
must('import', run(history, 'import', 'psp', join(dir, 'night-stripe.csv')));
must('import', run(history, 'import', 'ledger', join(dir, 'night-ledger.csv')));

const night = ['reconcile', '--from', NIGHT, '--to', NIGHT, '--dry-run'];
const best = (db) => {
  const runs = [0, 1, 2].map(() => must('night', run(db, ...night), found));
  return runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
};
const f = best(fresh);
const h = best(history);

// Baseline: the sqlite3 CLI selecting the night's rows of the history store by date and
// joining them by reference (what the window's candidate generation does first).
let base = null;
if (spawnSync('sqlite3', ['-version']).status === 0) {
  const sql = `SELECT count(*) FROM transactions p JOIN transactions l ON l.psp_reference = p.external_id
    WHERE p.side = 'psp' AND p.booked_at >= '${NIGHT}' AND p.booked_at < '2025-03-31' AND l.side = 'ledger';`;
  const runs = [0, 1, 2].map(() => measure(['sqlite3', history, sql]));
  base = runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
}
const histRows = readFileSync(join(dir, 'hist-stripe.csv'), 'utf8').split('\n').length - 2;
table([
  ['step', 'seconds', 'peak RSS MB', 'vs fresh'],
  [`reconcile the history (${histRows} PSP rows, once)`, fmt(past.seconds), fmt(past.maxRssMB, 0), ''],
  [`night ${NIGHT}, store holding only the night`, fmt(f.seconds), fmt(f.maxRssMB, 0), '1.00x'],
  [`night ${NIGHT}, store holding the history too`, fmt(h.seconds), fmt(h.maxRssMB, 0), `${fmt(h.seconds / f.seconds)}x`],
  ['sqlite3 CLI: select + join the night in the history store', base ? fmt(base.seconds) : 'n/a (no sqlite3)', '', ''],
]);
if (!HAS_GNU_TIME) console.log('(no /usr/bin/time: peak RSS not measured)');
