/**
 * Opening the store: WAL mode, a bounded wait for another writer, numbered SQL migrations
 * applied forward in one transaction each, and a refusal to touch a schema newer than ours.
 */
import Database from 'better-sqlite3';
import { closeSync, existsSync, openSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DatabaseError, IoError, ioErrorFor, PayreconError } from '../errors.js';
import type { Dialect, Port } from './port.js';
import { PgDatabase } from './pg/database.js';
import { isBusy } from './errors-port.js';

/** A connection as the floors above db/ see it (src/db/port.ts); SQLite or PostgreSQL. */
export type DB = Port;

/** The SQLite connection behind `db`, or null on PostgreSQL: for what only SQLite has (PRAGMAs). */
export function sqliteOf(db: DB): Database.Database | null {
  return db instanceof Database ? db : null;
}

/**
 * A SQLite setting (`PRAGMA <setting>`; with `read`, its value). These are knobs of SQLite's own
 * file and caches (cache_size, temp_store, secure_delete); a PostgreSQL server has no per-
 * connection equivalent, so there this does nothing and returns undefined.
 */
export function sqliteSetting(db: DB, setting: string, read = false): unknown {
  const s = sqliteOf(db);
  return s ? s.pragma(setting, { simple: read }) : undefined;
}

export function dialectOf(db: DB): Dialect {
  return db instanceof Database ? 'sqlite' : 'postgres';
}

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The numbered migrations shipped with this build, in order (`NNN-name.sql`). */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3}-[\w-]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 3)), name: f, sql: readFileSync(join(dir, f), 'utf8') }));
}

export interface OpenOptions {
  /** How long to wait for another writer before giving up with exit 19 (ms). */
  busyTimeoutMs?: number;
  readonly?: boolean;
  /**
   * Create the database when it does not exist (import, baseline init, the scheduler). Commands
   * that only read refuse a missing one instead: a mistyped --db must not look like a clean
   * database with nothing open.
   */
  create?: boolean;
}

const HOW_TO_CREATE = 'check --db and $PAYRECON_DB; a database is created by `payrecon import ...` or `payrecon baseline init ...`';

/**
 * Make sure the database file exists before SQLite opens it: created empty with mode 0600
 * (settlement data and signatures are nobody else's business; SQLite gives the -wal and -shm
 * files the same mode), in a directory that must already exist.
 */
function ensureFile(path: string, create: boolean): void {
  if (existsSync(path)) return;
  if (!create) throw new DatabaseError(`no payrecon database at ${path}`, HOW_TO_CREATE);
  const dir = dirname(path);
  if (!existsSync(dir)) {
    throw new IoError(`cannot create ${path}: the directory ${dir} does not exist`, 'create the directory first, or check --db and $PAYRECON_DB');
  }
  try {
    closeSync(openSync(path, 'wx', 0o600));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return; // another run created it meanwhile
    throw ioErrorFor(path, err, 'create');
  }
}

export function defaultBusyTimeout(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.PAYRECON_BUSY_TIMEOUT_MS);
  return Number.isFinite(v) && v >= 0 ? v : 5000;
}

/** Open (creating it if `create`, the default) and migrate the database at `path`. */
export function openDatabase(path: string, opts: OpenOptions = {}): DB {
  const timeout = opts.busyTimeoutMs ?? defaultBusyTimeout();
  if (path !== ':memory:') ensureFile(path, opts.create ?? true);
  let db: Database.Database;
  try {
    db = new Database(path, { timeout, readonly: opts.readonly ?? false });
  } catch (err) {
    throw translateDbError(err, path);
  }
  try {
    // 16 KiB pages for a new database (ignored for an existing one): bulk imports of million-row
    // files spend most of their time in B-tree inserts, measured ~25% faster than with 4 KiB.
    db.pragma('page_size = 16384');
    keepWal(db);
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    // 64 MiB of page cache (default 2 MiB): million-row imports insert into identifier indexes
    // in no particular order, and a small cache turns that into disk traffic.
    db.pragma('cache_size = -65536');
    migrate(db, path);
  } catch (err) {
    db.close();
    throw translateDbError(err, path);
  }
  return db;
}

/**
 * WAL, the store's journal: readers see the last commit while a writer works. A bulk load that
 * has the store to itself switches to a rollback journal for its transaction and back after it
 * (src/db/bulk-load.ts); a run opening meanwhile cannot switch (SQLite answers busy at once) and
 * goes on in the rollback journal: it reads until the load writes its pages out, then waits for
 * the load as long as its busy timeout allows. A read-only connection cannot switch either.
 */
function keepWal(db: Database.Database): void {
  try {
    db.pragma('journal_mode = WAL');
  } catch (err) {
    const code = (err as { code?: string })?.code ?? '';
    if (!isBusy(err) && !code.startsWith('SQLITE_READONLY')) throw err;
  }
}

export function migrate(db: Database.Database, path: string, migrations = loadMigrations()): void {
  const known = migrations.length ? migrations[migrations.length - 1].version : 0;
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > known) {
    throw new DatabaseError(
      `${path} has schema version ${current}, newer than this payrecon knows (${known})`,
      'upgrade payrecon; databases are never migrated backwards',
    );
  }
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.exec('BEGIN IMMEDIATE');
    try {
      // Re-check under the write lock: another process may have migrated while we waited.
      const now = db.pragma('user_version', { simple: true }) as number;
      if (m.version > now) {
        db.exec(m.sql);
        db.pragma(`user_version = ${m.version}`);
      }
      db.exec('COMMIT');
    } catch (err) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw err;
    }
  }
}

/** Map SQLite's failures to the contract's exit 19 with words a user can act on. */
export function translateDbError(err: unknown, path = 'the database'): unknown {
  if (err instanceof PayreconError) return err;
  const code = (err as { code?: string })?.code ?? '';
  if (isBusy(err)) {
    return new DatabaseError(
      `${path} is locked by another payrecon run`,
      'wait for it to finish (or raise PAYRECON_BUSY_TIMEOUT_MS) and run again',
    );
  }
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return new DatabaseError(`${path} is not a payrecon database or is corrupt`);
  }
  // The disk, not the database: exit 18 like every other I/O failure. The unit being written
  // (a file's import, a run, a baseline) was rolled back; earlier units stay.
  if (code === 'SQLITE_FULL') {
    return new IoError(`disk full: cannot write ${path}`, `free space on the filesystem holding ${path} and run the command again`);
  }
  if (code.startsWith('SQLITE_IOERR')) {
    return new IoError(
      `disk full or failing: cannot write ${path} (${code})`,
      `check the filesystem holding ${path} (free space, health) and run the command again`,
    );
  }
  if (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_READONLY')) {
    return new DatabaseError(`cannot open ${path}: ${(err as Error).message}`);
  }
  return err;
}

/**
 * Begin a write transaction holding the store's one writer lock up front: SQLite's BEGIN
 * IMMEDIATE, or on PostgreSQL payrecon's advisory writer lock (src/db/pg/database.ts), so every
 * write path keeps the one-writer-at-a-time model it was written for.
 */
export function beginWrite(db: DB): void {
  if (db instanceof PgDatabase) db.beginWrite();
  else db.exec('BEGIN IMMEDIATE');
}

/**
 * Run `fn` inside one write transaction that may span awaits (so progress can redraw and a
 * signal can be noticed between batches). Any throw, including an interrupt, rolls back:
 * the database is as it was before, never in between.
 */
/**
 * Before a rollback on PostgreSQL: wait for the writes still deferred (src/db/write-behind.ts)
 * and forget a failure among them. The error being thrown already says what went wrong, and the
 * rollback must run, or a long-lived process keeps a failed transaction open. Nothing on SQLite.
 */
export function settleQuietly(db: DB): void {
  if (db instanceof PgDatabase) db.settleQuietly();
}

export async function withWriteTransaction<T>(db: DB, fn: () => Promise<T> | T): Promise<T> {
  try {
    beginWrite(db);
  } catch (err) {
    throw translateDbError(err, db.name);
  }
  try {
    const result = await fn();
    db.exec('COMMIT');
    return result;
  } catch (err) {
    try {
      settleQuietly(db);
      if (db.inTransaction) db.exec('ROLLBACK');
    } catch {
      // SQLite rolls back by itself after an I/O error; the original failure is what to report.
    }
    throw translateDbError(err, db.name);
  }
}
