/**
 * better-sqlite3 parameter syntax to PostgreSQL's (src/db/pg/params.ts): placeholders become
 * $n, and nothing inside a literal, a quoted identifier, a comment or a cast is mistaken for one.
 */
import { describe, expect, it } from 'vitest';
import { bindArguments, translate } from '../../../src/db/pg/params.js';

const CASES: Array<[string, string, string, number, string[]]> = [
  // [what, SQL in, SQL out, positional count, names]
  ['positional in order', 'SELECT * FROM t WHERE a = ? AND b = ?', 'SELECT * FROM t WHERE a = $1 AND b = $2', 2, []],
  ['? inside a string literal', "SELECT '?' AS q, a FROM t WHERE b = ?", "SELECT '?' AS q, a FROM t WHERE b = $1", 1, []],
  ['doubled quote in a literal', "SELECT 'it''s ?' WHERE x = ?", "SELECT 'it''s ?' WHERE x = $1", 1, []],
  ['E-string with an escaped quote', "SELECT E'a\\'?' , ?", "SELECT E'a\\'?' , $1", 1, []],
  ['quoted identifier with ?', 'SELECT "col?" FROM t WHERE "a""?" = ?', 'SELECT "col?" FROM t WHERE "a""?" = $1', 1, []],
  ['line comment', 'SELECT a -- is a = ? here\nFROM t WHERE b = ?', 'SELECT a -- is a = ? here\nFROM t WHERE b = $1', 1, []],
  ['nested block comment', 'SELECT /* ? /* @x */ :y */ a FROM t WHERE b = ?', 'SELECT /* ? /* @x */ :y */ a FROM t WHERE b = $1', 1, []],
  ['@name reused twice', 'SELECT * FROM t WHERE a = @a OR b = @a AND c = @c', 'SELECT * FROM t WHERE a = $1 OR b = $1 AND c = $2', 0, ['a', 'c']],
  [':name form', 'UPDATE t SET a = :value WHERE id = :id', 'UPDATE t SET a = $1 WHERE id = $2', 0, ['value', 'id']],
  ['$name form', 'INSERT INTO t VALUES ($id, $note)', 'INSERT INTO t VALUES ($1, $2)', 0, ['id', 'note']],
  ['::text cast is not :text', 'SELECT @a::text, x::bigint FROM t', 'SELECT $1::text, x::bigint FROM t', 0, ['a']],
  ['? followed by a cast', 'SELECT ?::int8', 'SELECT $1::int8', 1, []],
  ['dollar-quoted body untouched', 'SELECT $$ ? @a :b $$, $fn$ ?; $fn$, ?', 'SELECT $$ ? @a :b $$, $fn$ ?; $fn$, $1', 1, []],
  ['existing $1 left alone', 'SELECT $1, $2', 'SELECT $1, $2', 0, []],
  ['email-like text in a literal', "SELECT 'a@b.c', @who", "SELECT 'a@b.c', $1", 0, ['who']],
  ['identifier with $ is no quote', 'SELECT a$b$ FROM t WHERE x = ?', 'SELECT a$b$ FROM t WHERE x = $1', 1, []],
  ['no parameters', 'SELECT 1', 'SELECT 1', 0, []],
];

describe('parameter translation', () => {
  it.each(CASES)('%s', (_what, input, output, positional, names) => {
    expect(translate(input)).toEqual({ text: output, positional, names });
  });

  it('refuses a statement mixing ? and names', () => {
    expect(() => translate('SELECT ?, @a')).toThrow(/mixes/);
    expect(() => translate('SELECT @a, ?')).toThrow(/mixes/);
  });
});

describe('binding arguments as better-sqlite3 takes them', () => {
  it('positional values, loose or in an array', () => {
    const t = translate('SELECT ?, ?');
    expect(bindArguments(t, [1, 'x'])).toEqual([1, 'x']);
    expect(bindArguments(t, [[1, 'x']])).toEqual([1, 'x']);
  });

  it('too few or too many positional values', () => {
    const t = translate('SELECT ?, ?');
    expect(() => bindArguments(t, [1])).toThrow(/Too few/);
    expect(() => bindArguments(t, [1, 2, 3])).toThrow(/Too many/);
  });

  it('an object of named values binds nothing positional, as in better-sqlite3', () => {
    expect(bindArguments(translate('SELECT 1'), [{ from: null }])).toEqual([]);
    expect(bindArguments(translate('SELECT ?'), [5, { from: null }])).toEqual([5]);
  });

  it('named values from one object, in $k order, a missing one named', () => {
    const t = translate('SELECT @b, @a, @b');
    expect(bindArguments(t, [{ a: 1, b: 2 }])).toEqual([2, 1]);
    expect(() => bindArguments(t, [{ a: 1 }])).toThrow(/Missing named parameter "b"/);
    expect(() => bindArguments(t, [1, 2])).toThrow(/one object/);
  });
});
