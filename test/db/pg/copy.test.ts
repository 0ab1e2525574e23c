/**
 * COPY ... FROM STDIN through the facade (PgDatabase.copyFrom): every row arrives exactly, in
 * whatever chunks the caller cuts, and a bad row cancels the whole COPY.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PgDatabase } from '../../../src/db/pg/database.js';
import { createDatabase, postgresMissing } from '../../helpers/pg-cluster.js';

const missing = postgresMissing();
if (missing) console.warn(`skipped: ${missing}`);

/** Rows of COPY text format, cut into chunks at arbitrary places (mid-row included). */
function* copyText(n: number, chunkRows: number): Generator<string | Buffer> {
  let buf = '';
  for (let i = 1; i <= n; i++) {
    buf += `${i}\t${BigInt(i) * 1_000_000_007n}\tnote ${i} é\\t\t${i % 7 === 0 ? '\\N' : 'x'}\n`;
    if (i % chunkRows === 0) {
      const cut = Math.floor(buf.length / 3);
      yield buf.slice(0, cut);
      yield Buffer.from(buf.slice(cut));
      buf = '';
    }
  }
  if (buf) yield buf;
}

describe.skipIf(missing !== null)('PgDatabase.copyFrom', () => {
  let db: PgDatabase;
  beforeAll(async () => {
    db = new PgDatabase(await createDatabase(inject('pgUrl')!));
    db.exec('CREATE TABLE c (id int PRIMARY KEY, minor bigint NOT NULL, note text, flag text)');
  });
  afterAll(() => db?.close());

  it('copies 100k rows exactly, chunks cut mid-row', () => {
    const n = 100_000;
    expect(db.copyFrom('COPY c (id, minor, note, flag) FROM STDIN', copyText(n, 777))).toBe(n);
    const stats = db.prepare('SELECT count(*) AS rows, sum(minor) AS total, count(flag) AS flags FROM c').safeIntegers().get();
    const total = (BigInt(n) * BigInt(n + 1) / 2n) * 1_000_000_007n;
    expect(stats).toEqual({ rows: BigInt(n), total, flags: BigInt(n - Math.floor(n / 7)) });
    expect(db.prepare('SELECT note FROM c WHERE id = 99999').pluck().get()).toBe('note 99999 é\t');
  });

  it('a bad row cancels the COPY: nothing of it stays, the error names the line, the connection carries on', () => {
    db.exec('TRUNCATE c');
    const rows = ['1\t1\ta\tb\n', '2\t2\ta\tb\n', '3\tnot-a-number\ta\tb\n', '4\t4\ta\tb\n'];
    let err: unknown;
    try {
      db.copyFrom('COPY c (id, minor, note, flag) FROM STDIN', rows);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: '22P02', message: expect.stringMatching(/invalid input syntax for type bigint/), where: expect.stringMatching(/line 3, column minor/) });
    expect(db.prepare('SELECT count(*) FROM c').pluck().get()).toBe(0);
    expect(db.copyFrom('COPY c (id, minor, note, flag) FROM STDIN', ['5\t5\ta\tb\n'])).toBe(1);
  });

  it('a COPY inside a transaction rolls back with it', () => {
    db.exec('TRUNCATE c');
    expect(() =>
      db.transaction(() => {
        db.copyFrom('COPY c (id, minor, note, flag) FROM STDIN', copyText(10, 3));
        throw new Error('changed my mind');
      })(),
    ).toThrow('changed my mind');
    expect(db.prepare('SELECT count(*) FROM c').pluck().get()).toBe(0);
  });

  it('an exception from the caller’s chunk source cancels the COPY and is rethrown', () => {
    function* failing(): Generator<string> {
      yield '7\t7\ta\tb\n';
      throw new Error('the file vanished');
    }
    expect(() => db.copyFrom('COPY c (id, minor, note, flag) FROM STDIN', failing())).toThrow('the file vanished');
    expect(db.prepare('SELECT count(*) FROM c WHERE id = 7').pluck().get()).toBe(0);
    expect(db.prepare('SELECT 1 AS ok').get()).toEqual({ ok: 1 });
  });

  it('a chunk source that runs a statement mid-COPY gets a clear error instead of a hang', () => {
    const lookup = db.prepare('SELECT 1');
    function* querying(): Generator<string> {
      yield '8\t8\ta\tb\n';
      lookup.get();
    }
    expect(() => db.copyFrom('COPY c (id, minor, note, flag) FROM STDIN', querying())).toThrow(/busy with a COPY/);
    expect(db.prepare('SELECT count(*) FROM c WHERE id = 8').pluck().get()).toBe(0);
  });
});
