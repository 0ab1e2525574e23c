/**
 * A wrong or missing --db is never a false all-clear (issue 17): commands that only read
 * refuse a database that does not exist, only import and baseline init create one, never
 * with missing parent directories, and the files they create are private (0600).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PgDatabase } from '../../src/db/pg/database.js';
import { storeDisplay } from '../../src/db/store.js';
import { onPostgres, storeFor } from '../helpers/backend.js';
import { FIXTURES, runCli, useTempDb } from '../helpers/cli.js';

let dir: string;
let db: string;
useTempDb((t) => ({ dir, db } = t));

/** The tables of the PostgreSQL database `path` stands for (test/helpers/backend.ts): none until a command creates the store. */
function serverTables(path: string): string[] {
  const pg = new PgDatabase(storeFor(path));
  try {
    return pg.prepare('SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = current_schema() ORDER BY tablename').pluck().all() as string[];
  } finally {
    pg.close();
  }
}

describe('the database file', () => {
  it.each([
    ['discrepancies'],
    ['discrepancies', '--json'],
    ['reconcile'],
    ['report', '--out', 'r.html'],
    ['audit', 'verify'],
    ['audit', 'log'],
    ['baseline', 'list'],
    ['scan'],
    ['resolve', '1', '--note', 'x'],
  ])('%s on a missing database: exit 19 naming it, and nothing is created', (...args) => {
    const r = runCli(['--db', db, ...args], { cwd: dir });
    expect(r.code).toBe(19);
    // With --json, the error document (and nothing else) on stdout.
    if (args.includes('--json')) expect(JSON.parse(r.stdout).error).toMatchObject({ code: 19 });
    else expect(r.stdout).toBe('');
    // On PostgreSQL: a database on the server without payrecon's tables, named by its URL with the password hidden.
    expect(r.stderr).toContain(`no payrecon database at ${onPostgres ? storeDisplay(storeFor(db)) : db}`);
    expect(r.stderr).toMatch(/hint: .*payrecon import/);
    expect(readdirSync(dir)).toEqual([]);
    if (onPostgres) expect(serverTables(db)).toEqual([]);
  });

  it('the default ./payrecon.db of another directory is not created by a read', () => {
    const r = runCli(['discrepancies'], { cwd: dir });
    expect(r.code).toBe(19);
    expect(existsSync(join(dir, 'payrecon.db'))).toBe(false);
  });

  // File modes and a parent directory are a file's: a PostgreSQL store is a database on the server.
  it.skipIf(onPostgres)('import creates it with mode 0600, and its WAL and shared-memory files too', () => {
    const r = runCli(['--db', db, 'import', 'psp', join(FIXTURES, 'stripe', 'balance-2025-03.csv')], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    for (const f of readdirSync(dir).filter((n) => n.startsWith('test.db'))) {
      expect((statSync(join(dir, f)).mode & 0o777).toString(8), f).toBe('600');
    }
    expect(runCli(['--db', db, 'discrepancies'], { cwd: dir }).code).toBe(0);
  });

  it.skipIf(onPostgres)('missing parent directories are not created: exit 18 naming the directory', () => {
    const deep = join(dir, 'no', 'such', 'dir', 'x.db');
    const r = runCli(['--db', deep, 'import', 'psp', join(FIXTURES, 'stripe', 'balance-2025-03.csv')], { cwd: dir });
    expect(r.code).toBe(18);
    expect(r.stderr).toContain(`the directory ${join(dir, 'no', 'such', 'dir')} does not exist`);
    expect(existsSync(join(dir, 'no'))).toBe(false);
  });

  it('a URL other than postgres:// is not a store: exit 16, no ./mysql: directory, the password not echoed', () => {
    const r = runCli(['--db', 'mysql://ana:s3cret@db.example:3306/recon', 'discrepancies'], { cwd: dir });
    expect(r.code).toBe(16);
    expect(r.stderr).toContain('--db mysql://ana:***@db.example:3306/recon: payrecon stores its data in a SQLite file or on a PostgreSQL server');
    expect(r.stderr).not.toContain('s3cret');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a PostgreSQL server that is not there: exit 19 naming it without the password, no ./postgres: directory', () => {
    // Port 1 on the loopback: refused at once, no DNS and no waiting.
    const r = runCli(['--db', 'postgres://ana:s3cret@127.0.0.1:1/recon', 'discrepancies'], { cwd: dir });
    expect(r.code).toBe(19);
    expect(r.stderr).toContain('PostgreSQL at postgres://ana:***@127.0.0.1:1/recon');
    expect(r.stderr).not.toContain('s3cret');
    expect(readdirSync(dir)).toEqual([]);
  });
});
