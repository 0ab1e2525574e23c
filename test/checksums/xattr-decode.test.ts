import { describe, expect, it } from 'vitest';
import {
  aclText,
  capNames,
  capsText,
  decodeAcl,
  decodeCaps,
  parseAclText,
  showAclEntry,
} from '../../src/checksums/xattr-decode.js';

const hex = (s: string) => Buffer.from(s, 'hex');
/** An ACL xattr value from [tag, perm, id] triples. */
function acl(...entries: Array<[number, number, number]>): Buffer {
  const b = Buffer.alloc(4 + entries.length * 8);
  b.writeUInt32LE(2, 0);
  entries.forEach(([tag, perm, id], i) => {
    b.writeUInt16LE(tag, 4 + i * 8);
    b.writeUInt16LE(perm, 6 + i * 8);
    b.writeUInt32LE(id >>> 0, 8 + i * 8);
  });
  return b;
}
/** A vfs_cap_data value: magic, then 32-bit words. */
const caps = (...words: number[]) => {
  const b = Buffer.alloc(words.length * 4);
  words.forEach((w, i) => b.writeUInt32LE(w >>> 0, i * 4));
  return b;
};
const U = 0xffffffff;

describe('decodeAcl + aclText: POSIX ACL xattr values', () => {
  const cases: Array<[string, Buffer, string]> = [
    // Read from a real file after `setfacl -m u:nobody:r key` on ext4 (getfattr -e hex).
    ['setfacl -m u:nobody:r on a 0600 key', hex('0200000001000600ffffffff02000400feff000004000000ffffffff10000400ffffffff20000000ffffffff'),
      'user::rw-,user:65534:r--,group::---,mask::r--,other::---'],
    // `setfacl -d -m u:nobody:rx,g:adm:r d` (the default ACL of a directory).
    ['default ACL with a named user and group', hex('0200000001000700ffffffff02000500feff000004000500ffffffff080004000400000010000500ffffffff20000500ffffffff'),
      'user::rwx,user:65534:r-x,group::r-x,group:4:r--,mask::r-x,other::r-x'],
    ['every permission combination', acl([1, 7, U], [2, 1, 1000], [2, 2, 1001], [4, 0, U], [16, 3, U], [32, 5, U]),
      'user::rwx,user:1000:--x,user:1001:-w-,group::---,mask::-wx,other::r-x'],
    ['perm bits beyond rwx are ignored', acl([1, 0o17, U], [4, 4, U], [32, 0, U]), 'user::rwx,group::r--,other::---'],
    ['empty (header only)', acl(), ''],
  ];
  it.each(cases)('%s', (_name, value, text) => {
    expect(aclText(decodeAcl(value))).toBe(text);
    expect(aclText(parseAclText(text))).toBe(text);
  });

  const bad: Array<[string, Buffer, RegExp]> = [
    ['too short', Buffer.from([2, 0]), /2 bytes/],
    ['a torn entry', Buffer.concat([acl([1, 6, U]), Buffer.from([1, 2, 3])]), /15 bytes/],
    ['version 1', (() => { const b = acl([1, 6, U]); b.writeUInt32LE(1, 0); return b; })(), /version 1/],
    ['unknown tag', acl([0x40, 6, U]), /unknown tag 0x40/],
  ];
  it.each(bad)('refuses %s', (_name, value, message) => {
    expect(() => decodeAcl(value)).toThrow(message);
  });

  it('shows named entries with names where the system has them, numbers otherwise', () => {
    const names = { user: (u: number) => (u === 65534 ? 'nobody' : undefined), group: (g: number) => (g === 4 ? 'adm' : undefined) };
    expect(showAclEntry('user:65534:r--', names)).toBe('user:nobody:r--');
    expect(showAclEntry('group:4:r--', names)).toBe('group:adm:r--');
    expect(showAclEntry('user:4242:rw-', names)).toBe('user:4242:rw-');
    expect(showAclEntry('mask::r--', names)).toBe('mask::r--');
    expect(showAclEntry('user:65534:r--')).toBe('user:65534:r--');
  });
});

describe('decodeCaps + capsText: security.capability values', () => {
  const cases: Array<[string, Buffer, string, string[]]> = [
    // Read from a real file after `setcap cap_setuid,cap_net_raw+ep tool`.
    ['setcap cap_setuid,cap_net_raw+ep (revision 2)', hex('0100000280200000000000000000000000000000'), 'cap_setuid,cap_net_raw=ep', ['cap_setuid', 'cap_net_raw']],
    ['cap_setuid+ep', caps(0x02000001, 1 << 7, 0, 0, 0), 'cap_setuid=ep', ['cap_setuid']],
    ['permitted only, not effective', caps(0x02000000, 1 << 10, 0, 0, 0), 'cap_net_bind_service=p', ['cap_net_bind_service']],
    ['inheritable only', caps(0x02000000, 0, 1 << 0, 0, 0), 'cap_chown=i', ['cap_chown']],
    ['mixed flags are grouped in order of the first capability', caps(0x02000001, (1 << 7) | (1 << 12), 1 << 12, 0, 0),
      'cap_setuid=ep cap_net_admin=eip', ['cap_setuid', 'cap_net_admin']],
    ['the upper word (cap_bpf = 39, cap_perfmon = 38)', caps(0x02000001, 0, 0, (1 << 7) | (1 << 6), 0), 'cap_perfmon,cap_bpf=ep', ['cap_perfmon', 'cap_bpf']],
    ['a capability newer than this table', caps(0x02000001, 0, 0, 1 << 12, 0), 'cap_44=ep', ['cap_44']],
    ['revision 1 (one word)', caps(0x01000001, 1 << 21, 0), 'cap_sys_admin=ep', ['cap_sys_admin']],
    ['revision 3 (namespaced) names its root uid', caps(0x03000001, 1 << 7, 0, 0, 0, 100000), 'cap_setuid=ep [rootid=100000]', ['cap_setuid']],
    ['no capabilities at all', caps(0x02000000, 0, 0, 0, 0), '', []],
  ];
  it.each(cases)('%s', (_name, value, text, names) => {
    expect(capsText(decodeCaps(value))).toBe(text);
    expect([...capNames(text)]).toEqual(names);
  });

  const bad: Array<[string, Buffer]> = [
    ['too short', Buffer.from([1, 0])],
    ['revision 2 cut short', caps(0x02000001, 1 << 7)],
    ['revision 3 without its root uid', caps(0x03000001, 1 << 7, 0, 0, 0)],
    ['unknown revision', caps(0x07000001, 1, 0, 0, 0)],
  ];
  it.each(bad)('refuses %s', (_name, value) => {
    expect(() => decodeCaps(value)).toThrow(/not a file capability/);
  });
});
