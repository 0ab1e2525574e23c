/**
 * Two analysts on one PostgreSQL store (issue 16), as two real processes: resolving the same
 * item, or matching the same PSP row, at once: one wins and the other is refused as a conflict
 * (17) naming who got there first and when, never a silent overwrite; the audit chain stays one
 * chain. The store is a SQLite one with real items, moved
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
    // 17, a conflict: the command line was right, someone else was first (16 is for a wrong one).
    expect(codes, JSON.stringify(results)).toEqual([0, 17]);
    const loser = results.find((r) => r.code === 17)!;
    const winner = results[0].code === 0 ? 'ana' : 'bob';
    expect(loser.stderr).toMatch(new RegExp(`discrepancy ${id} is already resolved \\(by ${winner} at \\d{4}-`));

    const item = parseJson(runCli(['--db', url, '--json', 'discrepancies', '--status', 'all'], { cwd: dir })).discrepancies.find((d: { id: number }) => String(d.id) === id);
    expect(item).toMatchObject({ status: 'resolved', resolved_by: winner });
    const log = runCli(['--db', url, 'audit', 'log', '--limit', '5'], { cwd: dir }).stdout;
    expect(log.match(/ resolve /g)).toHaveLength(1);
    expect(runCli(['--db', url, 'audit', 'verify'], { cwd: dir }).code).toBe(0);
  });

  it('matching the same PSP row at once: one wins, the other is refused naming who and when; one manual match', async () => {
    const url = await serverStore();
    type Item = { id: number; kind: string; currency: string | null; psp: { id: string } | null; ledger: { id: string } | null };
    const items = parseJson(runCli(['--db', url, '--json', 'discrepancies'], { cwd: dir })).discrepancies as Item[];
    const psp = items.find((d) => d.kind === 'missing_in_ledger')!;
    const ledger = items.filter((d) => d.kind === 'missing_in_psp' && d.currency === psp.currency).map((d) => d.ledger!.id);
    expect(ledger.length).toBeGreaterThanOrEqual(2);
    // Each pairs the one PSP row with a different ledger entry: both cannot be right.
    const ana = startCli(['--db', url, '--json', 'match', '--psp', psp.psp!.id, '--ledger', ledger[0], '--note', 'same order', '--by', 'ana'], { cwd: dir });
    const bob = startCli(['--db', url, '--json', 'match', '--psp', psp.psp!.id, '--ledger', ledger[1], '--note', 'same customer', '--by', 'bob'], { cwd: dir });
    const results = await Promise.all([ana.done, bob.done]);
    expect(results.map((r) => r.code).sort(), JSON.stringify(results)).toEqual([0, 17]);
    const winner = results[0].code === 0 ? 'ana' : 'bob';
    const won = parseJson(results.find((r) => r.code === 0)!);
    expect(won).toMatchObject({ by: winner, psp: [psp.psp!.id], ledger: [winner === 'ana' ? ledger[0] : ledger[1]] });
    const error = parseJson(results.find((r) => r.code === 17)!).error;
    expect(error.code).toBe(17);
    expect(error.message).toMatch(
      new RegExp(`psp ${psp.psp!.id} is already in manual match ${won.match} \\(by ${winner} at \\d{4}-[\\d:.TZ-]+\\) \\(payrecon unmatch ${won.match} first\\); nothing was matched`),
    );

    // One manual match in the store: one `match` entry in the log, the loser's ledger entry still open.
    const log = parseJson(runCli(['--db', url, '--json', 'audit', 'log', '--limit', '100'], { cwd: dir }));
    expect(JSON.stringify(log).match(/"action":\s*"match"/g)).toHaveLength(1);
    const after = parseJson(runCli(['--db', url, '--json', 'discrepancies', '--status', 'all'], { cwd: dir })).discrepancies as Array<Item & { status: string }>;
    const statusOf = (id: string) => after.find((d) => d.kind === 'missing_in_psp' && d.ledger?.id === id)!.status;
    expect(statusOf(winner === 'ana' ? ledger[0] : ledger[1])).toBe('closed');
    expect(statusOf(winner === 'ana' ? ledger[1] : ledger[0])).toBe('open');
    expect(runCli(['--db', url, 'audit', 'verify'], { cwd: dir }).code).toBe(0);
  });
});
