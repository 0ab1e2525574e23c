import { describe, expect, it } from 'vitest';
import type { FileRecord } from '../../src/checksums/attributes.js';
import { keepDigestsOfUnread } from '../../src/checksums/carry-digests.js';
import { compareToBaseline } from '../../src/checksums/compare.js';

const file = (path: string, over: Partial<FileRecord> = {}): FileRecord => ({
  path, type: 'file', size: 10n, mode: 0o600, uid: 1000, gid: 1000, inode: 7n, nlink: 1, mtime: 1n, ctime: 1n, link_target: null, sha256: 'aa', sha512: 'a5', ...over,
});
const old = new Map([file('/k/a'), file('/k/b'), file('/k/link', { type: 'symlink', sha256: null, sha512: null })].map((r) => [r.path, r]));
const denied = (...paths: string[]) => new Map(paths.map((p) => [p, 'permission denied']));

describe('keepDigestsOfUnread (baseline update)', () => {
  const cases: Array<[string, FileRecord[], Map<string, string>, Array<[string | null, string | null]>]> = [
    ['readable files take their new digests', [file('/k/a', { sha256: 'bb', sha512: 'b5' })], denied(), [['bb', 'b5']]],
    ['an unreadable file keeps its old digests, its new metadata is accepted', [file('/k/a', { sha256: null, sha512: null, mode: 0o000 })], denied('/k/a'), [['aa', 'a5']]],
    ['changed while read: old digests kept', [file('/k/b', { sha256: null, sha512: null })], new Map([['/k/b', 'changed while being read']]), [['aa', 'a5']]],
    ['a new path that cannot be read has nothing to keep', [file('/k/new', { sha256: null, sha512: null })], denied('/k/new'), [[null, null]]],
    ['a path that changed type keeps nothing of the old one', [file('/k/link', { sha256: null, sha512: null })], denied('/k/link'), [[null, null]]],
  ];
  it.each(cases)('%s', (_name, records, unreadable, digests) => {
    expect(keepDigestsOfUnread(old, records, unreadable).map((r) => [r.sha256, r.sha512])).toEqual(digests);
  });

  it('extended attributes not read now keep their old values; those read are accepted', () => {
    const before = new Map([['/k/a', file('/k/a', { xattrs: '{"user.a":"11"}', caps: 'cap_setuid=ep', acl: '' })]]);
    const [r] = keepDigestsOfUnread(before, [file('/k/a', { sha256: null, sha512: null, xattrs: null, caps: null, acl: 'user::rw-,user:0:r--,group::---,mask::r--,other::---' })], denied('/k/a'));
    expect([r.xattrs, r.caps, r.acl]).toEqual(['{"user.a":"11"}', 'cap_setuid=ep', 'user::rw-,user:0:r--,group::---,mask::r--,other::---']);
  });

  it('keeps the new mode of an unreadable file', () => {
    const [r] = keepDigestsOfUnread(old, [file('/k/a', { sha256: null, sha512: null, mode: 0o000 })], denied('/k/a'));
    expect(r.mode).toBe(0o000);
  });

  it('the next scan, once the file is readable and unchanged, reports no content change', () => {
    const updated = keepDigestsOfUnread(old, [file('/k/a', { sha256: null, sha512: null })], denied('/k/a'));
    const next = compareToBaseline(new Map(updated.map((r) => [r.path, r])), {
      records: [file('/k/a')], unreadable: new Map(), unreadableDirs: [], keys: new Map(),
    });
    expect(next).toEqual([]);
  });
});
