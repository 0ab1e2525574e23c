// The 1M x 1M pipeline both bench/reconcile.mjs (SQLite) and bench/postgres.mjs (PostgreSQL
// beside SQLite) time: generated Stripe + ledger files with planted faults, payrecon's three
// steps on one store, the sqlite3 CLI doing the same job natively, and the check that every
// planted fault was found and nothing else.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { HAS_SQLITE3, measure, OUT, removeDb, ROOT } from './lib.mjs';

export const BIN = join(ROOT, 'bin', 'payrecon');
export const env = { ...process.env, CI: '1', NO_COLOR: '1' };
const node = process.execPath;

/** The directory of `rows` x `rows` generated rows (made once, then reused) and its planted faults. */
export function pipelineData(rows) {
  const dir = join(OUT, `recon-${rows}`);
  if (!existsSync(join(dir, 'planted.json'))) {
    console.log(`generating ${rows} + ${rows} rows into ${dir} ...`);
    const g = spawnSync(node, [join(ROOT, 'bench', 'generate.mjs'), dir, String(rows)], { stdio: 'inherit' });
    if (g.status !== 0) process.exit(g.status ?? 1);
  }
  return { dir, planted: JSON.parse(readFileSync(join(dir, 'planted.json'), 'utf8')) };
}

/**
 * `payrecon import psp`, `import ledger` and `reconcile --json` on the store `db` (a path or a
 * postgres:// URL, new and empty): each step's { name, seconds, cpu, maxRssMB, load, code }, and
 * the reconcile's JSON document (null when it printed none). `after(name)` is called after each step.
 */
export function payreconPipeline(db, dir, after = () => {}) {
  const steps = [
    ['import psp', ['import', 'psp', join(dir, 'stripe.csv')]],
    ['import ledger', ['import', 'ledger', join(dir, 'ledger.csv')]],
    ['reconcile --json', ['reconcile']],
  ];
  const results = [];
  let doc = null;
  for (const [name, args] of steps) {
    const r = measure([node, BIN, '--db', db, '--json', ...args], { env });
    results.push({ name, ...r });
    after(name);
    if (name.startsWith('reconcile')) {
      try {
        doc = JSON.parse(r.stdout);
      } catch {
        console.error(`reconcile did not print JSON (exit ${r.code}):\n${r.stderr.slice(0, 2000)}`);
      }
    } else if (r.code !== 0) {
      console.error(`${name} exited ${r.code}:\n${r.stderr.slice(0, 2000)}`);
    }
  }
  return { results, doc };
}

/** The sqlite3 CLI's version of the job (import both CSVs, index, join, count), measured; null without sqlite3. */
export function sqliteBaseline(dir) {
  if (!HAS_SQLITE3) return null;
  const sdb = join(dir, 'baseline.db');
  removeDb(sdb);
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
  writeFileSync(join(dir, 'baseline.sql'), script);
  const base = measure(['sqlite3', sdb], { input: script });
  if (base.code !== 0) console.error(`sqlite3 exited ${base.code}: ${base.stderr}`);
  removeDb(sdb);
  return base;
}

/** Every planted fault against what the reconcile reported: { want, got, missed[], extra[] }. */
export function checkFaults(planted, doc) {
  const key = (k, p, l) => `${k}|${p ?? '-'}|${l ?? '-'}`;
  const want = new Set(planted.faults.map((f) => key(f.kind, f.psp, f.ledger)));
  const got = new Set((doc?.discrepancies ?? []).map((d) => key(d.kind, d.psp?.id, d.ledger?.id)));
  return { want: want.size, got: got.size, missed: [...want].filter((k) => !got.has(k)), extra: [...got].filter((k) => !want.has(k)) };
}
