/**
 * SQL fragments that SQLite and PostgreSQL spell differently (issue 16). Statements are written
 * once, in what both engines accept (src/db/port.ts); where they cannot be, the statement takes
 * its fragment from here, so the difference stays inside db/. Add a fragment beside its kin.
 */
import { dialectOf, type DB } from './open.js';

/** A JSON object built from key/value pairs: `json_object(...)` on SQLite. */
export function jsonObjectFn(db: DB): string {
  return dialectOf(db) === 'sqlite' ? 'json_object' : 'json_build_object';
}

/** A JSON array aggregate: `json_group_array(...)` on SQLite. */
export function jsonArrayAggFn(db: DB): string {
  return dialectOf(db) === 'sqlite' ? 'json_group_array' : 'json_agg';
}

/**
 * The rows of a JSON array of strings bound as one parameter (`param` is its placeholder), as
 * a one-column subquery named `value`: `x IN ${jsonTextList(db, '?')}`.
 */
export function jsonTextList(db: DB, param: string): string {
  return dialectOf(db) === 'sqlite' ? `(SELECT value FROM json_each(${param}))` : `(SELECT value FROM json_array_elements_text(CAST(${param} AS json)))`;
}

/** The same for a JSON array of integers (ids). */
export function jsonIntList(db: DB, param: string): string {
  return dialectOf(db) === 'sqlite'
    ? `(SELECT value FROM json_each(${param}))`
    : `(SELECT CAST(value AS BIGINT) AS value FROM json_array_elements_text(CAST(${param} AS json)))`;
}

/** After a text column in ORDER BY: the order of its UTF-8 bytes (SQLite's BINARY; PostgreSQL's default collation may follow a locale). */
export function byteOrder(db: DB): string {
  return dialectOf(db) === 'sqlite' ? '' : ' COLLATE "C"';
}

/** A one-row query that returns a row when the table `name` exists (in the store's schema). */
export function tableExistsSql(db: DB): string {
  return dialectOf(db) === 'sqlite'
    ? "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
    : 'SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = CAST(? AS TEXT)';
}
