import { describe, expect, it } from 'vitest';
import {
  ATTRIBUTES,
  captureRecord,
  changeSeverity,
  compareRecords,
  comparePaths,
  canonicalValues,
  CONTENT_ATTRIBUTES,
  describeChange,
  LEGACY_ATTRIBUTES,
  selectAttributes,
  type FileRecord,
} from '../../src/checksums/attributes.js';
import { openDatabase } from '../../src/db/open.js';

const base: FileRecord = {
  path: '/srv/keys/id_ed25519',
  type: 'file',
  size: 411n,
  mode: 0o600,
  uid: 1000,
  gid: 1000,
  inode: 42n,
  nlink: 1,
  mtime: 1_763_775_000_123_456_789n,
  ctime: 1_763_775_000_123_456_789n,
  link_target: null,
  sha256: 'a'.repeat(64),
  sha512: null,
  xattrs: '',
  acl: '',
  default_acl: null,
  caps: '',
  selinux: '',
  entries: null,
};
const dir: FileRecord = { ...base, path: '/srv/keys', type: 'dir', size: 4096n, nlink: 2, sha256: null, caps: null, default_acl: '', entries: 3 };
const NOTE = JSON.stringify({ 'user.note': '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824' });
const link: FileRecord = { ...base, path: '/srv/keys/current', type: 'symlink', size: 10n, mode: 0o777, link_target: 'id_ed25519', sha256: null };

describe('compareRecords: which attributes changed', () => {
  const cases: Array<[string, FileRecord, FileRecord, string[]]> = [
    ['identical file', base, { ...base }, []],
    ['content rewritten in place', base, { ...base, size: 412n, mtime: base.mtime + 1n, ctime: base.ctime + 1n, sha256: 'b'.repeat(64) }, ['size', 'mtime', 'ctime', 'sha256']],
    ['same size, other content, times restored (touch -r)', base, { ...base, ctime: base.ctime + 5n, sha256: 'c'.repeat(64) }, ['ctime', 'sha256']],
    ['chmod 644', base, { ...base, mode: 0o644, ctime: base.ctime + 1n }, ['mode', 'ctime']],
    ['chown to another user', base, { ...base, uid: 0, ctime: base.ctime + 1n }, ['uid', 'ctime']],
    ['group changed', base, { ...base, gid: 27 }, ['gid']],
    ['replaced by a new file (rename over)', base, { ...base, inode: 43n }, ['inode']],
    ['hard link added', base, { ...base, nlink: 2 }, ['nlink']],
    ['nanosecond mtime difference is seen', base, { ...base, mtime: base.mtime + 1n }, ['mtime']],
    ['file replaced by a symlink', base, { ...link, path: base.path }, ['type', 'size', 'mode', 'link_target', 'sha256']],
    ['symlink retargeted', link, { ...link, link_target: '/tmp/evil' }, ['link_target']],
    ['a file added to a directory: its times and entry count (size and link count are file-system detail)', dir,
      { ...dir, size: 8192n, nlink: 3, mtime: dir.mtime + 9n, ctime: dir.ctime + 9n, entries: 4 }, ['mtime', 'ctime', 'entries']],
    ['setfattr -n user.note', base, { ...base, xattrs: NOTE, ctime: base.ctime + 1n }, ['ctime', 'xattrs']],
    ['setfacl -m u:nobody:r', base, { ...base, mode: 0o640, acl: 'user::rw-,user:65534:r--,group::---,mask::r--,other::---' }, ['mode', 'acl']],
    ['setcap cap_setuid+ep', base, { ...base, caps: 'cap_setuid=ep', xattrs: '{"security.capability":"x"}' }, ['xattrs', 'caps']],
    ['a default ACL on a directory', dir, { ...dir, default_acl: 'user::rwx,user:65534:r--,group::r-x,mask::r-x,other::r-x' }, ['default_acl']],
    ['SELinux relabel', { ...base, selinux: 'system_u:object_r:ssh_home_t:s0' }, { ...base, selinux: 'system_u:object_r:tmp_t:s0' }, ['selinux']],
    ['xattrs not read at baseline time (an older baseline): not compared', { ...base, xattrs: null, acl: null, caps: null }, { ...base, xattrs: NOTE, caps: 'cap_setuid=ep' }, []],
    ['xattrs not read now (no support): not compared, a note says so', base, { ...base, xattrs: null, acl: null }, []],
    ['directory mode is compared', dir, { ...dir, mode: 0o777 }, ['mode']],
    ['sha512 not requested at baseline: not compared', base, { ...base, sha512: 'd'.repeat(128) }, []],
    ['sha512 requested and different', { ...base, sha512: 'e'.repeat(128) }, { ...base, sha512: 'f'.repeat(128) }, ['sha512']],
    ['unreadable at baseline, readable now', { ...base, sha256: null }, base, ['sha256']],
  ];
  it.each(cases)('%s', (_name, oldRec, newRec, expected) => {
    expect(compareRecords(oldRec, newRec)).toEqual(expected);
  });

  it('compares only what the baseline selected; baselines made before directory times keep ignoring them', () => {
    const later = { ...dir, mtime: dir.mtime + 9n, ctime: dir.ctime + 9n, entries: 4, mode: 0o700 };
    expect(compareRecords(dir, later, undefined, LEGACY_ATTRIBUTES)).toEqual(['mode']);
    expect(compareRecords(dir, later, undefined, { names: new Set(['type', 'mode', 'uid', 'gid']), dirTimes: true })).toEqual(['mode']);
  });

  it('leaves the digests out when the content could not be read this time', () => {
    expect(compareRecords(base, { ...base, sha256: null, mode: 0o000 }, CONTENT_ATTRIBUTES)).toEqual(['mode']);
  });
});

describe('the attribute table', () => {
  it('names every attribute of a record once, in a stable order', () => {
    expect(ATTRIBUTES.map((a) => a.name)).toEqual([
      'type', 'size', 'mode', 'uid', 'gid', 'inode', 'nlink', 'mtime', 'ctime', 'link_target', 'sha256', 'sha512',
      'xattrs', 'acl', 'default_acl', 'caps', 'selinux', 'entries',
    ]);
  });

  it('matches the columns of baseline_entries in the migrations', () => {
    const db = openDatabase(':memory:');
    const cols = (db.prepare('PRAGMA table_info(baseline_entries)').all() as Array<{ name: string }>).map((c) => c.name);
    db.close();
    // Migration 012 added its columns after `mac`.
    expect(cols.filter((c) => !['baseline_id', 'path', 'mac'].includes(c))).toEqual(ATTRIBUTES.map((a) => a.column));
  });

  it('signs an entry of a baseline made before migration 012 exactly as it was signed then', () => {
    const old = { ...base, xattrs: null, acl: null, default_acl: null, caps: null, selinux: null, entries: null };
    expect(canonicalValues(old)).toEqual(['file', '411', '384', '1000', '1000', '42', '1', String(base.mtime), String(base.ctime), null, 'a'.repeat(64), null]);
    expect(canonicalValues({ ...old, entries: 3 })).toHaveLength(18);
    expect(canonicalValues({ ...old, xattrs: '' })).toHaveLength(13); // read and empty is not "not read"
  });

  it('leaves out (null) the optional attributes a baseline does not select', () => {
    const rec = { ...base, xattrs: NOTE, caps: 'cap_setuid=ep' };
    expect(selectAttributes(rec, { names: new Set(['type', 'sha256', 'caps']), dirTimes: true })).toMatchObject({ xattrs: null, caps: 'cap_setuid=ep', mtime: base.mtime });
  });

  it('captures a record from a bigint stat through the table', () => {
    const st = { mode: 0o100640n, size: 5n, uid: 7n, gid: 8n, ino: 9n, nlink: 1n, mtimeNs: 10n, ctimeNs: 11n };
    expect(captureRecord('/x', st, { sha256: 'ab' })).toEqual({
      path: '/x', type: 'file', size: 5n, mode: 0o640, uid: 7, gid: 8, inode: 9n, nlink: 1, mtime: 10n, ctime: 11n,
      link_target: null, sha256: 'ab', sha512: null, xattrs: null, acl: null, default_acl: null, caps: null, selinux: null, entries: null,
    });
    expect(captureRecord('/l', { ...st, mode: 0o120777n }, { linkTarget: 't' }).type).toBe('symlink');
    expect(captureRecord('/d', { ...st, mode: 0o040755n }).type).toBe('dir');
  });
});

describe('severity and description of a change', () => {
  it.each([
    [['mtime', 'ctime'], 'medium'],
    [['inode'], 'medium'],
    [['mode', 'ctime'], 'high'],
    [['sha256'], 'high'],
  ] as const)('%j -> %s', (attrs, sev) => {
    expect(changeSeverity([...attrs])).toBe(sev);
  });

  it('shows values a person can act on, digests shortened, never more', () => {
    const now = { ...base, mode: 0o644, sha256: 'b'.repeat(64) };
    const text = describeChange(base, now, ['mode', 'sha256']);
    expect(text).toBe(`mode 0600 -> 0644; sha256 ${'a'.repeat(12)} -> ${'b'.repeat(12)}`);
  });

  const names = { user: (u: number) => (u === 65534 ? 'nobody' : undefined), group: () => undefined };
  it.each<[string, Partial<FileRecord>, Partial<FileRecord>, string, string]>([
    ['xattr added: its name and digest, never its value', {}, { xattrs: NOTE }, 'xattrs', 'xattrs +user.note (sha256 2cf24dba5fb0)'],
    ['xattr value changed', { xattrs: NOTE }, { xattrs: JSON.stringify({ 'user.note': 'f'.repeat(64) }) }, 'xattrs', `xattrs user.note sha256 2cf24dba5fb0 -> ${'f'.repeat(12)}`],
    ['xattr removed', { xattrs: NOTE }, { xattrs: '' }, 'xattrs', 'xattrs -user.note'],
    ['ACL entry added: against the ACL the mode spelled out, named', {}, { mode: 0o640, acl: 'user::rw-,user:65534:r--,group::---,mask::r--,other::---' }, 'acl', 'acl +user:nobody:r--, +mask::r--'],
    ['ACL removed (setfacl -b)', { mode: 0o640, acl: 'user::rw-,user:65534:r--,group::---,mask::r--,other::---' }, { mode: 0o600, acl: '' }, 'acl', 'acl -user:nobody:r--, -mask::r--'],
    ['capabilities', {}, { caps: 'cap_setuid=ep' }, 'caps', 'caps none -> cap_setuid=ep'],
    ['entries', { type: 'dir', entries: 2 }, { type: 'dir', entries: 3 }, 'entries', 'entries 2 -> 3'],
  ])('%s', (_name, before, after, attr, text) => {
    expect(describeChange({ ...base, ...before }, { ...base, ...after }, [attr as never], names)).toBe(text);
  });
});

describe('comparePaths orders like UTF-8 bytes (SQLite BINARY)', () => {
  const samples = ['/a', '/a/b', '/a-b', '/ä', '/\u{1F511}key', '/\uFF21', '/Z', '/a b', '/'];
  it('agrees with Buffer.compare on every pair', () => {
    for (const x of samples) {
      for (const y of samples) {
        expect(Math.sign(comparePaths(x, y))).toBe(Math.sign(Buffer.compare(Buffer.from(x), Buffer.from(y))));
      }
    }
  });
});
