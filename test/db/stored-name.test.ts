/** Names that may not be UTF-8 round-trip through storage exactly, on either backend (src/db/stored-name.ts). */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { DB } from '../../src/db/open.js';
import { encodedName, readStoredName, storedName } from '../../src/db/stored-name.js';
import { pathFromBytes } from '../../src/domain/byte-path.js';

// dialectOf() calls anything that is not a better-sqlite3 Database PostgreSQL: the codec needs no server.
const pg = {} as DB;
const latin1 = pathFromBytes(Buffer.from([0x2f, 0x74, 0xfe, 0x2e, 0x6b, 0x65, 0x79])); // "/t\xfe.key"

describe('storedName / readStoredName on PostgreSQL', () => {
  it.each([
    ['plain UTF-8 stays as it is', '/etc/ssl/private/a.key', '/etc/ssl/private/a.key'],
    ['non-ASCII UTF-8 stays as it is', '/srv/clés/ü.pem', '/srv/clés/ü.pem'],
    ['a byte that is not UTF-8 becomes \\x and hex', latin1, '\\x2f74fe2e6b6579'],
    ['a name that begins with the marker is encoded too', '\\x41', '\\x5c783431'],
  ])('%s', (_what, name, stored) => {
    expect(storedName(pg, name)).toBe(stored);
    expect(readStoredName(pg, stored)).toBe(name);
    expect(encodedName(pg, stored)).toBe(stored !== name);
  });

  it('leaves numbers and null alone', () => {
    expect(storedName(pg, 7)).toBe(7);
    expect(storedName(pg, null)).toBe(null);
  });
});

describe('on SQLite', () => {
  it('stores the exact bytes and reads a literal \\x name back as written', () => {
    const db = new Database(':memory:');
    try {
      expect(storedName(db, latin1)).toEqual(Buffer.from([0x2f, 0x74, 0xfe, 0x2e, 0x6b, 0x65, 0x79]));
      db.exec('CREATE TABLE t (path TEXT)');
      db.prepare('INSERT INTO t VALUES (CAST(? AS TEXT)), (?)').run(storedName(db, latin1), storedName(db, '\\x41'));
      const back = db.prepare('SELECT CAST(path AS BLOB) FROM t ORDER BY rowid').pluck().all().map((v) => readStoredName(db, v));
      expect(back).toEqual([latin1, '\\x41']);
      expect(readStoredName(db, '\\x41')).toBe('\\x41');
      expect(encodedName(db, '\\x41')).toBe(false);
    } finally {
      db.close();
    }
  });
});
