/**
 * Opening a PostgreSQL store (issue 16): connect through the synchronous facade, bound how long
 * a statement waits for a lock (the busy timeout SQLite has), and migrate. A command that only
 * reads refuses a database that holds no payrecon store, as it refuses a missing SQLite file.
 */
import { DatabaseError } from '../../errors.js';
import { migratePg, readPgVersion } from '../migrate-pg.js';
import { defaultBusyTimeout, type OpenOptions } from '../open.js';
import { PgDatabase } from './database.js';

export function openPostgres(url: string, opts: OpenOptions = {}): PgDatabase {
  const db = new PgDatabase(url);
  try {
    // Waiting for another writer (the writer lock, src/db/open.ts beginWrite) or a row lock is
    // bounded like SQLite's busy timeout; past it the statement fails with lock_not_available,
    // which translateDbError words as "locked by another payrecon run" (exit 19).
    const timeout = Math.max(0, Math.floor(opts.busyTimeoutMs ?? defaultBusyTimeout()));
    // lock_timeout 0 means "wait forever" on PostgreSQL: the shortest real bound stands in for "do not wait".
    db.exec(`SET lock_timeout = ${timeout === 0 ? 1 : timeout}`);
    if (!(opts.create ?? true) && readPgVersion(db) === 0) {
      throw new DatabaseError(
        `no payrecon database at ${db.server}`,
        'check --db and $PAYRECON_DB; a database is created by `payrecon import ...` or `payrecon baseline init ...`',
      );
    }
    if (!opts.readonly) migratePg(db, db.server);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}
