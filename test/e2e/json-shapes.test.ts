/**
 * Issue 17 item 6: `scan --json` has one shape whatever the number of baselines,
 * `--fail-on none` is a report-only run, and list options take `--x a --x b` and `--x a,b`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJson, runCli, tempDir } from '../helpers/cli.js';
import { importDemoMonth } from '../helpers/demo-month.js';
import { integrityEnv, type IntegrityEnv } from '../helpers/integrity-env.js';

describe('scan --json: always {exit_code, scans, audit}', () => {
  let t: IntegrityEnv;
  beforeAll(() => {
    t = integrityEnv();
    expect(t.run(['baseline', 'init', 'conf', '--path', t.tree]).code).toBe(0);
    expect(t.run(['baseline', 'init', 'sub', '--path', join(t.tree, 'sub')]).code).toBe(0);
  });
  afterAll(() => t.cleanup());

  it('one baseline, several, and all of them print the same envelope', () => {
    writeFileSync(join(t.tree, 'sub', 'new.conf'), 'n');
    for (const [args, baselines] of [[['conf'], ['conf']], [['conf', 'sub'], ['conf', 'sub']], [[], ['conf', 'sub']]] as const) {
      const r = t.run(['--json', 'scan', ...args]);
      expect(r.code, r.stderr).toBe(5); // added, and sub/ whose entries changed
      const doc = parseJson(r);
      expect(Object.keys(doc)).toEqual(['exit_code', 'scans', 'audit']);
      expect(doc.exit_code).toBe(5);
      expect(doc.scans.map((s: { baseline: string }) => s.baseline)).toEqual(baselines);
      expect(doc.scans[0].findings).toEqual([
        expect.objectContaining({ kind: 'changed', path: join(t.tree, 'sub') }),
        expect.objectContaining({ kind: 'added', path: join(t.tree, 'sub', 'new.conf') }),
      ]);
    }
  });

  it('--fail-on none reports the findings and exits 0; an error still exits non-zero', () => {
    const r = t.run(['--json', 'scan', 'conf', '--fail-on', 'none']);
    expect(r.code, r.stderr).toBe(0);
    expect(parseJson(r)).toMatchObject({ exit_code: 0, scans: [{ exit_code: 0, findings: expect.arrayContaining([expect.objectContaining({ kind: 'added' })]) }] });
    expect(t.run(['scan', 'nope', '--fail-on', 'none']).code).toBeGreaterThanOrEqual(16);
    const mixed = t.run(['scan', '--fail-on', 'none,added']);
    expect(mixed.code).toBe(16);
    expect(mixed.stderr).toMatch(/--fail-on none .* cannot be combined with added/);
  });

  it('--fail-on repeated is the same as comma-separated', () => {
    expect(t.run(['scan', 'conf', '--fail-on', 'removed', '--fail-on', 'unreadable']).code).toBe(0);
    expect(t.run(['scan', 'conf', '--fail-on', 'removed', '--fail-on', 'added']).code).toBe(1);
    expect(t.run(['scan', 'conf', '--fail-on', 'removed,added']).code).toBe(1);
  });
});

describe('reconcile --fail-on none and list filters', () => {
  const tmp = tempDir('payrecon-lists-');
  const db = join(tmp.dir, 'p.db');
  beforeAll(() => importDemoMonth(db));
  afterAll(() => tmp.cleanup());

  it('--fail-on none: a report-only run records everything and exits 0; a bad kind is still 16', () => {
    expect(runCli(['--db', db, 'reconcile', '--fail-on', 'none', '--from', '2025-03-01', '--to', '2025-02-01']).code).toBe(16);
    const r = runCli(['--db', db, '--json', 'reconcile', '--fail-on', 'none']);
    expect(r.code, r.stderr).toBe(0);
    const doc = parseJson(r);
    expect(doc.exit_code).toBe(0);
    expect(doc.discrepancies.length).toBeGreaterThan(0);
    expect(runCli(['--db', db, 'reconcile', '--fail-on', 'nonsense']).code).toBe(16);
    // The same findings without it set every bit.
    expect(runCli(['--db', db, 'reconcile']).code).toBe(15);
    expect(runCli(['--db', db, 'reconcile', '--fail-on', 'missing_in_psp', '--fail-on', 'rejected_row']).code).toBe(10);
    expect(runCli(['--db', db, 'reconcile', '--fail-on', 'missing_in_psp,rejected_row']).code).toBe(10);
  });

  it('--kind, --status, --currency and --source take repeats and commas alike', () => {
    const ids = (...args: string[]) => {
      const r = runCli(['--db', db, '--json', 'discrepancies', ...args]);
      expect(r.code, r.stderr).toBe(0);
      return parseJson(r).discrepancies.map((d: { id: number; kind: string }) => `${d.id} ${d.kind}`);
    };
    const one = ids('--kind', 'missing_in_psp');
    const other = ids('--kind', 'amount_mismatch');
    expect(one.length && other.length).toBeGreaterThan(0);
    const both = ids('--kind', 'missing_in_psp', '--kind', 'amount_mismatch');
    expect(both.sort()).toEqual([...one, ...other].sort());
    expect(ids('--kind', 'missing_in_psp,amount_mismatch').sort()).toEqual(both.sort());
    expect(ids('--status', 'open,resolved', '--kind', 'missing_in_psp')).toEqual(one);
    expect(ids('--currency', 'eur', '--currency', 'usd,gbp,jpy,chf,sek').length).toBeGreaterThan(0);
    expect(ids('--source', 'stripe,adyen').length).toBeGreaterThan(ids('--source', 'stripe').length);
    expect(runCli(['--db', db, 'discrepancies', '--kind', 'missing_in_psp,bogus']).code).toBe(16);
  });
});
