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
 * `expr IN (the members of a JSON array of strings bound as one parameter)`; `param` is its
 * placeholder, `not` makes it NOT IN. PostgreSQL gets `= ANY (ARRAY(...))`: as `IN (SELECT ...)`
 * the planner took the list, on a table loaded moments before (no statistics yet), for a
 * nested loop over the whole table; an array always probes the index (docs/benchmarks.md).
 */
export function inJsonText(db: DB, expr: string, param: string, not = false): string {
  return inJsonList(db, expr, param, not, 'TEXT');
}

/** The same for a JSON array of integers (ids). */
export function inJsonInt(db: DB, expr: string, param: string, not = false): string {
  return inJsonList(db, expr, param, not, 'BIGINT');
}

function inJsonList(db: DB, expr: string, param: string, not: boolean, type: 'TEXT' | 'BIGINT'): string {
  if (dialectOf(db) === 'sqlite') return `${expr} ${not ? 'NOT IN' : 'IN'} (SELECT value FROM json_each(${param}))`;
  const any = `${expr} = ANY (ARRAY(SELECT CAST(value AS ${type}) FROM json_array_elements_text(CAST(${param} AS json))))`;
  return not ? `NOT (${any})` : any;
}

/** The text of member `key` of a JSON object stored as text in `expr`: `json_extract(expr, '$.key')` on SQLite. */
export function jsonField(db: DB, expr: string, key: string): string {
  return dialectOf(db) === 'sqlite' ? `json_extract(${expr}, '$.${key}')` : `(CAST(${expr} AS json) ->> '${key}')`;
}

/** Where `needle` starts in `haystack` (1-based, 0 when absent): `instr(haystack, needle)` on SQLite. */
export function positionFn(db: DB): string {
  return dialectOf(db) === 'sqlite' ? 'instr' : 'strpos';
}

/**
 * `expr` matches a glob pattern (`*` any run, `?` one character, `[abc]` a set; case-sensitive),
 * SQLite's GLOB. On PostgreSQL the same pattern, turned into an anchored regular expression by
 * globToRegex, is matched with `~`. Returns the condition and the value to bind to `param`.
 */
export function globMatch(db: DB, expr: string, param: string, pattern: string): { sql: string; value: string } {
  return dialectOf(db) === 'sqlite' ? { sql: `${expr} GLOB ${param}`, value: pattern } : { sql: `${expr} ~ ${param}`, value: globToRegex(pattern) };
}

/** SQLite's GLOB pattern as an anchored POSIX regular expression (PostgreSQL's `~`). */
export function globToRegex(pattern: string): string {
  let out = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      // An unterminated set matches nothing in GLOB: an anchor after a character never holds.
      if (end < 0) return 'x^';
      let set = pattern.slice(i + 1, end);
      // GLOB negates a set with ^ as regular expressions do; a backslash is literal in GLOB.
      set = set.replace(/\\/g, '\\\\');
      out += `[${set}]`;
      i = end;
    } else out += /[.+(){}|^$\\]/.test(c) ? `\\${c}` : c;
  }
  return `${out}$`;
}

/** A condition that is never true (SQLite accepts a bare 0; PostgreSQL wants a boolean). */
export const NEVER = '1 = 0';

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
