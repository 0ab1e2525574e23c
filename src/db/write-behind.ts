/**
 * A write run many times whose result nobody reads (a matched pair, a block of a file's bytes).
 * On SQLite it runs at once. On PostgreSQL it is deferred (PgDatabase.defer): each call returns
 * without the ~0.25 ms round trip to the server, the server runs the writes in order while the
 * caller goes on, and a failure is thrown by the next statement the caller waits on, inside the
 * same transaction, so nothing is lost or half-written. `settle` waits for them.
 */
import { dialectOf, type DB } from './open.js';
import type { PgDatabase } from './pg/database.js';

export interface WriteBehind {
  (...params: unknown[]): void;
  /** Wait until every write so far is done; throws the first that failed. */
  settle(): void;
}

export function writeBehind(db: DB, sql: string): WriteBehind {
  if (dialectOf(db) === 'postgres') {
    const pg = db as unknown as PgDatabase;
    return Object.assign((...params: unknown[]) => void pg.defer(sql, params), { settle: () => pg.settle() });
  }
  const stmt = db.prepare(sql);
  return Object.assign((...params: unknown[]) => void stmt.run(...params), { settle: () => {} });
}
