/**
 * The indexes a bulk load leaves for the first narrow reconcile (src/db/window-indexes.ts) are
 * written there a second time; they must be what the migrations create, and building them must
 * bring back exactly what was missing.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { loadMigrations, migrate } from '../../src/db/open.js';
import { buildWindowIndexes, DEFERRED_INDEXES, missingWindowIndexes } from '../../src/db/window-indexes.js';

function store(): Database.Database {
  const db = new Database(':memory:');
  migrate(db, ':memory:', loadMigrations());
  return db;
}

const definitions = (db: Database.Database) =>
  Object.fromEntries(
    db
      .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name IN (${Object.keys(DEFERRED_INDEXES).map(() => '?').join(', ')})`)
      .all(...Object.keys(DEFERRED_INDEXES))
      .map((r) => [(r as { name: string }).name, (r as { sql: string }).sql]),
  );

describe('window indexes', () => {
  it('are defined here as the migrations define them', () => {
    expect(definitions(store())).toEqual(DEFERRED_INDEXES);
  });

  it.each([
    ['none missing', []],
    ['one missing', ['transactions_payout']],
    ['all missing', ['transactions_window', 'transactions_psp_ref', 'transactions_payout']],
  ])('%s: what is missing is named and built, nothing else', (_, dropped: string[]) => {
    const db = store();
    for (const name of dropped) db.exec(`DROP INDEX ${name}`);
    expect(missingWindowIndexes(db)).toEqual(dropped);
    expect(buildWindowIndexes(db)).toEqual(dropped);
    expect(missingWindowIndexes(db)).toEqual([]);
    expect(definitions(db)).toEqual(DEFERRED_INDEXES);
  });
});
