/**
 * Migrating a PostgreSQL store (issue 16). PostgreSQL has no PRAGMA user_version: the version
 * is the one row of `payrecon_schema`, created by the first file. The files live in
 * migrations-pg/ (`NNN-name.sql`, NNN = the version the store has after it): 016-schema.sql
 * creates the whole schema of a SQLite store at 016 at once, and a later migration adds a file
 * there beside its SQLite one (test/db/pg-schema.test.ts holds the two schemas equal).
 *
 * Written against the storage port (src/db/port.ts) like everything above db/, so the store
 * opener runs it over the synchronous PostgreSQL connection. Each file applies in its own
 * transaction under a transaction-scoped advisory lock: two processes opening a new store at
 * once queue behind each other, and the second, re-reading the version under the lock, finds
 * nothing left to do (as `BEGIN IMMEDIATE` and the re-read do in src/db/open.ts's migrate).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DatabaseError } from '../errors.js';
import type { Migration } from './open.js';
import type { Port } from './port.js';

const PG_MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations-pg');

/**
 * The advisory lock key every payrecon migration takes ('payr' in ASCII): one constant, so
 * any two payrecon processes on one database serialise, and no other key is likely to collide.
 */
export const PG_MIGRATION_LOCK = 0x70617972;

/** The PostgreSQL migrations shipped with this build, in order. */
export function loadPgMigrations(dir = PG_MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3}-[\w-]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 3)), name: f, sql: readFileSync(join(dir, f), 'utf8') }));
}

/**
 * The migrations a store at `current` needs, in order (none when it is up to date). A store
 * newer than this build knows is refused with the words src/db/open.ts's migrate uses.
 */
export function planPgMigrations(current: number, migrations: Migration[], where: string): Migration[] {
  const known = migrations.length ? migrations[migrations.length - 1].version : 0;
  if (current > known) {
    throw new DatabaseError(
      `${where} has schema version ${current}, newer than this payrecon knows (${known})`,
      'upgrade payrecon; databases are never migrated backwards',
    );
  }
  return migrations.filter((m) => m.version > current);
}

/** Whether the connection's schema holds payrecon's version table yet (an empty database does not). */
const HAS_VERSION_TABLE = `SELECT count(*) FROM pg_catalog.pg_tables
  WHERE schemaname = current_schema() AND tablename = 'payrecon_schema'`;

/** The store's schema version: 0 for an empty database (no version table). */
export function readPgVersion(db: Port): number {
  if (Number(db.prepare(HAS_VERSION_TABLE).pluck().get()) === 0) return 0;
  return Number(db.prepare('SELECT version FROM payrecon_schema').pluck().get() ?? 0);
}

/**
 * Bring the store on `db` up to this build's schema; `where` names it in the refusal (the URL
 * without its password). Returns the versions applied (none when another process did it).
 */
export function migratePg(db: Port, where: string, migrations = loadPgMigrations()): number[] {
  const applied: number[] = [];
  for (const m of planPgMigrations(readPgVersion(db), migrations, where)) {
    db.transaction(() => {
      db.prepare(`SELECT pg_advisory_xact_lock(${PG_MIGRATION_LOCK})`).get();
      // Re-read under the lock: another process may have migrated while we waited.
      const now = readPgVersion(db);
      planPgMigrations(now, migrations, where);
      if (m.version <= now) return;
      db.exec(m.sql);
      db.prepare('UPDATE payrecon_schema SET version = ?').run(m.version);
      applied.push(m.version);
    })();
  }
  return applied;
}
