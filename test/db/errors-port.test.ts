/**
 * The backend-neutral error predicates (src/db/errors-port.ts) on SQLite's real errors; the
 * PostgreSQL side is exercised in test/db/pg/transactions.test.ts against a server.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isBusy, isUniqueViolation, violatedKey } from '../../src/db/errors-port.js';

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a failure');
}

describe('error predicates on SQLite', () => {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE imports (id INTEGER PRIMARY KEY, sha256 TEXT NOT NULL, source TEXT, UNIQUE (sha256, source))');
  db.prepare('INSERT INTO imports VALUES (1, ?, ?)').run('aa', 's');

  it('a duplicate primary key and a duplicate unique pair are unique violations, with the key named', () => {
    const pk = thrown(() => db.prepare('INSERT INTO imports VALUES (1, ?, ?)').run('bb', 's'));
    expect(isUniqueViolation(pk)).toBe(true);
    expect(violatedKey(pk)).toEqual({ table: 'imports', columns: ['id'] });
    const uq = thrown(() => db.prepare('INSERT INTO imports VALUES (2, ?, ?)').run('aa', 's'));
    expect(isUniqueViolation(uq)).toBe(true);
    expect(violatedKey(uq)).toEqual({ table: 'imports', columns: ['sha256', 'source'] });
    expect(isBusy(uq)).toBe(false);
  });

  it('other constraint failures and plain errors are neither', () => {
    const nn = thrown(() => db.prepare('INSERT INTO imports VALUES (3, NULL, NULL)').run());
    expect(isUniqueViolation(nn)).toBe(false);
    expect(violatedKey(nn)).toBeUndefined();
    for (const e of [new Error('x'), null, undefined, 'text', { code: 42 }]) {
      expect(isUniqueViolation(e)).toBe(false);
      expect(isBusy(e)).toBe(false);
    }
  });

  it('a write lock another connection holds is busy', () => {
    const dir = mkdtempSync(join(tmpdir(), 'payrecon-busy-'));
    const a = new Database(join(dir, 'x.db'));
    const b = new Database(join(dir, 'x.db'), { timeout: 0 });
    try {
      a.exec('CREATE TABLE t (x)');
      a.exec('BEGIN IMMEDIATE');
      const e = thrown(() => b.exec('BEGIN IMMEDIATE'));
      expect(isBusy(e)).toBe(true);
      expect(isUniqueViolation(e)).toBe(false);
    } finally {
      a.close();
      b.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
