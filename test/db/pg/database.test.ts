/**
 * The PostgreSQL facade (src/db/pg/database.ts) against a real server: values come back as
 * better-sqlite3 gives them, and get/all/iterate/pluck/raw behave the same, cursors included.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PgDatabase } from '../../../src/db/pg/database.js';
import { FETCH_SIZE } from '../../../src/db/pg/statement.js';
import type { Port } from '../../../src/db/port.js';
import { createDatabase, postgresMissing } from '../../helpers/pg-cluster.js';

const missing = postgresMissing();
if (missing) console.warn(`skipped: ${missing}`);

describe.skipIf(missing !== null)('PgDatabase statements', () => {
  let db: PgDatabase;
  beforeAll(async () => {
    db = new PgDatabase(await createDatabase(inject('pgUrl')!));
    db.exec(`
      CREATE TABLE v (id bigint PRIMARY KEY, n bigint, r double precision, t text, b bytea, f boolean);
      CREATE TABLE seq (i integer PRIMARY KEY, label text);
      INSERT INTO seq SELECT g, 'row ' || g FROM generate_series(1, 2500) g;
    `);
  });
  afterAll(() => db?.close());

  it('satisfies the port, and says it is PostgreSQL', () => {
    const port: Port = db;
    expect(port.inTransaction).toBe(false);
    expect(db.dialect).toBe('postgres');
  });

  it('round-trips int8 near 2^63 exactly with safeIntegers, and as number without', () => {
    const big = 2n ** 63n - 7n;
    const low = -(2n ** 63n);
    const ins = db.prepare('INSERT INTO v (id, n) VALUES (?, ?)');
    expect(ins.run(1, big).changes).toBe(1);
    ins.run(2, low);
    const sel = db.prepare('SELECT n FROM v WHERE id = ?').pluck();
    expect(sel.safeIntegers().get(1)).toBe(big);
    expect(sel.get(2)).toBe(low);
    expect(sel.safeIntegers(false).get(1)).toBe(Number(big));
    // count(*) is int8 on PostgreSQL: a number, as SQLite's COUNT gives.
    expect(db.prepare('SELECT count(*) FROM v').pluck().get()).toBe(2);
    expect(db.prepare('SELECT count(*) AS c FROM v').safeIntegers().get()).toEqual({ c: 2n });
  });

  it('SUM over bigint (numeric on PostgreSQL) is an integer, a fraction stays a number', () => {
    db.exec('CREATE TABLE money (minor bigint)');
    db.prepare('INSERT INTO money VALUES (?), (?)').run(9007199254740993n, 10n);
    expect(db.prepare('SELECT SUM(minor) FROM money').pluck().safeIntegers().get()).toBe(9007199254741003n);
    expect(db.prepare('SELECT 7::numeric / 2').pluck().get()).toBe(3.5);
    expect(db.prepare('SELECT 7::numeric / 2').pluck().safeIntegers().get()).toBe(3.5);
    expect(db.prepare('SELECT 2.5::float8 AS r, 3::int4 AS i').safeIntegers().get()).toEqual({ r: 2.5, i: 3n });
  });

  it('text with unicode, bytea as Buffer, NULL as null, booleans as 1/0', () => {
    const bytes = Buffer.from([0, 1, 2, 255, 0x27, 0x5c]);
    db.prepare('INSERT INTO v (id, r, t, b, f) VALUES (@id, @r, @t, @b, @f)').run({ id: 10, r: 1.25, t: 'Zürich – 東京 🚀 \'"', b: bytes, f: true });
    const row = db.prepare('SELECT r, t, b, f, n FROM v WHERE id = $id').get({ id: 10 }) as Record<string, unknown>;
    expect(row).toEqual({ r: 1.25, t: 'Zürich – 東京 🚀 \'"', b: bytes, f: 1, n: null });
    expect(Buffer.isBuffer(row.b)).toBe(true);
    expect(db.prepare('SELECT t FROM v WHERE id = :id AND t IS NOT NULL').pluck().get({ id: 99 })).toBeUndefined();
  });

  it('run reports changes; lastInsertRowid tells the caller to write RETURNING', () => {
    const r = db.prepare("UPDATE seq SET label = label || '' WHERE i <= ?").run(5);
    expect(r.changes).toBe(5);
    expect(() => r.lastInsertRowid).toThrow(/RETURNING id/);
    expect(db.prepare('SELECT 1').run().changes).toBe(0);
    expect(db.prepare('INSERT INTO seq VALUES (?, ?) RETURNING i').pluck().get(9001, 'x')).toBe(9001);
  });

  it('all, raw and pluck shape rows like better-sqlite3', () => {
    const q = db.prepare('SELECT i, label FROM seq WHERE i <= ? ORDER BY i');
    expect(q.all(2)).toEqual([{ i: 1, label: 'row 1' }, { i: 2, label: 'row 2' }]);
    expect(q.raw().all(2)).toEqual([[1, 'row 1'], [2, 'row 2']]);
    expect(q.pluck().all(2)).toEqual([1, 2]);
    expect(q.raw(false).pluck(false).get(1)).toEqual({ i: 1, label: 'row 1' });
    expect(() => db.prepare('UPDATE seq SET label = label WHERE i = 0').all()).toThrow(/does not return data/);
  });

  it('a statement error carries its SQLSTATE and is not a connection failure', () => {
    let err: unknown;
    try {
      db.prepare('SELECT * FROM no_such_table').all();
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ name: 'PgError', code: '42P01' });
    expect(db.prepare('SELECT 1 AS ok').get()).toEqual({ ok: 1 });
  });

  it('iterate streams past one fetch, with other statements run between rows', () => {
    const label = db.prepare('SELECT label FROM seq WHERE i = ?').pluck();
    const seen: number[] = [];
    for (const row of db.prepare('SELECT i FROM seq WHERE i <= ? ORDER BY i').iterate(2500) as Iterable<{ i: number }>) {
      seen.push(row.i);
      if (row.i % 500 === 0) expect(label.get(row.i)).toBe(`row ${row.i}`);
    }
    expect(seen.length).toBe(2500);
    expect(seen.length).toBeGreaterThan(FETCH_SIZE * 2);
    expect(seen[2499]).toBe(2500);
  });

  it('iterate inside a transaction sees its own writes and leaves the cursor closed on break', () => {
    const t = db.transaction(() => {
      db.prepare("UPDATE seq SET label = 'changed' WHERE i = 3").run();
      const out: unknown[] = [];
      for (const l of db.prepare('SELECT label FROM seq ORDER BY i').pluck().iterate()) {
        out.push(l);
        if (out.length === 3) break;
      }
      return out;
    });
    expect(t()).toEqual(['row 1', 'row 2', 'changed']);
    expect(db.prepare("SELECT count(*) FROM pg_cursors WHERE name LIKE $$payrecon%$$").pluck().get()).toBe(0);
  });

  it('breaking out of an iterate outside a transaction closes its WITH HOLD cursor', () => {
    const it = db.prepare('SELECT i FROM seq ORDER BY i').raw().iterate();
    expect(it.next().value).toEqual([1]);
    expect(db.prepare("SELECT count(*) FROM pg_cursors WHERE is_holdable AND name LIKE $$payrecon%$$").pluck().get()).toBe(1);
    it.return!();
    expect(db.prepare("SELECT count(*) FROM pg_cursors WHERE name LIKE $$payrecon%$$").pluck().get()).toBe(0);
  });

  it('iterate over INSERT ... RETURNING (no cursor possible) still yields its rows', () => {
    const rows = [...db.prepare("INSERT INTO seq VALUES (9100, 'a'), (9101, 'b') RETURNING i").pluck().iterate()];
    expect(rows).toEqual([9100, 9101]);
  });

  it('exec runs several statements; bigint and Buffer parameters bind exactly', () => {
    db.exec("CREATE TABLE e (x int8, y bytea); INSERT INTO e VALUES (1, '\\x00ff'); INSERT INTO e VALUES (2, NULL)");
    expect(db.prepare('SELECT x FROM e WHERE y = ?').pluck().get(Buffer.from([0, 255]))).toBe(1);
    expect(db.prepare('SELECT ?::int8 + 1').pluck().safeIntegers().get(2n ** 62n)).toBe(2n ** 62n + 1n);
  });
});
