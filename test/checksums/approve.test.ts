import { describe, expect, it } from 'vitest';
import type { FileRecord } from '../../src/checksums/attributes.js';
import { approvalMatcher, approveChanges } from '../../src/checksums/approve.js';
import type { ObservedState } from '../../src/checksums/compare.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const file = (path: string, over: Partial<FileRecord> = {}): FileRecord => ({
  path, type: 'file', size: 10n, mode: 0o600, uid: 1000, gid: 1000, inode: 7n, nlink: 1, mtime: 1n, ctime: 1n, link_target: null, sha256: A, sha512: null, ...over,
});
const observed = (records: FileRecord[], unreadable: Array<[string, string]> = []): ObservedState => ({ records, unreadable: new Map(unreadable), unreadableDirs: [], keys: new Map() });
const baselineOf = (...recs: FileRecord[]) => new Map(recs.map((r) => [r.path, r]));

describe('approvalMatcher', () => {
  const cases: Array<[string[], string, boolean]> = [
    [['/etc/app/*.conf'], '/etc/app/a.conf', true],
    [['/etc/app/*.conf'], '/etc/app/sub/a.conf', false],
    [['/etc/app/**'], '/etc/app/sub/a.conf', true],
    [['/etc/app'], '/etc/app', true],
    [['/etc/app'], '/etc/app/sub/a.conf', true],
    [['/etc/app'], '/etc/apple', false],
    [['*.pem'], '/srv/tls/key.pem', true],
    [['*.pem'], '/srv/tls/key.pem.bak', false],
    [['/a/x', '/b/**'], '/b/y', true],
  ];
  it.each(cases)('%j matches %s: %s', (globs, path, want) => {
    expect(approvalMatcher(globs)(path)).toBe(want);
  });
});

describe('approveChanges', () => {
  const old = baselineOf(file('/k/a'), file('/k/b'), file('/k/gone'));
  const now = observed([file('/k/a', { sha256: B, size: 11n }), file('/k/b', { mode: 0o644 }), file('/k/new', { sha256: B })]);

  it('accepts every change without a selection, with 12-hex prefixes', () => {
    const r = approveChanges(old, now);
    expect(r.accepted.map((c) => [c.change, c.path, c.old_sha256, c.new_sha256])).toEqual([
      ['changed', '/k/a', A.slice(0, 12), B.slice(0, 12)],
      ['changed', '/k/b', A.slice(0, 12), A.slice(0, 12)],
      ['removed', '/k/gone', A.slice(0, 12), null],
      ['added', '/k/new', null, B.slice(0, 12)],
    ]);
    expect(r.left).toEqual([]);
    expect(r.records.map((x) => x.path)).toEqual(['/k/a', '/k/b', '/k/new']);
  });

  it('with a selection, only matching changes move; the rest keep their old entries', () => {
    const r = approveChanges(old, now, (p) => p === '/k/a' || p === '/k/gone');
    expect(r.accepted.map((c) => c.path)).toEqual(['/k/a', '/k/gone']);
    expect(r.left.map((c) => c.path)).toEqual(['/k/b', '/k/new']);
    const byPath = new Map(r.records.map((x) => [x.path, x]));
    expect([...byPath.keys()]).toEqual(['/k/a', '/k/b']);
    expect(byPath.get('/k/a')!.sha256).toBe(B);
    expect(byPath.get('/k/b')!.mode).toBe(0o600); // not approved: the old entry
  });

  it('never accepts content it could not read: the old digest is kept and named', () => {
    const r = approveChanges(baselineOf(file('/k/a')), observed([file('/k/a', { sha256: null, mode: 0o000 })], [['/k/a', 'permission denied']]), () => true);
    expect(r.accepted).toEqual([{ path: '/k/a', change: 'changed', attributes: ['mode'], old_sha256: A.slice(0, 12), new_sha256: A.slice(0, 12) }]);
    expect(r.records[0].sha256).toBe(A);
  });
});
