/**
 * Migrating a PostgreSQL store (src/db/migrate-pg.ts): which files a store at version N needs,
 * the refusal of a newer store in open.ts's words, a failed file leaving the store as it was,
 * and two processes migrating one new store at once queueing on the advisory lock instead of
 * both creating the schema.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { DatabaseError } from '../../src/errors.js';
import { loadPgMigrations, migratePg, PG_MIGRATION_LOCK, planPgMigrations } from '../../src/db/migrate-pg.js';
import { loadMigrations, migrate, type Migration } from '../../src/db/open.js';
import type { Port } from '../../src/db/port.js';
import { ROOT } from '../helpers/cli.js';
import { createDatabase, postgresMissing } from '../helpers/pg-cluster.js';
// @ts-expect-error plain JavaScript (a child process loads it too), no declarations
import { SyncPg } from '../helpers/pg-sync-port.mjs';

const missing = postgresMissing();
if (missing) console.warn(`skipped: ${missing}`);

const m = (version: number, sql = 'SELECT 1'): Migration => ({ version, name: `${version}-x.sql`, sql });

describe('planPgMigrations', () => {
  it.each([
    [0, [16], [16]],
    [16, [16], []],
    [0, [16, 17, 18], [16, 17, 18]],
    [16, [16, 17, 18], [17, 18]],
    [17, [16, 17, 18], [18]],
  ])('a store at %i with files %j needs %j', (current, files, expected) => {
    expect(planPgMigrations(current, files.map((v) => m(v)), 'store').map((x) => x.version)).toEqual(expected);
  });

  it('refuses a newer store with the words the SQLite store uses', () => {
    const lite = new Database(':memory:');
    lite.pragma('user_version = 99');
    let liteError: unknown;
    try {
      migrate(lite, 'the store', [m(16)]);
    } catch (err) {
      liteError = err;
    }
    lite.close();
    expect(liteError).toBeInstanceOf(DatabaseError);
    let pgError: unknown;
    try {
      planPgMigrations(99, [m(16)], 'the store');
    } catch (err) {
      pgError = err;
    }
    expect(pgError).toBeInstanceOf(DatabaseError);
    expect((pgError as DatabaseError).message).toBe('the store has schema version 99, newer than this payrecon knows (16)');
    expect(pgError).toMatchObject({ message: (liteError as DatabaseError).message, hint: (liteError as DatabaseError).hint, exitCode: 19 });
  });

  it('ships a PostgreSQL schema for the newest SQLite migration', () => {
    const shipped = loadPgMigrations(join(ROOT, 'src/db/migrations-pg'));
    expect(shipped.map((x) => x.name)[0]).toBe('016-schema.sql');
    const newest = (list: Migration[]) => list[list.length - 1].version;
    expect(newest(shipped)).toBe(newest(loadMigrations(join(ROOT, 'src/db/migrations'))));
  });
});

describe.skipIf(missing !== null)('migratePg on a real server', () => {
  const clients: pg.Client[] = [];
  afterAll(async () => {
    for (const c of clients) await c.end();
  });

  async function connect(url: string): Promise<pg.Client> {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    clients.push(c);
    return c;
  }

  const version = async (c: pg.Client) => (await c.query('SELECT version FROM payrecon_schema')).rows;

  function withPort<T>(url: string, fn: (db: Port) => T): T {
    const db = new SyncPg(url);
    try {
      return fn(db as Port);
    } finally {
      db.close();
    }
  }

  /** The versions this build ships (016 and what follows it), and the newest. */
  const SHIPPED = loadPgMigrations().map((x) => x.version);
  const NEWEST = SHIPPED[SHIPPED.length - 1];

  it('creates the schema in an empty database once, then has nothing to do', async () => {
    const url = await createDatabase(inject('pgUrl')!, 'mig');
    expect(withPort(url, (db) => migratePg(db, 'the store'))).toEqual(SHIPPED);
    expect(withPort(url, (db) => migratePg(db, 'the store'))).toEqual([]);
    const c = await connect(url);
    expect(await version(c)).toEqual([{ version: NEWEST }]);
    expect(Number((await c.query('SELECT count(*) FROM reason_codes')).rows[0].count)).toBe(5);
  });

  it('refuses a store a newer payrecon migrated, touching nothing', async () => {
    const url = await createDatabase(inject('pgUrl')!, 'mig');
    withPort(url, (db) => migratePg(db, 'the store'));
    const c = await connect(url);
    await c.query('UPDATE payrecon_schema SET version = 99');
    expect(() => withPort(url, (db) => migratePg(db, 'the store'))).toThrow(`the store has schema version 99, newer than this payrecon knows (${NEWEST})`);
    expect(await version(c)).toEqual([{ version: 99 }]);
  });

  it('leaves the store as it was when a migration fails half way', async () => {
    const url = await createDatabase(inject('pgUrl')!, 'mig');
    const broken = [...loadPgMigrations(), m(NEWEST + 1, 'ALTER TABLE imports ADD COLUMN half_done TEXT; SELECT 1 / 0')];
    expect(() => withPort(url, (db) => migratePg(db, 'the store', broken))).toThrow(/division by zero/);
    const c = await connect(url);
    expect(await version(c)).toEqual([{ version: NEWEST }]);
    const cols = await c.query("SELECT 1 FROM information_schema.columns WHERE table_name = 'imports' AND column_name = 'half_done'");
    expect(cols.rowCount).toBe(0);
  });

  /** Run the built runner in a separate process; its JSON line and exit code. */
  function migrateInChild(url: string): Promise<{ code: number | null; out: { applied?: number[]; error?: string } }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [join(ROOT, 'test/helpers/pg-migrate-child.mjs'), url], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code) => {
        try {
          resolve({ code, out: JSON.parse(stdout) });
        } catch {
          reject(new Error(`child printed ${JSON.stringify(stdout)}, stderr ${stderr}`));
        }
      });
    });
  }

  /** Until a session of this database waits for the migration lock (a generous deadline). */
  async function waitForLockWaiter(c: pg.Client): Promise<void> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const r = await c.query(
        `SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objid = $1
           AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        [PG_MIGRATION_LOCK],
      );
      if (Number(r.rows[0].n) > 0) return;
      if (Date.now() > deadline) throw new Error('no process waited for the migration lock within 60 s');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('a second process waits for the first one migrating, then finds nothing to do', async () => {
    const url = await createDatabase(inject('pgUrl')!, 'mig');
    const first = await connect(url);
    await first.query('BEGIN');
    await first.query('SELECT pg_advisory_xact_lock($1)', [PG_MIGRATION_LOCK]);
    const second = migrateInChild(url);
    await waitForLockWaiter(first);
    for (const mig of loadPgMigrations()) {
      await first.query(mig.sql);
      await first.query('UPDATE payrecon_schema SET version = $1', [mig.version]);
    }
    await first.query('COMMIT');
    expect(await second).toEqual({ code: 0, out: { applied: [] } });
    expect(await version(first)).toEqual([{ version: NEWEST }]);
  });

  it('a process that waited migrates itself when the lock holder did not', async () => {
    const url = await createDatabase(inject('pgUrl')!, 'mig');
    const holder = await connect(url);
    await holder.query('BEGIN');
    await holder.query('SELECT pg_advisory_xact_lock($1)', [PG_MIGRATION_LOCK]);
    const waiter = migrateInChild(url);
    await waitForLockWaiter(holder);
    await holder.query('COMMIT');
    expect(await waiter).toEqual({ code: 0, out: { applied: SHIPPED } });
    expect(await version(holder)).toEqual([{ version: NEWEST }]);
  });

  it('two processes migrating one new store at once: one creates it, both succeed', async () => {
    const url = await createDatabase(inject('pgUrl')!, 'mig');
    const results = await Promise.all([migrateInChild(url), migrateInChild(url)]);
    expect(results.map((r) => r.code)).toEqual([0, 0]);
    expect(results.map((r) => r.out.applied).sort()).toEqual([[], SHIPPED]);
    expect(await version(await connect(url))).toEqual([{ version: NEWEST }]);
  });
});
