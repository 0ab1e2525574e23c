/**
 * Transactions on the PostgreSQL facade mirror better-sqlite3's: all or nothing, a nested one
 * is a savepoint rolled back alone, the error comes back to the caller, and inTransaction stays
 * true while a failed statement has the transaction aborted.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { isBusy, isUniqueViolation, violatedKey } from '../../../src/db/errors-port.js';
import { withWriteTransaction } from '../../../src/db/open.js';
import { PgDatabase } from '../../../src/db/pg/database.js';
import { createDatabase, postgresMissing } from '../../helpers/pg-cluster.js';

const missing = postgresMissing();
if (missing) console.warn(`skipped: ${missing}`);

describe.skipIf(missing !== null)('PgDatabase transactions', () => {
  let url: string;
  let db: PgDatabase;
  const names = () => db.prepare('SELECT name FROM k ORDER BY name').pluck().all();
  beforeAll(async () => {
    url = await createDatabase(inject('pgUrl')!);
    db = new PgDatabase(url);
    db.exec('CREATE TABLE k (name text PRIMARY KEY)');
  });
  beforeEach(() => void db.exec('DELETE FROM k'));
  afterAll(() => db?.close());

  it('commits what the function wrote and returns its value', () => {
    const add = db.transaction((...n: string[]) => {
      expect(db.inTransaction).toBe(true);
      for (const x of n) db.prepare('INSERT INTO k VALUES (?)').run(x);
      return n.length;
    });
    expect(add('a', 'b')).toBe(2);
    expect(add.immediate('c')).toBe(1);
    expect(db.inTransaction).toBe(false);
    expect(names()).toEqual(['a', 'b', 'c']);
  });

  it('a nested transaction that throws is rolled back to its savepoint only', () => {
    const ins = db.prepare('INSERT INTO k VALUES (?)');
    const inner = db.transaction((x: string) => {
      ins.run(x);
      throw new Error('inner fails');
    });
    db.transaction(() => {
      ins.run('outer-before');
      expect(() => inner('inner')).toThrow('inner fails');
      expect(db.inTransaction).toBe(true);
      ins.run('outer-after');
    })();
    expect(names()).toEqual(['outer-after', 'outer-before']);
  });

  it('a failed statement inside: the error reaches the caller, nothing is kept, inTransaction is right throughout', () => {
    const ins = db.prepare('INSERT INTO k VALUES (?)');
    let during: boolean | undefined;
    let caught: unknown;
    try {
      db.transaction(() => {
        ins.run('x');
        try {
          ins.run('x');
        } catch (e) {
          during = db.inTransaction; // aborted, but still inside the transaction
          throw e;
        }
      })();
    } catch (e) {
      caught = e;
    }
    expect(during).toBe(true);
    expect(isUniqueViolation(caught)).toBe(true);
    expect(violatedKey(caught)).toEqual({ constraint: 'k_pkey', table: 'k' });
    expect(db.inTransaction).toBe(false);
    expect(names()).toEqual([]);
  });

  it('recovering from a failed statement takes a nested transaction (a savepoint), as on SQLite', () => {
    const ins = db.prepare('INSERT INTO k VALUES (?)');
    const tryInsert = db.transaction((x: string) => ins.run(x));
    db.transaction(() => {
      ins.run('dup');
      expect(() => tryInsert('dup')).toThrow(/duplicate key/);
      ins.run('after');
    })();
    expect(names()).toEqual(['after', 'dup']);
  });

  it('an error swallowed inside the transaction fails the COMMIT instead of losing the writes silently', () => {
    const ins = db.prepare('INSERT INTO k VALUES (?)');
    const t = db.transaction(() => {
      ins.run('kept?');
      try {
        ins.run('kept?');
      } catch {
        /* swallowed */
      }
    });
    expect(() => t()).toThrow(/rolled back/);
    expect(db.inTransaction).toBe(false);
    expect(names()).toEqual([]);
  });

  it('refuses a function returning a promise, and rolls back', () => {
    const t = db.transaction(() => {
      db.prepare('INSERT INTO k VALUES (?)').run('p');
      return Promise.resolve(1);
    });
    expect(() => t()).toThrow(/cannot return a promise/);
    expect(names()).toEqual([]);
  });

  it('a lock another connection holds is "busy" (lock_not_available)', () => {
    const other = new PgDatabase(url);
    try {
      db.prepare('INSERT INTO k VALUES (?)').run('locked');
      other.exec('BEGIN');
      other.prepare('SELECT * FROM k FOR UPDATE').all();
      let err: unknown;
      const t = db.transaction(() => db.prepare('SELECT * FROM k FOR UPDATE NOWAIT').all());
      expect(() => t()).toThrow(/could not obtain lock/);
      try {
        t();
      } catch (e) {
        err = e;
      }
      expect(isBusy(err)).toBe(true);
      expect(isUniqueViolation(err)).toBe(false);
    } finally {
      other.close();
    }
  });

  it('withWriteTransaction over a statement whose failure was caught inside: the COMMIT the server turns into ROLLBACK fails the call', async () => {
    const ins = db.prepare('INSERT INTO k VALUES (?)');
    ins.run('dup');
    const written = withWriteTransaction(db, () => {
      ins.run('kept?');
      try {
        ins.run('dup');
      } catch {
        // swallowed: the server has aborted the transaction all the same
      }
      return 'reported as written';
    });
    await expect(written).rejects.toMatchObject({ code: '25P02' });
    expect(db.inTransaction).toBe(false);
    expect(names()).toEqual(['dup']);
    // A plain COMMIT through exec still commits.
    db.exec('BEGIN');
    ins.run('plain');
    db.exec('COMMIT');
    expect(names()).toEqual(['dup', 'plain']);
  });
});
