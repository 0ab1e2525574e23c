/**
 * The SQL fragments the two engines spell differently (src/db/sql.ts) mean the same on both:
 * each is evaluated by a real SQLite and a real PostgreSQL over the same table of cases.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase, type DB } from '../../src/db/open.js';
import { openStore } from '../../src/db/store.js';
import { globMatch, globToRegex, inJsonInt, inJsonText, jsonField, jsonObjectFn, NEVER, positionFn } from '../../src/db/sql.js';
import { createDatabase, postgresMissing } from '../helpers/pg-cluster.js';

const GLOBS: Array<[pattern: string, text: string]> = [
  ['INV-*', 'INV-2025-001'],
  ['INV-*', 'inv-2025-001'],
  ['INV-?', 'INV-7'],
  ['INV-?', 'INV-77'],
  ['*2025*', 'order 2025-03'],
  ['[AB]*', 'Bravo'],
  ['[AB]*', 'Charlie'],
  ['[^AB]*', 'Charlie'],
  ['[a-c]x', 'bx'],
  ['a.b', 'a.b'],
  ['a.b', 'axb'],
  ['(x)+', '(x)+'],
  ['$5|^', '$5|^'],
  ['back\\slash', 'back\\slash'],
  ['', ''],
  ['*', ''],
  ['[', '['],
  ['a[', 'a['],
  ['[]x]', ']'],
];

const missing = postgresMissing();
if (missing) console.warn(`PostgreSQL half skipped: ${missing}`);

describe('src/db/sql.ts fragments', () => {
  const stores: Array<[string, DB]> = [];
  beforeAll(async () => {
    stores.push(['sqlite', openDatabase(':memory:')]);
    if (!missing) stores.push(['postgres', openStore(await createDatabase(inject('pgUrl')!))]);
  });
  afterAll(() => stores.forEach(([, db]) => db.close()));

  it.each(GLOBS)('glob %j against %j: the same answer from SQLite GLOB and from both fragments', (pattern, text) => {
    const reference = (stores[0][1].prepare('SELECT CASE WHEN ? GLOB ? THEN 1 ELSE 0 END').pluck().get(text, pattern) as number) === 1;
    for (const [name, db] of stores) {
      const g = globMatch(db, 'CAST(? AS TEXT)', 'CAST(? AS TEXT)', pattern);
      const got = db.prepare(`SELECT CASE WHEN ${g.sql} THEN 1 ELSE 0 END`).pluck().get(text, g.value);
      expect(got === 1, `${name}: ${pattern} ~ ${text}`).toBe(reference);
    }
    expect(globToRegex(pattern).startsWith('^') || globToRegex(pattern) === 'x^').toBe(true);
  });

  it('JSON fields, positions, lists, objects and a never-true condition', () => {
    for (const [name, db] of stores) {
      const doc = JSON.stringify({ source: 'stripe', id: 'ch_1+ch_2' });
      expect(db.prepare(`SELECT ${jsonField(db, 'CAST(? AS TEXT)', 'source')}`).pluck().get(doc), name).toBe('stripe');
      expect(db.prepare(`SELECT ${positionFn(db)}(CAST(? AS TEXT), CAST(? AS TEXT))`).pluck().get('+ch_1+ch_2+', '+ch_2+'), name).toBe(6);
      expect(db.prepare(`SELECT ${positionFn(db)}(CAST(? AS TEXT), CAST(? AS TEXT))`).pluck().get('abc', 'x'), name).toBe(0);
      const words = `SELECT w FROM (SELECT 'a' AS w UNION ALL SELECT 'b' UNION ALL SELECT 'c') AS t`;
      expect(db.prepare(`${words} WHERE ${inJsonText(db, 'w', '?')} ORDER BY w`).pluck().all(JSON.stringify(['c', 'a', 'x'])), name).toEqual(['a', 'c']);
      expect(db.prepare(`${words} WHERE ${inJsonText(db, 'w', '?', true)} ORDER BY w`).pluck().all(JSON.stringify(['c', 'a'])), name).toEqual(['b']);
      expect(db.prepare(`${words} WHERE ${inJsonText(db, 'w', '?', true)} ORDER BY w`).pluck().all('[]'), name).toEqual(['a', 'b', 'c']);
      const ids = `SELECT n FROM (SELECT 40 AS n UNION ALL SELECT 2 UNION ALL SELECT 7) AS t`;
      expect(db.prepare(`SELECT sum(n) FROM (${ids}) AS u WHERE ${inJsonInt(db, 'n', '?')}`).pluck().get(JSON.stringify([40, 2, 99])), name).toBe(42);
      expect(db.prepare(`SELECT sum(n) FROM (${ids}) AS u WHERE ${inJsonInt(db, 'n', '?', true)}`).pluck().get(JSON.stringify([40, 2])), name).toBe(7);
      const obj = db.prepare(`SELECT ${jsonObjectFn(db)}('id', 7, 'rule', CAST(? AS TEXT))`).pluck().get('exact_id') as string;
      expect(JSON.parse(obj), name).toEqual({ id: 7, rule: 'exact_id' });
      expect(db.prepare(`SELECT count(*) FROM (SELECT 1 AS x) AS t WHERE ${NEVER}`).pluck().get(), name).toBe(0);
    }
  });
});
