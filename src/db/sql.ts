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
