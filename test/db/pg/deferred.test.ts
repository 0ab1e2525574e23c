/**
 * Deferred statements on the PostgreSQL facade (PgDatabase.defer / deferCopy): they run in the
 * order sent, before anything waited on after them; a failure among them is thrown by the next
 * statement waited on, nothing deferred after it runs, and a rollback still works; a kept
 * ticket gives the statement's row count. Imports depend on all of it (src/db/import-copy.ts).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { withWriteTransaction } from '../../../src/db/open.js';
import { PgDatabase } from '../../../src/db/pg/database.js';
import { createDatabase, postgresMissing } from '../../helpers/pg-cluster.js';

const missing = postgresMissing();
if (missing) console.warn(`skipped: ${missing}`);

describe.skipIf(missing !== null)('PgDatabase deferred statements', () => {
  let db: PgDatabase;
  const names = () => db.prepare('SELECT name FROM k ORDER BY seq').pluck().all();
  beforeAll(async () => {
    db = new PgDatabase(await createDatabase(inject('pgUrl')!));
    db.exec('CREATE TABLE k (seq serial, name text PRIMARY KEY)');
  });
  beforeEach(() => void db.exec('DELETE FROM k'));
  afterAll(() => db?.close());

  it('runs in the order sent, before the next statement waited on, and keeps a row count', () => {
    db.transaction(() => {
      db.defer('INSERT INTO k (name) VALUES (?)', ['a']);
      const copied = db.deferCopy('COPY k (name) FROM STDIN', ['b\n', 'c\n'], true);
      const moved = db.defer("INSERT INTO k (name) SELECT name || '2' FROM k WHERE name <> @not", { not: 'a' }, true);
      expect(db.result(moved).rowCount).toBe(2);
      expect(db.result(copied).rowCount).toBe(2);
      // A plain statement waits for whatever was deferred before it.
      db.defer('INSERT INTO k (name) VALUES (?)', ['z']);
      expect(names()).toEqual(['a', 'b', 'c', 'b2', 'c2', 'z']);
    }).immediate();
    expect(names()).toEqual(['a', 'b', 'c', 'b2', 'c2', 'z']);
  });

  it('a deferred failure is thrown by the next statement waited on; nothing deferred after it runs; the transaction rolls back whole', () => {
    const ins = (name: string) => db.defer('INSERT INTO k (name) VALUES (?)', [name]);
    expect(() =>
      db.transaction(() => {
        ins('a');
        ins('a'); // a duplicate key: fails on the server, later
        ins('b'); // skipped: the transaction is lost anyway
        db.deferCopy('COPY k (name) FROM STDIN', ['c\n']); // skipped too, and no COPY is left open
        db.prepare('SELECT 1').get();
      })(),
    ).toThrow(/duplicate key value violates unique constraint "k_pkey"/);
    expect(db.inTransaction).toBe(false);
    expect(names()).toEqual([]);
    // The connection is as good as new.
    db.transaction(() => ins('d'))();
    expect(names()).toEqual(['d']);
  });

  it('an error of the caller while statements are deferred rolls back what they wrote', () => {
    expect(() =>
      db.transaction(() => {
        db.defer('INSERT INTO k (name) VALUES (?)', ['a']);
        db.deferCopy('COPY k (name) FROM STDIN', ['b\n']);
        throw new Error('interrupted');
      })(),
    ).toThrow('interrupted');
    expect(db.inTransaction).toBe(false);
    expect(names()).toEqual([]);
  });

  it('a failure in a deferred COPY names the line, and the error is also thrown by result()', () => {
    let ticket = 0;
    expect(() =>
      db.transaction(() => {
        ticket = db.deferCopy('COPY k (seq, name) FROM STDIN', ['1\tx\n', 'two\ty\n'], true);
        db.result(ticket);
      })(),
    ).toThrow(/invalid input syntax for type integer: "two"/);
    expect(names()).toEqual([]);
  });
});

describe.skipIf(missing !== null)('withWriteTransaction with deferred statements', () => {
  it('a deferred failure fails the command, rolls back, and leaves the connection out of any transaction', async () => {
    const db = new PgDatabase(await createDatabase(inject('pgUrl')!));
    try {
      db.exec('CREATE TABLE k (name text PRIMARY KEY)');
      await expect(
        withWriteTransaction(db, async () => {
          db.defer('INSERT INTO k (name) VALUES (?)', ['a']);
          db.defer('INSERT INTO k (name) VALUES (?)', ['a']);
          throw new Error('interrupted');
        }),
      ).rejects.toThrow('interrupted');
      expect(db.inTransaction).toBe(false);
      expect(db.prepare('SELECT count(*) FROM k').pluck().get()).toBe(0);
      await withWriteTransaction(db, () => db.defer('INSERT INTO k (name) VALUES (?)', ['b']));
      expect(db.prepare('SELECT name FROM k').pluck().all()).toEqual(['b']);
    } finally {
      db.close();
    }
  });
});
