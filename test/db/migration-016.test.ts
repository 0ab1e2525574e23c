/**
 * Migration 016 rebuilds transactions (raw becomes optional) and transaction_ids: a store
 * written before it keeps every row, id, alias and raw field, its foreign keys hold, and its
 * indexes are the ones the later code plans with.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { loadMigrations, migrate } from '../../src/db/open.js';
import { readOriginalRecord } from '../../src/db/original-bytes.js';

describe('migration 016', () => {
  it('keeps every row of an older store, with its raw fields, ids and aliases', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, ':memory:', loadMigrations().filter((m) => m.version <= 15));
    expect(db.pragma('user_version', { simple: true })).toBe(15);
    db.prepare(
      `INSERT INTO imports (id, side, path, file_name, size, sha256, format, source, header, imported_at)
       VALUES (4, 'psp', '/in/s.csv', 's.csv', 10, 'ab', 'stripe', 'stripe', '["id","amount"]', '2025-03-01T00:00:00Z')`,
    ).run();
    const insert = db.prepare(
      `INSERT INTO transactions (id, import_id, side, source, external_id, type, currency, amount_minor, booked_at, payout_id, line, raw)
       VALUES (?, 4, 'psp', 'stripe', ?, 'charge', 'EUR', ?, '2025-03-01T00:00:00Z', 'po_1', ?, ?)`,
    );
    insert.run(7, 'txn_a', 1000, 2, '["txn_a","10.00"]');
    insert.run(9, 'txn_b', -250, 3, '["txn_b","-2.50"]');
    db.prepare(`INSERT INTO transaction_ids (ident, tx_id) VALUES ('ch_a', 7), ('ch_b', 9)`).run();
    const before = db.prepare('SELECT * FROM transactions ORDER BY id').all();

    migrate(db, ':memory:', loadMigrations().filter((m) => m.version <= 16));
    expect(db.pragma('user_version', { simple: true })).toBe(16);
    expect(db.prepare('SELECT * FROM transactions ORDER BY id').all()).toEqual(before);
    expect(db.prepare('SELECT ident, tx_id FROM transaction_ids ORDER BY ident').all()).toEqual([
      { ident: 'ch_a', tx_id: 7 },
      { ident: 'ch_b', tx_id: 9 },
    ]);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    const indexes = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('transactions', 'transaction_ids') AND sql IS NOT NULL ORDER BY name`).pluck().all();
    expect(indexes).toEqual(['transaction_ids_tx', 'transactions_identity', 'transactions_payout', 'transactions_psp_ref', 'transactions_window']);
    // The foreign key follows the rebuilt table: an alias of no row is refused.
    expect(() => db.prepare(`INSERT INTO transaction_ids (ident, tx_id) VALUES ('x', 99)`).run()).toThrow(/FOREIGN KEY/);
    // Rows of before keep their fields in raw; their import kept no blocks.
    expect(readOriginalRecord(db, 4, 2)).toBeNull();
    // New rows may go without raw.
    db.prepare(
      `INSERT INTO transactions (import_id, side, source, external_id, type, currency, amount_minor, booked_at, line)
       VALUES (4, 'psp', 'stripe', 'txn_c', 'charge', 'EUR', 1, '2025-03-01T00:00:00Z', 4)`,
    ).run();
    expect(db.prepare(`SELECT delimiter FROM imports WHERE id = 4`).pluck().get()).toBe(',');
  });
});
