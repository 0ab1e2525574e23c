/**
 * Issue 12, item 1: the scan history stores what changed and verifies from a signed checkpoint,
 * and deleting or editing any scan, checkpoint or finding change is still caught (exit 20 naming
 * it) by `scan`, `scan --verify-history` and `audit verify`; `baseline prune` keeps what is left
 * verifiable.
 */
import { unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseJson } from '../helpers/cli.js';
import { integrityEnv, type IntegrityEnv } from '../helpers/integrity-env.js';
import { copyStore } from '../helpers/store-copy.js';

let t: IntegrityEnv;
let template: string;

// One history, made once: 1 clean, 2 opens new.conf, 3 keeps it open, 4 closes it, 5 clean.
beforeAll(() => {
  t = integrityEnv();
  // A glob selects the files, not their directory: adding and removing new.conf opens and
  // closes one finding (a directory in the selection would stay changed: its times moved).
  expect(t.run(['baseline', 'init', 'conf', '--path', join(t.tree, '*.conf')]).code).toBe(0);
  expect(t.run(['scan', 'conf']).code).toBe(0);
  writeFileSync(join(t.tree, 'new.conf'), 'n');
  expect(t.run(['scan', 'conf']).code).toBe(1);
  expect(t.run(['scan', 'conf']).code).toBe(1);
  unlinkSync(join(t.tree, 'new.conf'));
  expect(t.run(['scan', 'conf']).code).toBe(0);
  expect(t.run(['scan', 'conf']).code).toBe(0);
  template = join(t.dir, 'template.db');
  copyStore(t.db, template);
});
afterAll(() => t.cleanup());
beforeEach(() => copyStore(template, t.db));

function expectTamper(message: RegExp, args: string[] = ['scan', 'conf']) {
  const r = t.run(args);
  expect(r.code, r.stderr).toBe(20);
  expect(r.stderr).toMatch(message);
}

describe('the stored history', () => {
  it('verifies whole, by scan --verify-history and by audit verify', () => {
    const doc = parseJson(t.run(['--json', 'scan', '--verify-history', 'conf']));
    expect(doc.exit_code).toBe(0);
    const audit = t.run(['audit', 'verify']);
    expect(audit.code, audit.stderr).toBe(0);
    expect(audit.stdout).toMatch(/1 baselines verified whole/);
  });
});

describe('tampering with the history is caught (exit 20, naming it)', () => {
  it.each([
    ['a scan in the middle deleted', 'DELETE FROM scans WHERE id = 3', /scan 4 does not follow the previous scan/],
    ['a scan result edited', 'UPDATE scans SET exit_code = 0 WHERE id = 2', /scan 2 was altered outside payrecon/],
    ['a finding change edited', "UPDATE scan_changes SET reason = 'benign' WHERE scan_id = 2", /scan 2: the change of the finding for .*new\.conf was altered/],
    ['a finding change deleted', 'DELETE FROM scan_changes WHERE scan_id = 4', /scan 4: finding changes: signed with 1, the database holds 0/],
    ['a finding change added', "INSERT INTO scan_changes SELECT 5, 0, 'open', path, kind, attributes, severity, reason, 5, mac FROM scan_changes WHERE scan_id = 2", /scan 5: finding changes: signed with 0, the database holds 1/],
    ['the newest scan deleted', 'DELETE FROM scans WHERE id = 5', /the latest signed scan is 5, the database has 4/],
  ])('%s: by scan, scan --verify-history and audit verify', (_name, sql, message) => {
    t.sql(sql);
    expectTamper(message);
    expectTamper(message, ['scan', '--verify-history', 'conf']);
    const audit = t.run(['--json', 'audit', 'verify']);
    expect(audit.code).toBe(20);
    const doc = JSON.parse(audit.stdout);
    expect(doc.baselines).toEqual([{ name: 'conf', ok: false, failure: expect.stringMatching(message) }]);
  });

  it('an open finding edited (what the next scan compares with)', () => {
    writeFileSync(join(t.tree, 'new.conf'), 'again');
    try {
      expect(t.run(['scan', 'conf']).code).toBe(1);
      t.sql('UPDATE open_findings SET first_seen_scan = 1');
      expectTamper(/the open findings do not match what scan 6 signed/);
    } finally {
      unlinkSync(join(t.tree, 'new.conf'));
    }
  });
});

describe('baseline prune', () => {
  it('drops old scans behind a checkpoint; what is kept still verifies, and tampering with it is caught', () => {
    const pruned = parseJson(t.run(['--json', 'baseline', 'prune', 'conf', '--keep', '2']));
    expect(pruned).toMatchObject({ baseline: 'conf', dropped: 3, kept: 2, oldest_kept: 4, checkpoint: 1, exit_code: 0 });
    expect(t.run(['scan', '--verify-history', 'conf']).code).toBe(0);
    expect(t.run(['audit', 'verify']).code).toBe(0);
    // Pruning again with nothing older is a no-op, and a duration keeps scans by age.
    expect(parseJson(t.run(['--json', 'baseline', 'prune', 'conf', '--keep', '1y']))).toMatchObject({ dropped: 0, kept: 3 });
  });

  it.each([
    ['the checkpoint deleted', 'DELETE FROM scan_checkpoints', /checkpoint 1 of the scan history is missing/],
    ['the checkpoint edited', 'UPDATE scan_checkpoints SET scans_dropped = 1', /checkpoint 1 \(at scan 3\) was altered outside payrecon/],
    ['the oldest kept scan deleted', 'DELETE FROM scans WHERE id = 4', /scan 5 does not follow the previous scan/],
  ])('after a prune, %s', (_name, sql, message) => {
    expect(t.run(['baseline', 'prune', 'conf', '--keep', '2']).code).toBe(0);
    t.sql(sql);
    expectTamper(message);
    expectTamper(message, ['scan', '--verify-history', 'conf']);
    expect(t.run(['audit', 'verify']).code).toBe(20);
  });

  it('refuses a --keep that is neither a count nor a duration (16)', () => {
    for (const keep of ['0', '90 days', '-1', '3m']) {
      const r = t.run(['baseline', 'prune', 'conf', '--keep', keep]);
      expect(r.code, keep).toBe(16);
      expect(r.stderr).toMatch(/is neither a count of scans nor a duration/);
    }
    expect(t.run(['scan', '--verify-history', 'conf']).code).toBe(0); // the whole history is still there
  });
});
