/**
 * The flat scan history, through the operations (hundreds of scans, which the CLI would take
 * minutes to make): a checkpoint every 100 scans bounds what a scan verifies, --verify-history
 * still walks everything, and a history from before migration 013 (every finding stored per
 * scan) is verified, then rewritten as changes, with first-seen ids kept.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findingCanonical, mac, scanCanonical, signingKey, digestOfMacs } from '../../src/checksums/signing.js';
import { createContext, type CommandContext } from '../../src/context.js';
import { findBaseline } from '../../src/db/integrity.js';
import { initBaseline } from '../../src/operations/baseline.js';
import { setHead } from '../../src/operations/integrity-store.js';
import { scanBaselines } from '../../src/operations/scan.js';
import { TamperError } from '../../src/errors.js';
import { integrityEnv, type IntegrityEnv } from '../helpers/integrity-env.js';

let t: IntegrityEnv;
let ctx: CommandContext;
beforeEach(async () => {
  t = integrityEnv();
  const sink = new Writable({ write: (_c, _e, cb) => cb() });
  ctx = createContext({ global: { db: t.db, quiet: true }, env: { PAYRECON_KEY_FILE: t.key, PAYRECON_HASH_WORKERS: '0', CI: '1' }, cwd: t.dir, stdout: sink, stderr: sink });
  await initBaseline(ctx, 'conf', { path: [t.tree] });
});
afterEach(() => {
  ctx.close();
  t.cleanup();
});

const scan = (verifyHistory = false) => scanBaselines(ctx, { names: ['conf'], verifyHistory });
const rows = (sql: string) => ctx.db().prepare(sql).all() as Array<Record<string, unknown>>;

async function tamperError(run: () => Promise<unknown>): Promise<string> {
  const err = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TamperError);
  return (err as Error).message;
}

describe('checkpoints', () => {
  it('every 100 scans; a scan verifies from the newest, --verify-history from the first', async () => {
    // Findings that persist through every scan: new.conf added, and its directory changed (exit 1 + 4).
    writeFileSync(join(t.tree, 'new.conf'), 'n');
    for (let i = 0; i < 230; i++) expect((await scan()).exitCode).toBe(5);
    expect(rows('SELECT scan_id, pruned_before FROM scan_checkpoints ORDER BY id')).toEqual([
      { scan_id: 100, pruned_before: null },
      { scan_id: 200, pruned_before: null },
    ]);
    // Only the scan that opened the finding stored a change; the others only their own row.
    // Two findings opened in scan 1 (the file and its directory), nothing stored since.
    expect(rows('SELECT scan_id, op FROM scan_changes')).toEqual([{ scan_id: 1, op: 'open' }, { scan_id: 1, op: 'open' }]);
    const last = await scan();
    expect(last.scans[0].findings).toMatchObject([{ kind: 'changed', first_seen_scan: 1 }, { kind: 'added', first_seen_scan: 1 }]);

    // Behind the newest checkpoint an edit is found on demand, not by every scan.
    ctx.db().prepare('UPDATE scans SET exit_code = 0 WHERE id = 150').run();
    expect((await scan()).exitCode).toBe(5);
    expect(await tamperError(() => scan(true))).toMatch(/scan 150 was altered outside payrecon/);
    ctx.db().prepare('UPDATE scans SET exit_code = 5 WHERE id = 150').run(); // restored
    expect((await scan(true)).exitCode).toBe(5);
    // After it, every scan finds it.
    ctx.db().prepare('DELETE FROM scans WHERE id = 210').run();
    expect(await tamperError(() => scan())).toMatch(/scan 211 does not follow the previous scan/);
  });
});

describe('a history from before migration 013', () => {
  /** Scans stored the old way: every finding again in each scan, each MACed with its scan. */
  function writeLegacyScans(findingsPerScan: string[][]): void {
    const key = signingKey(readFileSync(t.key));
    const db = ctx.db();
    let head = findBaseline(db, 'conf')!;
    let prev: string | null = null;
    const firstSeen = new Map<string, number>();
    for (const [i, paths] of findingsPerScan.entries()) {
      const id = i + 1;
      const findings = paths.map((path, seq) => {
        const f = { scan_id: id, seq, path, kind: 'added', attributes: null, severity: 'medium', reason: null, first_seen_scan: firstSeen.get(path) ?? id };
        firstSeen.set(path, f.first_seen_scan);
        return { ...f, mac: mac(key, findingCanonical(f)) };
      });
      for (const p of [...firstSeen.keys()]) if (!paths.includes(p)) firstSeen.delete(p);
      const s = {
        id,
        baseline_id: head.id,
        generation: 1,
        started_at: '2026-01-01T00:00:00.000Z',
        finished_at: '2026-01-01T00:00:01.000Z',
        fail_on: null,
        exit_code: paths.length ? 1 : 0,
        counts: JSON.stringify({ files: 5, added: paths.length, removed: 0, changed: 0, unreadable: 0 }),
        finding_count: findings.length,
        findings_digest: digestOfMacs(findings.map((f) => f.mac)),
        prev_mac: prev,
      };
      prev = mac(key, scanCanonical(s));
      db.prepare(
        `INSERT INTO scans (id, baseline_id, generation, started_at, finished_at, fail_on, exit_code, counts, finding_count, findings_digest, prev_mac, mac)
         VALUES (@id, @baseline_id, @generation, @started_at, @finished_at, @fail_on, @exit_code, @counts, @finding_count, @findings_digest, @prev_mac, @mac)`,
      ).run({ ...s, mac: prev });
      const insert = db.prepare(
        'INSERT INTO scan_findings (scan_id, seq, path, kind, attributes, severity, reason, first_seen_scan, mac) VALUES (@scan_id, @seq, @path, @kind, @attributes, @severity, @reason, @first_seen_scan, @mac)',
      );
      for (const f of findings) insert.run(f);
      head = setHead(db, key, head, { last_scan_id: id, last_scan_mac: prev });
    }
  }

  it('is verified whole, then rewritten as changes at the next scan; first-seen ids survive', async () => {
    const a = join(t.tree, 'x.conf');
    const b = join(t.tree, 'y.conf');
    writeLegacyScans([[], [a], [a, b], [b]]);
    expect((await scan(true)).exitCode).toBe(0); // verifies in the old form (nothing on disk matches x/y: they close)
    expect(rows('SELECT count(*) AS n FROM scan_findings')).toEqual([{ n: 0 }]);
    expect(rows('SELECT scan_id, seq, op, first_seen_scan FROM scan_changes ORDER BY scan_id, seq')).toEqual([
      { scan_id: 2, seq: 0, op: 'open', first_seen_scan: 2 },
      { scan_id: 3, seq: 0, op: 'open', first_seen_scan: 3 },
      { scan_id: 4, seq: 0, op: 'close', first_seen_scan: 2 },
      { scan_id: 5, seq: 0, op: 'close', first_seen_scan: 3 },
    ]);
    expect(rows('SELECT DISTINCT format FROM scans')).toEqual([{ format: 2 }]);
    expect((await scan(true)).exitCode).toBe(0);
  });

  it('an edit made to it before the conversion is caught, and nothing is converted', async () => {
    writeLegacyScans([[join(t.tree, 'x.conf')], [join(t.tree, 'x.conf')]]);
    ctx.db().prepare("UPDATE scan_findings SET kind = 'removed' WHERE scan_id = 1").run();
    expect(await tamperError(() => scan())).toMatch(/scan 1: finding for .*x\.conf was altered outside payrecon/);
    expect(rows('SELECT count(*) AS n FROM scan_findings')).toEqual([{ n: 2 }]);
  });
});
