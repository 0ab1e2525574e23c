/**
 * When the server is not there (stopped mid-use, refusing the password, never started), the
 * facade fails with DatabaseError (exit 19) naming the server, and the password appears
 * nowhere: not in the message, not in the stack. Passwords also come from PGPASSWORD and
 * ~/.pgpass, as with psql.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PgDatabase } from '../../../src/db/pg/database.js';
import { redactUrl } from '../../../src/db/pg/url.js';
import { DatabaseError, ExitCode } from '../../../src/errors.js';
import { destroyCluster, postgresMissing, startCluster, type Cluster } from '../../helpers/pg-cluster.js';

const missing = postgresMissing();
if (missing) console.warn(`skipped: ${missing}`);

function failure(f: () => unknown): DatabaseError {
  try {
    f();
  } catch (e) {
    return e as DatabaseError;
  }
  throw new Error('expected a failure');
}

function expectRedacted(e: DatabaseError, password: string, port: number): void {
  expect(e).toBeInstanceOf(DatabaseError);
  expect(e.exitCode).toBe(ExitCode.DATABASE);
  expect(e.exitCode).toBe(19);
  expect(e.message).toContain(`payrecon_test:***@127.0.0.1:${port}`);
  const everything = `${e.message}\n${e.stack}\n${e.hint ?? ''}\n${JSON.stringify(e)}`;
  expect(everything).not.toContain(password);
}

describe('redactUrl', () => {
  it.each([
    ['postgres://u:s3cret@h:5432/db', 'postgres://u:***@h:5432/db'],
    ['postgres://u:s%40cret@h/db?sslmode=require', 'postgres://u:***@h/db?sslmode=require'],
    ['postgres://h/db?password=s3cret&sslmode=disable', 'postgres://h/db?password=***&sslmode=disable'],
    ['postgres://u@h/db', 'postgres://u@h/db'],
    ['host=h password=s3cret dbname=d', 'host=h password=*** dbname=d'],
  ])('%s', (url, shown) => {
    expect(redactUrl(url)).toBe(shown);
  });
});

describe.skipIf(missing !== null)('PgDatabase when the server fails', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster();
  });
  afterAll(() => cluster && destroyCluster(cluster));

  it('a wrong password is exit 19, the server named, the password shown nowhere', () => {
    const u = new URL(cluster.url);
    u.password = 'not-the-right-one-7f3a';
    const e = failure(() => new PgDatabase(u.toString()));
    expectRedacted(e, 'not-the-right-one-7f3a', cluster.port);
    expect(e.message).toMatch(/password authentication failed/);
  });

  it('PGPASSWORD and ~/.pgpass supply a password the URL leaves out', () => {
    const u = new URL(cluster.url);
    u.password = '';
    const bare = u.toString();
    const saved = { pw: process.env.PGPASSWORD, file: process.env.PGPASSFILE };
    const dir = mkdtempSync(join(tmpdir(), 'payrecon-pgpass-'));
    try {
      process.env.PGPASSWORD = cluster.password;
      let db = new PgDatabase(bare);
      expect(db.prepare('SELECT 1 AS one').get()).toEqual({ one: 1 });
      db.close();
      delete process.env.PGPASSWORD;
      const file = join(dir, 'pgpass');
      writeFileSync(file, `127.0.0.1:${cluster.port}:*:payrecon_test:${cluster.password}\n`, { mode: 0o600 });
      process.env.PGPASSFILE = file;
      db = new PgDatabase(bare);
      expect(db.prepare('SELECT current_user AS u').get()).toEqual({ u: 'payrecon_test' });
      db.close();
    } finally {
      if (saved.pw === undefined) delete process.env.PGPASSWORD;
      else process.env.PGPASSWORD = saved.pw;
      if (saved.file === undefined) delete process.env.PGPASSFILE;
      else process.env.PGPASSFILE = saved.file;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sslmode as libpq reads it: prefer (the default) falls back to plain text, require insists on TLS', () => {
    // This test server has no TLS.
    for (const mode of ['', '?sslmode=prefer', '?sslmode=disable', '?sslmode=allow']) {
      const db = new PgDatabase(cluster.url + mode);
      expect(db.prepare('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()').pluck().get()).toBe(0);
      db.close();
    }
    const e = failure(() => new PgDatabase(`${cluster.url}?sslmode=require`));
    expectRedacted(e, cluster.password, cluster.port);
    expect(e.message).toMatch(/does not support SSL/);
  });

  it('a server stopped (immediate) during use: exit 19, redacted, and the connection stays failed', () => {
    const db = new PgDatabase(cluster.url);
    try {
      db.exec('CREATE TABLE IF NOT EXISTS alive (x int)');
      expect(db.prepare('SELECT count(*) FROM alive').pluck().get()).toBe(0);
      db.exec('BEGIN');
      db.prepare('INSERT INTO alive VALUES (1)').run();
      expect(db.inTransaction).toBe(true);
      cluster.stop('immediate');
      const e = failure(() => db.prepare('SELECT count(*) FROM alive').pluck().get());
      expectRedacted(e, cluster.password, cluster.port);
      expect(db.inTransaction).toBe(false);
      // Later calls fail the same way, promptly, instead of hanging on a dead socket.
      expectRedacted(failure(() => db.exec('SELECT 1')), cluster.password, cluster.port);
    } finally {
      db.close();
      cluster.start();
    }
  });

  it('something other than a PostgreSQL URL: exit 19 saying what to write, nothing of it echoed', () => {
    for (const bad of ['host=h password=hunter2xyz', 'mysql://u:hunter2xyz@h/db']) {
      const e = failure(() => new PgDatabase(bad));
      expect(e).toBeInstanceOf(DatabaseError);
      expect(e.message).toMatch(/not a PostgreSQL URL: write postgres:\/\//);
      expect(`${e.message}\n${e.stack}`).not.toContain('hunter2xyz');
    }
  });

  it('a server that is not running: exit 19 at open, redacted', () => {
    cluster.stop('immediate');
    try {
      const e = failure(() => new PgDatabase(cluster.url));
      expectRedacted(e, cluster.password, cluster.port);
      expect(e.message).toMatch(/ECONNREFUSED/);
    } finally {
      cluster.start();
    }
  });
});
