/**
 * Two analysts on one PostgreSQL store (issue 16), as two real processes: resolving the same
 * item at once, one wins and the other is refused naming who got there first, never a silent
 * overwrite; the audit chain stays one chain. The store is a SQLite one with real items, moved
 * onto the server with `db migrate-to`.
 */
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { FIXTURES, parseJson, runCli, startCli, useTempDb } from '../helpers/cli.js';
import { onPostgres } from '../helpers/backend.js';
import { createDatabase, postgresMissing } from '../helpers/pg-cluster.js';

const missing = postgresMissing();
if (missing) console.warn(`skipped: ${missing}`);

// The source is a SQLite file by nature (--db names a file, the URL is given as such): this
// file runs in the sqlite project against the run's cluster, and skips itself in the postgres
// project, where every --db path would stand for a server database.
describe.skipIf(missing !== null || onPostgres)('two analysts on one PostgreSQL store', () => {
  let dir = '';
  let db = '';
  useTempDb((t) => ({ dir, db } = t));

  async function serverStore(): Promise<string> {
    const demo = join(FIXTURES, 'demo');
    expect(runCli(['--db', db, 'import', 'psp', join(demo, 'stripe-balance-report-2025-03.csv')], { cwd: dir }).code).toBe(0);
    expect(runCli(['--db', db, 'import', 'ledger', join(demo, 'ledger.csv')], { cwd: dir }).code).toBe(8);
    expect(runCli(['--db', db, 'reconcile'], { cwd: dir }).code).toBeGreaterThan(0);
    const url = await createDatabase(inject('pgUrl')!, 'two');
    expect(runCli(['--db', db, 'db', 'migrate-to', url], { cwd: dir }).code).toBe(0);
    return url;
  }

  it('resolving the same item at once: one wins, the other is refused naming who, one audit entry', async () => {
    const url = await serverStore();
    const items = parseJson(runCli(['--db', url, '--json', 'discrepancies'], { cwd: dir })).discrepancies as Array<{ id: number }>;
    const id = String(items[0].id);
    const ana = startCli(['--db', url, 'resolve', id, '--note', 'booked late, JE-881', '--by', 'ana'], { cwd: dir });
    const bob = startCli(['--db', url, 'resolve', id, '--note', 'duplicate of JE-880', '--by', 'bob'], { cwd: dir });
    const results = await Promise.all([ana.done, bob.done]);
    const codes = results.map((r) => r.code).sort();
    expect(codes, JSON.stringify(results)).toEqual([0, 16]);
    const loser = results.find((r) => r.code === 16)!;
    const winner = results[0].code === 0 ? 'ana' : 'bob';
    expect(loser.stderr).toMatch(new RegExp(`discrepancy ${id} is already resolved \\(by ${winner} at \\d{4}-`));

    const item = parseJson(runCli(['--db', url, '--json', 'discrepancies', '--status', 'all'], { cwd: dir })).discrepancies.find((d: { id: number }) => String(d.id) === id);
    expect(item).toMatchObject({ status: 'resolved', resolved_by: winner });
    const log = runCli(['--db', url, 'audit', 'log', '--limit', '5'], { cwd: dir }).stdout;
    expect(log.match(/ resolve /g)).toHaveLength(1);
    expect(runCli(['--db', url, 'audit', 'verify'], { cwd: dir }).code).toBe(0);
  });
});
