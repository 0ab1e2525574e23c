/**
 * Migration 017 keys transaction_ids in row order (tx_id, ident) and finds aliases by identifier
 * through transaction_ids_ident: a store written before it keeps every alias, the foreign key
 * holds, and the query plans use the new keys.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { loadMigrations, migrate } from '../../src/db/open.js';

describe('migration 017', () => {
  it('keeps every alias of an older store, keyed by row, found by identifier through the new index', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, ':memory:', loadMigrations().filter((m) => m.version <= 16));
    db.prepare(
      `INSERT INTO imports (id, side, path, file_name, size, sha256, format, source, imported_at)
       VALUES (1, 'psp', '/in/s.csv', 's.csv', 10, 'ab', 'stripe', 'stripe', '2025-03-01T00:00:00Z')`,
    ).run();
    const insert = db.prepare(
      `INSERT INTO transactions (id, import_id, side, source, external_id, type, currency, amount_minor, booked_at, line)
       VALUES (?, 1, 'psp', 'stripe', ?, 'charge', 'EUR', 100, '2025-03-01T00:00:00Z', ?)`,
    );
    for (const id of [3, 5, 8]) insert.run(id, `txn_${id}`, id);
    // Identifiers sorting against the row order, and one row with two aliases.
    db.prepare(`INSERT INTO transaction_ids (ident, tx_id) VALUES ('z_3', 3), ('a_5', 5), ('m_5', 5), ('b_8', 8)`).run();

    migrate(db, ':memory:');
    expect(db.pragma('user_version', { simple: true })).toBe(17);
    expect(db.prepare('SELECT tx_id, ident FROM transaction_ids ORDER BY tx_id, ident').all()).toEqual([
      { tx_id: 3, ident: 'z_3' },
      { tx_id: 5, ident: 'a_5' },
      { tx_id: 5, ident: 'm_5' },
      { tx_id: 8, ident: 'b_8' },
    ]);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    const indexes = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'transaction_ids' AND sql IS NOT NULL`).pluck().all();
    expect(indexes).toEqual(['transaction_ids_ident']);
    const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>).map((r) => r.detail).join('; ');
    expect(plan(`SELECT tx_id FROM transaction_ids WHERE ident = 'm_5'`)).toMatch(/USING COVERING INDEX transaction_ids_ident \(ident=\?\)/);
    // The table's own order is the rows' now: the aliases of one row are a range of its key.
    expect(plan('SELECT ident FROM transaction_ids WHERE tx_id = 5')).toMatch(/USING PRIMARY KEY \(tx_id=\?\)/);
    // The foreign key follows the rebuilt table: an alias of no row is refused.
    expect(() => db.prepare(`INSERT INTO transaction_ids (ident, tx_id) VALUES ('x', 99)`).run()).toThrow(/FOREIGN KEY/);
    db.close();
  });
});
