import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestStore } from '../helpers/backend.js';
import { integrityEnv, type IntegrityEnv } from '../helpers/integrity-env.js';

let t: IntegrityEnv;
beforeEach(() => {
  t = integrityEnv();
  expect(t.run(['baseline', 'init', 'conf', '--path', t.tree]).code).toBe(0);
  expect(t.run(['scan', 'conf']).code).toBe(0); // one signed scan in the history
});
afterEach(() => t.cleanup());

describe('a baseline altered directly in SQLite is caught before comparing (exit 20)', () => {
  const a = () => join(t.tree, 'a.conf');
  it.each([
    [
      'an entry made to match a changed file',
      () => {
        writeFileSync(a(), 'attacker content');
        t.sql("UPDATE baseline_entries SET sha256 = 'deadbeef', size = 16 WHERE path = ?", a());
      },
      /entry .*a\.conf does not verify/,
    ],
    ['an entry deleted', () => t.sql('DELETE FROM baseline_entries WHERE path = ?', a()), /entry count: signed with 5 entries, the database holds 4/],
    [
      'an entry added',
      () => t.sql("INSERT INTO baseline_entries (baseline_id, path, type, size, mode, uid, gid, inode, nlink, mtime_ns, ctime_ns, link_target, sha256, sha512, mac) SELECT baseline_id, path || '.x', type, size, mode, uid, gid, inode, nlink, mtime_ns, ctime_ns, link_target, sha256, sha512, mac FROM baseline_entries WHERE path = ?", a()),
      /entry count/,
    ],
    ['the watched selection edited', () => t.sql("UPDATE baselines SET spec = '{}'"), /baseline "conf": its record .* was altered/],
    ['a scan deleted', () => t.sql('DELETE FROM scans'), /scan history: the latest signed scan is 1, the database has none/],
    ['a scan result edited', () => t.sql('UPDATE scans SET exit_code = 4'), /scan 1 was altered outside payrecon/],
  ])('%s', (_name, tamper, message) => {
    tamper();
    const r = t.run(['--json', 'scan', 'conf']);
    expect(r.code).toBe(20);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 20, message: expect.stringMatching(/signature check failed/) } });
    expect(r.stderr).toMatch(/signature check failed: baseline "conf"/);
    expect(r.stderr).toMatch(message);
  });

  it('a finding altered in the scan history', () => {
    writeFileSync(join(t.tree, 'new.conf'), 'n');
    expect(t.run(['scan', 'conf']).code).toBe(5); // added, and its directory changed
    t.sql("UPDATE scan_changes SET kind = 'changed'");
    const r = t.run(['scan', 'conf']);
    expect(r.code).toBe(20);
    expect(r.stderr).toMatch(/scan 2: the change of the finding for .*new\.conf was altered outside payrecon/);
  });

  it('baseline update refuses to re-sign a tampered baseline', () => {
    t.sql('UPDATE baseline_entries SET mode = 511 WHERE path = ?', join(t.tree, 'b.conf'));
    const r = t.run(['baseline', 'update', 'conf']);
    expect(r.code).toBe(20);
    expect(r.stderr).toMatch(/b\.conf does not verify/);
  });

  it('a different key does not verify, and says so', () => {
    const other = join(t.dir, 'other.key');
    writeFileSync(other, 'another key of thirty-two bytes!');
    chmodSync(other, 0o600);
    const r = t.run(['scan', 'conf', '--key-file', other]);
    expect(r.code).toBe(20);
    expect(r.stderr).toMatch(/signed with a different key/);
  });
});

describe('the key file', () => {
  it('too open: refused with the chmod that fixes it (17)', () => {
    chmodSync(t.key, 0o640);
    const r = t.run(['scan', 'conf']);
    expect(r.code).toBe(17);
    expect(r.stderr).toContain(`key file ${t.key} is accessible by group or others (mode 0640)`);
    expect(r.stderr).toContain(`hint: chmod 600 ${t.key}`);
    expect(t.run(['baseline', 'init', 'again', '--path', t.tree]).code).toBe(17);
  });

  it('missing: an I/O error naming it (18), never an unsigned fallback', () => {
    const r = t.run(['scan', 'conf', '--key-file', join(t.dir, 'nope.key')]);
    expect(r.code).toBe(18);
    expect(r.stderr).toContain(`cannot read key file ${join(t.dir, 'nope.key')}: no such file or directory`);
  });

  it('empty or too short: refused (17)', () => {
    const empty = join(t.dir, 'empty.key');
    writeFileSync(empty, '\n');
    chmodSync(empty, 0o600);
    expect(t.run(['scan', '--key-file', empty]).stderr).toContain('is empty');
    const short = join(t.dir, 'short.key');
    writeFileSync(short, 'tiny');
    chmodSync(short, 0o600);
    const r = t.run(['scan', '--key-file', short]);
    expect(r.code).toBe(17);
    expect(r.stderr).toContain('an HMAC key needs at least 16');
  });

  it('a symlink to the key is followed, and the file it points to must be private', () => {
    const link = join(t.dir, 'key-link');
    symlinkSync(t.key, link);
    expect(t.run(['scan', 'conf', '--key-file', link]).code).toBe(0);
    chmodSync(t.key, 0o644);
    expect(t.run(['scan', 'conf', '--key-file', link]).code).toBe(17);
  });

  it('not given at all: a usage error (16) saying how to give one', () => {
    const r = t.run(['scan'], { PAYRECON_KEY_FILE: '' });
    expect(r.code).toBe(16);
    expect(r.stderr).toContain('--key-file <path> or set PAYRECON_KEY_FILE');
  });
});

describe('several baselines, one tampered', () => {
  it('records no scan at all, so an earlier baseline\'s changes are not saved unreported', () => {
    const otherTree = join(t.dir, 'other');
    mkdirSync(otherTree);
    writeFileSync(join(otherTree, 'x.conf'), 'x\n', { mode: 0o600 });
    expect(t.run(['baseline', 'init', 'other', '--path', otherTree]).code).toBe(0);
    writeFileSync(join(t.tree, 'a.conf'), 'changed\n'); // conf (scanned first) has a change
    t.sql("UPDATE baseline_entries SET sha256 = 'deadbeef' WHERE path = ?", join(otherTree, 'x.conf'));
    const r = t.run(['--json', 'scan', 'conf', 'other']);
    expect(r.code).toBe(20);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 20 } });
    expect(r.stderr).toMatch(/x\.conf does not verify/);
    expect(scanCount()).toBe(1); // only the scan from beforeEach
    // conf's change is still there to be reported by the next scan of conf.
    const again = t.run(['--json', 'scan', 'conf']);
    expect(again.code).toBe(4);
    expect(scanCount()).toBe(2);
  });
});

function scanCount(): number {
  const h = openTestStore(t.db);
  try {
    return (h.prepare('SELECT count(*) AS n FROM scans').get() as { n: number }).n;
  } finally {
    h.close();
  }
}
