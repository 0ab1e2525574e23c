/**
 * The throw-away PostgreSQL cluster every PostgreSQL test stands on (test/helpers/pg-cluster.ts):
 * it asks for a password, each test file gets a database of its own, and a server stopped
 * mid-run really refuses connections.
 */
import { describe, expect, inject, it } from 'vitest';
import pg from 'pg';
import { createDatabase, destroyCluster, postgresMissing, startCluster } from '../helpers/pg-cluster.js';

const missing = postgresMissing();
if (missing) console.warn(`skipped: ${missing}`);

async function query(url: string, sql: string): Promise<unknown[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql)).rows;
  } finally {
    await c.end();
  }
}

describe.skipIf(missing !== null)('throw-away PostgreSQL cluster', () => {
  it('serves the URL the global setup provides, at version 13 or newer', async () => {
    const url = inject('pgUrl');
    expect(url).toMatch(/^postgres:\/\/payrecon_test:[0-9a-f]+@127\.0\.0\.1:\d+\/postgres$/);
    const [row] = (await query(url!, 'SHOW server_version_num')) as { server_version_num: string }[];
    expect(Number(row.server_version_num)).toBeGreaterThanOrEqual(130000);
  });

  it('refuses a wrong password over TCP', async () => {
    const u = new URL(inject('pgUrl')!);
    u.password = 'wrong';
    await expect(query(u.toString(), 'SELECT 1')).rejects.toThrow(/password authentication failed/);
  });

  it('gives each caller a fresh database of its own', async () => {
    const a = await createDatabase(inject('pgUrl')!);
    const b = await createDatabase(inject('pgUrl')!);
    expect(a).not.toBe(b);
    await query(a, 'CREATE TABLE only_in_a (x int)');
    await expect(query(b, 'SELECT * FROM only_in_a')).rejects.toThrow(/does not exist/);
  });

  it('a cluster of its own can be stopped and started again, keeping its data', async () => {
    const c = await startCluster();
    try {
      await query(c.url, 'CREATE TABLE kept (x int); INSERT INTO kept VALUES (7)');
      c.stop('immediate');
      await expect(query(c.url, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
      c.start();
      expect(await query(c.url, 'SELECT x FROM kept')).toEqual([{ x: 7 }]);
    } finally {
      destroyCluster(c);
    }
  });
});
