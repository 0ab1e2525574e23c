/**
 * The PostgreSQL schema (src/db/migrations-pg/: 016-schema.sql and the migrations after it) is
 * the SQLite store's after its migrations (issue 16): the same tables, columns in order, nullability, defaults, keys,
 * indexes (columns, uniqueness, partial predicates), foreign keys and CHECKs, read from both
 * catalogs. A migration written for one backend only fails here; each CHECK refuses the same
 * values on both.
 */
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadPgMigrations } from '../../src/db/migrate-pg.js';
import { openDatabase } from '../../src/db/open.js';
import { ROOT, tempDir } from '../helpers/cli.js';
import { createDatabase, postgresMissing } from '../helpers/pg-cluster.js';
import { pgIdentityTables, pgShape, sqliteShape, type SchemaShape } from '../helpers/schema-shape.js';

const missing = postgresMissing();
if (missing) console.warn(`skipped: ${missing}`);

/** Every shipped PostgreSQL migration, in order, as the store opener applies them. */
const MIGRATIONS = loadPgMigrations(join(ROOT, 'src/db/migrations-pg'));
const NEWEST = MIGRATIONS[MIGRATIONS.length - 1].version;

/** The tables whose id PostgreSQL assigns; the others' ids are chosen by payrecon (016-schema.sql says why). */
const DATABASE_ASSIGNED_IDS = ['bank_imports', 'bank_statements', 'discrepancies', 'imports', 'manual_matches', 'proposals', 'recon_runs', 'rejects'];

type Row = Record<string, string | number>;

interface CheckCase {
  table: string;
  column: string;
  parents: Array<[string, Row]>;
  row: Row;
}

const IMPORT: Row = { id: 1, side: 'psp', path: '/p', file_name: 'f', size: 1, sha256: 's', format: 'stripe', source: 'stripe', imported_at: 't' };
const RUN: Row = { id: 1, started_at: 't', finished_at: 't', actor: 'a', amount_tolerance: '0', date_window: 0, exit_code: 0, psp_count: 0, ledger_count: 0, matched_count: 0, discrepancy_count: 0 };
const BASELINE: Row = { id: 1, name: 'b', spec: '{}', created_at: 't', updated_at: 't', generation: 1, entry_count: 0, entries_digest: 'd', key_id: 'k', mac: 'm' };
const SCAN: Row = { id: 1, baseline_id: 1, generation: 1, started_at: 't', finished_at: 't', exit_code: 0, counts: '{}', finding_count: 0, findings_digest: 'd', mac: 'm' };
const MATCH: Row = { id: 1, origin: 'manual', currency: 'EUR', note: 'n', created_by: 'u', created_at: 't' };

/** One valid row per CHECK, with the rows its foreign keys need; the checked column is varied. */
const CHECK_CASES: CheckCase[] = [
  { table: 'imports', column: 'side', parents: [], row: IMPORT },
  {
    table: 'transactions',
    column: 'side',
    parents: [['imports', IMPORT]],
    row: { id: 1, import_id: 1, side: 'ledger', source: 'erp', external_id: 'e', type: 'charge', currency: 'EUR', amount_minor: 1, booked_at: 't', line: 1 },
  },
  { table: 'audit_head', column: 'id', parents: [], row: { id: 1, entries: 0, hash: 'h' } },
  {
    table: 'discrepancies',
    column: 'status',
    parents: [['recon_runs', RUN]],
    row: { fingerprint: 'f', kind: 'k', severity: 's', reason: 'r', status: 'written_off', first_seen_run: 1, first_seen_at: 't', last_seen_run: 1 },
  },
  {
    table: 'schedule_outbox',
    column: 'status',
    parents: [['schedule_alerts', { id: 'a', job: 'j', created_at: 't', body: 'b' }]],
    row: { alert_id: 'a', sink: 's', status: 'delivered', next_attempt_at: 0 },
  },
  { table: 'schedule_alerted', column: 'kind', parents: [], row: { job: 'j', fingerprint: 'f', kind: 'failure', alert_id: 'a', first_alerted_at: 't' } },
  { table: 'manual_matches', column: 'origin', parents: [], row: { ...MATCH, origin: 'proposal' } },
  { table: 'manual_match_rows', column: 'side', parents: [['manual_matches', MATCH]], row: { match_id: 1, side: 'psp', source: 's', external_id: 'e' } },
  {
    table: 'proposals',
    column: 'status',
    parents: [],
    row: { psp_source: 's', psp_external_id: 'e', ledger_source: 'l', ledger_external_id: 'x', rule: 'r', confidence: 1, status: 'gone', first_run: 1, last_run: 1 },
  },
  {
    table: 'bank_statements',
    column: 'status',
    parents: [['bank_imports', { id: 1, path: '/p', file_name: 'f', size: 1, sha256: 's', format: 'mt940', imported_at: 't' }]],
    row: { import_id: 1, account: 'a', currency: 'EUR', statement_id: 's', message: 'MT940', line: 1, status: 'superseded' },
  },
  {
    table: 'scan_changes',
    column: 'op',
    parents: [['baselines', BASELINE], ['scans', SCAN]],
    row: { scan_id: 1, seq: 1, op: 'close', path: '/p', kind: 'added', severity: 'high', first_seen_scan: 1, mac: 'm' },
  },
];

/** Values a text CHECK must refuse on both engines: case, padding, empty, unknown. */
function badValues(valid: string | number): Array<string | number> {
  return typeof valid === 'number' ? [valid + 1, valid - 1] : [valid.toUpperCase(), `${valid} `, '', 'unknown'];
}

describe.skipIf(missing !== null)('the PostgreSQL schema equals the migrated SQLite schema', () => {
  const tmp = tempDir('payrecon-pgschema-');
  let lite: Database.Database;
  let client: pg.Client;
  let liteShape: SchemaShape;

  beforeAll(async () => {
    lite = openDatabase(join(tmp.dir, 'store.db'));
    liteShape = sqliteShape(lite);
    client = new pg.Client({ connectionString: await createDatabase(inject('pgUrl')!, 'schema') });
    await client.connect();
    for (const m of MIGRATIONS) {
      await client.query(m.sql);
      await client.query('UPDATE payrecon_schema SET version = $1', [m.version]);
    }
  });

  afterAll(async () => {
    lite?.close();
    await client?.end();
    tmp.cleanup();
  });

  it('has the same tables, columns, keys, indexes, foreign keys and CHECKs', async () => {
    expect(Object.keys(liteShape).length).toBeGreaterThan(25);
    expect(await pgShape(client)).toEqual(liteShape);
  });

  it('assigns ids where payrecon leaves them out, and nowhere else', async () => {
    expect(await pgIdentityTables(client)).toEqual(DATABASE_ASSIGNED_IDS);
  });

  it('keeps the version and the seeded reason codes', async () => {
    expect((await client.query('SELECT version FROM payrecon_schema')).rows).toEqual([{ version: NEWEST }]);
    const liteCodes = lite.prepare('SELECT * FROM reason_codes ORDER BY code').all();
    expect((await client.query('SELECT * FROM reason_codes ORDER BY code')).rows).toEqual(liteCodes);
    await expect(client.query('INSERT INTO payrecon_schema (version) VALUES ($1)', [NEWEST + 1])).rejects.toThrow(/duplicate key/);
  });

  // What a migration written for one backend only looks like: each must make the shapes differ.
  it.each([
    ['a column added', 'ALTER TABLE imports ADD COLUMN only_on_postgres TEXT'],
    ['NOT NULL added', 'ALTER TABLE rejects ALTER COLUMN col SET NOT NULL'],
    ['a default changed', "ALTER TABLE imports ALTER COLUMN delimiter SET DEFAULT ';'"],
    ['a type narrowed', 'ALTER TABLE bank_entries ALTER COLUMN amount_minor TYPE integer'],
    ['a partial index made whole', 'DROP INDEX transactions_psp_ref; CREATE INDEX transactions_psp_ref ON transactions (psp_reference)'],
    ['index columns reordered', 'DROP INDEX transactions_identity; CREATE UNIQUE INDEX transactions_identity ON transactions (side, source, external_id)'],
    ['a foreign key dropped', 'ALTER TABLE transaction_ids DROP CONSTRAINT transaction_ids_tx_id_fkey'],
    ['a CHECK value dropped', "ALTER TABLE proposals DROP CONSTRAINT proposals_status_check, ADD CHECK (status IN ('open', 'accepted', 'rejected'))"],
  ])('tells %s on PostgreSQL only', async (_what, ddl) => {
    await client.query('BEGIN');
    try {
      await client.query(ddl);
      expect(await pgShape(client)).not.toEqual(liteShape);
    } finally {
      await client.query('ROLLBACK');
    }
  });

  it('tells a column added on SQLite only', () => {
    lite.exec('BEGIN');
    try {
      lite.exec('ALTER TABLE imports ADD COLUMN only_on_sqlite TEXT');
      expect(sqliteShape(lite)).not.toEqual(liteShape);
    } finally {
      lite.exec('ROLLBACK');
    }
  });

  it('has a refusal case for every CHECK', () => {
    const checks = Object.entries(liteShape).flatMap(([t, s]) => s.checks.map((c) => `${t}.${c.split(':')[0]}`));
    expect(CHECK_CASES.map((c) => `${c.table}.${c.column}`).sort()).toEqual(checks.sort());
  });

  const insert = (table: string, row: Row, pgStyle: boolean) =>
    `INSERT INTO ${table} (${Object.keys(row).join(', ')}) VALUES (${Object.keys(row).map((k, i) => (pgStyle ? `$${i + 1}` : `@${k}`)).join(', ')})`;

  it.each(CHECK_CASES.map((c) => [`${c.table}.${c.column}`, c] as const))('%s: both accept the valid value and refuse the same others', async (_name, c) => {
    const bad = badValues(c.row[c.column]);
    lite.exec('BEGIN');
    await client.query('BEGIN');
    try {
      for (const [table, row] of c.parents) {
        lite.prepare(insert(table, row, false)).run(row);
        await client.query(insert(table, row, true), Object.values(row));
      }
      const attempt = async (row: Row) => {
        const outcome: string[] = [];
        lite.exec('SAVEPOINT c');
        try {
          lite.prepare(insert(c.table, row, false)).run(row);
          outcome.push('sqlite: stored');
        } catch (err) {
          outcome.push(/CHECK constraint failed/.test((err as Error).message) ? 'sqlite: check refused' : `sqlite: ${(err as Error).message}`);
        }
        lite.exec('ROLLBACK TO c');
        await client.query('SAVEPOINT c');
        try {
          await client.query(insert(c.table, row, true), Object.values(row));
          outcome.push('postgres: stored');
        } catch (err) {
          outcome.push(/violates check constraint/.test((err as Error).message) ? 'postgres: check refused' : `postgres: ${(err as Error).message}`);
        }
        await client.query('ROLLBACK TO SAVEPOINT c');
        return outcome;
      };
      expect(await attempt(c.row)).toEqual(['sqlite: stored', 'postgres: stored']);
      for (const value of bad) {
        expect(await attempt({ ...c.row, [c.column]: value }), JSON.stringify(value)).toEqual(['sqlite: check refused', 'postgres: check refused']);
      }
    } finally {
      lite.exec('ROLLBACK');
      await client.query('ROLLBACK');
    }
  });
});
