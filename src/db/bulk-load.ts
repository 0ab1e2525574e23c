/**
 * A bulk load (a first load, a month's backfill: at least half as many rows as the store holds)
 * writes its rows with no secondary index on transactions and builds the indexes once, after
 * the rows, inside the same transaction. Maintained row by row each index costs about 3 µs a
 * row; built once from sorted keys, a third of that (docs/benchmarks/import.md). A night's file
 * into a large store keeps them, as rebuilding the history's indexes would cost more.
 *
 * Without the unique identity index an insert cannot tell a restated row from a new one, so a
 * bulk load inserts every row as new, and building the unique index afterwards is the check: if
 * any identity is there twice (the file restates a row of its own or of the store), the build
 * fails, and the import rolls back to before its rows and reads the file again the careful way
 * (src/operations/import.ts). DDL is transactional in SQLite: an interrupted import rolls the
 * indexes back with its rows. The indexes only a narrow reconcile reads are not built again
 * here at all (src/db/window-indexes.ts).
 */
import type { Side } from '../domain/transaction.js';
import { type DB, dialectOf, sqliteSetting } from './open.js';
import { isBusy } from './errors-port.js';
import { DEFERRED_INDEXES } from './window-indexes.js';

/** A row's identity (side, source, external id): unique. */
export const IDENTITY_INDEX = 'transactions_identity';
/**
 * An alias to its row (transaction_ids (ident, tx_id)): what exact matching looks up. The table's
 * own key is in row order (migration 017), so a bulk load appends its aliases and builds this once.
 */
export const ALIAS_INDEX = 'transaction_ids_ident';

/** Below this many incoming rows maintaining the indexes row by row is cheap either way. */
const MIN_BULK_ROWS = 50_000;

export interface IndexPlan {
  /** The indexes are dropped: insert every row as new (no ON CONFLICT), then call `rebuild`. */
  bulk: boolean;
  /** Build the dropped indexes again; throws a duplicate identity (isDuplicateIdentity) when one is found. */
  rebuild(): void;
  /** Give the connection its page cache back (rebuild does; call it when the load failed). */
  release(): void;
}

/**
 * Inside a write transaction: drop the secondary indexes of transactions when `incomingRows`
 * (an estimate) of `side` is at least half the rows stored. The identity index and the alias
 * index come back after the rows; the indexes only a narrow reconcile reads are left for the
 * first one to build (src/db/window-indexes.ts).
 */
export function planIndexes(db: DB, incomingRows: number, side: Side): IndexPlan {
  if (!isBulkLoad(db, incomingRows)) return { bulk: false, rebuild: () => {}, release: () => {} };
  // PostgreSQL keeps the identity index, and a duplicate fails the COPY itself (the same check,
  // earlier); what it sets aside is src/db/bulk-load-pg.ts's.
  if (dialectOf(db) !== 'sqlite') return { bulk: true, rebuild: () => {}, release: () => {} };
  // Only PSP rows have aliases: a ledger load leaves transaction_ids and its index alone.
  const rebuilt = side === 'psp' ? [IDENTITY_INDEX, ALIAS_INDEX] : [IDENTITY_INDEX];
  const deferred = Object.keys(DEFERRED_INDEXES);
  // The definitions of those built again are read from the schema, so the migrations stay the
  // one place they are written.
  const names = [...rebuilt, ...deferred];
  const defs = db
    .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name IN (${names.map(() => '?').join(', ')})`)
    .all(...names) as Array<{ name: string; sql: string }>;
  for (const d of defs) db.exec(`DROP INDEX ${d.name}`);
  // The unique index first: it is the check, and nothing else needs building if it fails.
  const rebuild = defs.filter((d) => rebuilt.includes(d.name)).sort((a, b) => rebuilt.indexOf(a.name) - rebuilt.indexOf(b.name));
  // Rows appended with no index to keep in order need little page cache: 16 MiB instead of the
  // connection's 64 MiB (src/db/open.ts) kept a 1M-row load's peak RSS 50 MB lower for 2-4%
  // more time (the index builds sort in more, smaller runs). Restored after the builds.
  const cache = sqliteSetting(db, 'cache_size', true) as number;
  sqliteSetting(db, 'cache_size = -16384');
  const release = () => sqliteSetting(db, `cache_size = ${cache}`);
  return {
    bulk: defs.some((d) => d.name === IDENTITY_INDEX),
    rebuild: () => {
      try {
        for (const d of rebuild) db.exec(d.sql);
      } finally {
        release();
      }
    },
    release,
  };
}

/**
 * SQLite, outside any transaction: before a bulk load of `incomingRows` (an estimate), take the
 * store out of WAL into a rollback journal when no other connection has it open, and return
 * what puts WAL back (call it after the load committed or rolled back). WAL writes every page
 * twice, into the log and again when the log is checkpointed into the database; a rollback
 * journal writes a new page once and journals only pages that held data before. On 1M Stripe
 * rows that was 0.8-1.0 s of 5.0-5.4 s (docs/benchmarks/import.md). The load's transaction keeps
 * its guarantees: an interrupt rolls it back, and a crash leaves a hot journal the next open
 * rolls back. While it runs, another run reads until the load writes its pages out and then
 * waits as its busy timeout allows (src/db/open.ts); with another connection already open,
 * SQLite refuses the switch at once and the load goes on in WAL.
 */
export function journalForLoad(db: DB, incomingRows: number): () => void {
  if (dialectOf(db) !== 'sqlite' || !isBulkLoad(db, incomingRows)) return () => {};
  try {
    if (sqliteSetting(db, 'journal_mode = DELETE', true) !== 'delete') return () => {};
  } catch (err) {
    if (isBusy(err)) return () => {};
    throw err;
  }
  // A rollback journal is safe from a power cut only when synced before the pages it guards.
  sqliteSetting(db, 'synchronous = FULL');
  return () => {
    sqliteSetting(db, 'synchronous = NORMAL');
    try {
      sqliteSetting(db, 'journal_mode = WAL');
    } catch (err) {
      // Another run opened the store meanwhile: the next open puts WAL back.
      if (!isBusy(err)) throw err;
    }
  };
}

/** At least MIN_BULK_ROWS incoming (an estimate), and at least half the rows stored. */
export function isBulkLoad(db: DB, incomingRows: number): boolean {
  if (incomingRows < MIN_BULK_ROWS) return false;
  return incomingRows * 2 >= Number(db.prepare('SELECT coalesce(max(id), 0) FROM transactions').pluck().get());
}

/**
 * Some row's identity is there twice: the unique identity index could not be built (SQLite),
 * or a row copied in bulk met it (PostgreSQL).
 */
export function isDuplicateIdentity(err: unknown): boolean {
  const e = err as { code?: string; message?: string; constraint?: string };
  if (e?.code === '23505') return e.constraint === IDENTITY_INDEX;
  return e?.code === 'SQLITE_CONSTRAINT_UNIQUE' && /\btransactions\.external_id\b/.test(e.message ?? '');
}
