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

/** The schema of this connection's temporary tables, for `DROP TABLE IF EXISTS ${tempSchema(db)}.x`: `temp` on SQLite. */
export function tempSchema(db: DB): string {
  return dialectOf(db) === 'sqlite' ? 'temp' : 'pg_temp';
}

/**
 * The integer column type of a temporary table: SQLite's INTEGER (a rowid alias as `INTEGER
 * PRIMARY KEY`, which BIGINT would not be), PostgreSQL's BIGINT (its INTEGER is 32 bits).
 */
export function intType(db: DB): string {
  return dialectOf(db) === 'sqlite' ? 'INTEGER' : 'BIGINT';
}

/** Whole days between two `YYYY-MM-DD...` texts, unsigned (julianday on SQLite, date subtraction on PostgreSQL). */
export function dayDistance(db: DB | 'sqlite' | 'postgres', a: string, b: string): string {
  const d = typeof db === 'string' ? db : dialectOf(db);
  return d === 'sqlite'
    ? `abs(julianday(substr(${a}, 1, 10)) - julianday(substr(${b}, 1, 10)))`
    : `abs(CAST(substr(${a}, 1, 10) AS date) - CAST(substr(${b}, 1, 10) AS date))`;
}

/**
 * SQLite's planner hints, empty on PostgreSQL (which has none and plans on its statistics):
 * unary `+` hides a column from index choice, `NOT INDEXED` forces a table scan, `CROSS JOIN`
 * fixes the join order (PostgreSQL's CROSS JOIN takes no ON: there it is a plain JOIN).
 */
export interface PlannerHints {
  plus: string;
  notIndexed: string;
  crossJoin: string;
}

export const SQLITE_HINTS: PlannerHints = { plus: '+', notIndexed: 'NOT INDEXED', crossJoin: 'CROSS JOIN' };
const NO_HINTS: PlannerHints = { plus: '', notIndexed: '', crossJoin: 'JOIN' };

export function plannerHints(db: DB): PlannerHints {
  return dialectOf(db) === 'sqlite' ? SQLITE_HINTS : NO_HINTS;
}
