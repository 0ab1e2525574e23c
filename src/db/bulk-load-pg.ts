/**
 * A bulk load on PostgreSQL (a first load, a backfill: at least half as many rows as the store
 * holds, as on SQLite, src/db/bulk-load.ts). The rows are copied straight into transactions
 * and transaction_ids (src/db/import-copy.ts), with the identity index kept: a row whose
 * identity is there already fails the load, which is then read again the careful way, as on
 * SQLite. What the server would otherwise maintain row by row is set aside for the load and
 * made again after it, inside the same transaction:
 *
 * - the window indexes (migration 015): the alias index is built once from the loaded rows, the
 *   three only a narrow reconcile reads are left for the first one (src/db/window-indexes.ts);
 * - the foreign keys of transactions and transaction_ids, checked once by a join when added
 *   back. Checked row by row they lock every referenced row: a 200k-row Stripe load spent 2.2 s
 *   of the server's time on its aliases' checks alone (docs/benchmarks.md, "PostgreSQL").
 *
 * Dropping them takes ACCESS EXCLUSIVE locks on transactions, transaction_ids and imports until
 * the import commits: other sessions that read those tables meanwhile wait (their lock_timeout,
 * then exit 19, "locked"), which a night's file never causes and a first load may. The
 * definitions are read from the server's catalog, so the migrations stay the one place they
 * are written, and a failed or interrupted load rolls them back with its rows.
 */
import type { Side } from '../domain/transaction.js';
import { ALIAS_INDEX, isBulkLoad } from './bulk-load.js';
import { dialectOf, type DB } from './open.js';
import { DEFERRED_INDEXES } from './window-indexes.js';

const TABLES = ['transactions', 'transaction_ids'];

/** Set aside what the load of `side`'s rows need not maintain row by row; the function that puts it back. */
export function relaxForLoad(db: DB, incomingRows: number, side: Side): () => void {
  if (dialectOf(db) !== 'postgres') return () => {};
  if (!isBulkLoad(db, incomingRows)) return () => {};
  // Ledger rows have no aliases: their load leaves transaction_ids' index alone.
  const rebuilt = side === 'psp' ? [ALIAS_INDEX] : [];
  const deferred = Object.keys(DEFERRED_INDEXES);
  const indexes = db
    .prepare(`SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE schemaname = current_schema() AND indexname = ANY (CAST(? AS text[]))`)
    .all(`{${[...rebuilt, ...deferred].join(',')}}`) as Array<{ name: string; def: string }>;
  const keys = db
    .prepare(
      `SELECT c.conname AS name, r.relname AS tbl, pg_get_constraintdef(c.oid) AS def FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid
       WHERE c.contype = 'f' AND r.relnamespace = CAST(current_schema() AS regnamespace) AND r.relname = ANY (CAST(? AS text[])) ORDER BY c.conname`,
    )
    .all(`{${TABLES.join(',')}}`) as Array<{ name: string; tbl: string; def: string }>;
  db.exec(
    [...keys.map((k) => `ALTER TABLE ${k.tbl} DROP CONSTRAINT ${k.name};`), ...indexes.map((i) => `DROP INDEX ${i.name};`)].join('\n'),
  );
  // The indexes only a narrow reconcile reads stay unbuilt until the first one (src/db/window-indexes.ts).
  const back = indexes.filter((i) => rebuilt.includes(i.name));
  return () => {
    db.exec([...back.map((i) => `${i.def};`), ...keys.map((k) => `ALTER TABLE ${k.tbl} ADD CONSTRAINT ${k.name} ${k.def};`)].join('\n'));
  };
}
