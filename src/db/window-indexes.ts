/**
 * The indexes only a narrow reconcile (`--from/--to`: a night) selects through (migration 015).
 * On SQLite a bulk load (src/db/bulk-load.ts) drops them with the identity index and leaves them
 * unbuilt: a full reconcile never reads them, and at 1M x 1M their builds were about 1.2 s of
 * the Stripe load and 3.3 s of the ledger load, which rebuilt them over the PSP rows as well
 * (docs/benchmarks/import.md, "Session 7"). The first narrow reconcile after a bulk load builds
 * what is missing, once, in a transaction of its own that stays even when the run is a dry run
 * (they are derived from the rows, not a record); every night after finds them. PostgreSQL's bulk
 * load puts them back itself (src/db/bulk-load-pg.ts).
 *
 * The definitions are migration 015's, written here a second time because a dropped index leaves
 * no trace in the schema; test/db/window-indexes.test.ts checks that they are the same.
 */
import { dialectOf, type DB } from './open.js';

/** Name -> definition, as migration 015 creates them. */
export const DEFERRED_INDEXES: Readonly<Record<string, string>> = {
  transactions_window: 'CREATE INDEX transactions_window ON transactions (side, booked_at)',
  transactions_psp_ref: 'CREATE INDEX transactions_psp_ref ON transactions (psp_reference) WHERE psp_reference IS NOT NULL',
  transactions_payout: 'CREATE INDEX transactions_payout ON transactions (payout_id) WHERE payout_id IS NOT NULL',
};

/** The deferred indexes the store lacks (none on PostgreSQL). */
export function missingWindowIndexes(db: DB): string[] {
  if (dialectOf(db) !== 'sqlite') return [];
  const names = Object.keys(DEFERRED_INDEXES);
  const present = new Set(
    db
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND name IN (${names.map(() => '?').join(', ')})`)
      .pluck()
      .all(...names) as string[],
  );
  return names.filter((n) => !present.has(n));
}

/** Inside a write transaction: build the deferred indexes the store lacks; their names. */
export function buildWindowIndexes(db: DB): string[] {
  const missing = missingWindowIndexes(db);
  for (const name of missing) db.exec(DEFERRED_INDEXES[name]);
  return missing;
}
