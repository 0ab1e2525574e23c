/**
 * The indexes a windowed reconcile selects through (migration 015) cost an import about 3 µs a
 * row each when maintained row by row, and a third of that when built once after the rows are
 * in (docs/benchmarks.md, "Nightly cost"). So an import that brings at least as many rows as
 * half the store (a first load, a month's backfill) drops them inside its transaction and builds
 * them again before it commits; a night's file into a large store keeps them. DDL is
 * transactional in SQLite: an interrupted import rolls the indexes back with its rows.
 */
import type { DB } from './open.js';

export const WINDOW_INDEXES = ['transactions_window', 'transactions_psp_ref', 'transactions_payout', 'transaction_ids_tx'] as const;

/** Below this many incoming rows maintaining the indexes row by row is cheap either way. */
const MIN_DEFERRED_ROWS = 50_000;

/**
 * Inside a write transaction: drop the window indexes when `incomingRows` (an estimate) is at
 * least half the rows stored, and return what builds them again (call it before committing).
 */
export function deferWindowIndexes(db: DB, incomingRows: number): () => void {
  const stored = db.prepare('SELECT coalesce(max(id), 0) FROM transactions').pluck().get() as number;
  if (incomingRows < MIN_DEFERRED_ROWS || incomingRows * 2 < stored) return () => {};
  // Their definitions are read from the schema, so migration 015 stays the one place they are written.
  const defs = db
    .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name IN (${WINDOW_INDEXES.map(() => '?').join(', ')})`)
    .all(...WINDOW_INDEXES) as Array<{ name: string; sql: string }>;
  for (const d of defs) db.exec(`DROP INDEX ${d.name}`);
  return () => {
    for (const d of defs) db.exec(d.sql);
  };
}
