/**
 * The indexes only a narrow reconcile (`--from/--to`: a night) selects through (migration 015).
 * A bulk load (src/db/bulk-load.ts; on PostgreSQL src/db/bulk-load-pg.ts) drops them and leaves
 * them unbuilt: a full reconcile never reads them, and at 1M x 1M their builds were about 1.2 s
 * of the Stripe load and 3.3 s of the ledger load, which rebuilt them over the PSP rows as well
 * (docs/benchmarks/import.md, "Session 7"). The first narrow reconcile after a bulk load builds
 * what is missing, once, in a transaction of its own that stays even when the run is a dry run
 * (they are derived from the rows, not a record); every night after finds them.
 *
 * The definitions are migration 015's (and src/db/migrations-pg/016-schema.sql's, the same on a
 * server), written here a second time because a dropped index leaves no trace in the schema;
 * test/db/window-indexes.test.ts and test/e2e/import-bulk.test.ts check that they are the same.
 */
import { dialectOf, type DB } from './open.js';

/** Name -> definition, as migration 015 creates them. */
export const DEFERRED_INDEXES: Readonly<Record<string, string>> = {
  transactions_window: 'CREATE INDEX transactions_window ON transactions (side, booked_at)',
  transactions_psp_ref: 'CREATE INDEX transactions_psp_ref ON transactions (psp_reference) WHERE psp_reference IS NOT NULL',
  transactions_payout: 'CREATE INDEX transactions_payout ON transactions (payout_id) WHERE payout_id IS NOT NULL',
};

/** The deferred indexes the store lacks. */
export function missingWindowIndexes(db: DB): string[] {
  const names = Object.keys(DEFERRED_INDEXES);
  const list = names.map(() => '?').join(', ');
  const present = new Set(
    db
      .prepare(
        dialectOf(db) === 'sqlite'
          ? `SELECT name FROM sqlite_master WHERE type = 'index' AND name IN (${list})`
          : `SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND indexname IN (${list})`,
      )
      .pluck()
      .all(...names) as string[],
  );
  return names.filter((n) => !present.has(n));
}

/** Inside a write transaction: build one of the deferred indexes (a name missingWindowIndexes gave). */
export function buildWindowIndex(db: DB, name: string): void {
  const sql = DEFERRED_INDEXES[name];
  if (sql === undefined) throw new Error(`internal: ${name} is not a deferred index`);
  db.exec(sql);
}

/** Inside a write transaction: build the deferred indexes the store lacks; their names. */
export function buildWindowIndexes(db: DB): string[] {
  const missing = missingWindowIndexes(db);
  for (const name of missing) buildWindowIndex(db, name);
  return missing;
}
