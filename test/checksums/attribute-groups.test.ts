import { describe, expect, it } from 'vitest';
import { attributeSetOf, parseAttributes, PROFILE_ATTRIBUTES } from '../../src/checksums/attribute-groups.js';
import { LEGACY_ATTRIBUTES } from '../../src/checksums/attributes.js';

describe('--attributes and profile attribute sets (AIDE-style groups)', () => {
  const cases: Array<[string, string[]]> = [
    ['everything', ['type', 'size', 'mode', 'uid', 'gid', 'inode', 'nlink', 'mtime', 'ctime', 'link_target', 'sha256', 'xattrs', 'acl', 'default_acl', 'caps', 'selinux', 'entries']],
    [PROFILE_ATTRIBUTES.configs, ['type', 'size', 'mode', 'uid', 'gid', 'link_target', 'sha256', 'xattrs', 'acl', 'default_acl', 'caps', 'selinux']],
    ['content,sha512', ['type', 'size', 'link_target', 'sha256', 'sha512']],
    ['everything,-times,-inode', ['type', 'size', 'mode', 'uid', 'gid', 'link_target', 'sha256', 'xattrs', 'acl', 'default_acl', 'caps', 'selinux', 'entries']],
    ['caps, mode', ['type', 'mode', 'caps']],
    ['-type', ['type']],
  ];
  it.each(cases)('%s', (list, names) => {
    expect(parseAttributes(list)).toEqual(names);
  });

  it('names the groups and attributes it knows when given another', () => {
    expect(() => parseAttributes('content,hash')).toThrow(/unknown attribute "hash"; groups: everything, content, .*; attributes: type, size/);
  });

  it('credentials and key stores record everything; a baseline made before sets keeps its old set', () => {
    expect(PROFILE_ATTRIBUTES.credentials).toBe('everything');
    expect(PROFILE_ATTRIBUTES.keystores).toBe('everything');
    expect(attributeSetOf({})).toBe(LEGACY_ATTRIBUTES);
    expect([...attributeSetOf({ attributes: ['type', 'acl'] }).names]).toEqual(['type', 'acl']);
  });
});
