/**
 * Issue 18: policy findings for what xattrs, ACLs and modes enable: a file that gained file
 * capabilities or the setuid/setgid bit, a secret exposed through an ACL entry (named, not
 * called "readable by group"), and a world-writable file or directory.
 */
import { describe, expect, it } from 'vitest';
import type { FileRecord } from '../../src/checksums/attributes.js';
import { policyFindings } from '../../src/checksums/policy.js';

const file: FileRecord = {
  path: '/srv/tree/bin/tool', type: 'file', size: 1n, mode: 0o755, uid: 0, gid: 0, inode: 1n, nlink: 1, mtime: 0n, ctime: 0n,
  link_target: null, sha256: 'x', sha512: null, xattrs: '', acl: '', default_acl: null, caps: '', selinux: '', entries: null,
};
const key: FileRecord = { ...file, path: '/srv/tree/ssh/id_ed25519', mode: 0o600 };
const names = { user: (u: number) => ({ 65534: 'nobody' })[u], group: (g: number) => ({ 4: 'adm' })[g] };
const NOBODY_READ = 'user::rw-,user:65534:r--,group::---,mask::r--,other::---';

describe('policy findings from attributes', () => {
  const cases: Array<[string, FileRecord, FileRecord | undefined, string[]]> = [
    ['nothing wrong', file, file, []],
    ['setcap cap_setuid+ep', { ...file, caps: 'cap_setuid=ep' }, file, ['file gained capabilities cap_setuid (now cap_setuid=ep; was none)']],
    ['more capabilities than before', { ...file, caps: 'cap_net_raw,cap_sys_admin=ep' }, { ...file, caps: 'cap_net_raw=ep' },
      ['file gained capabilities cap_sys_admin (now cap_net_raw,cap_sys_admin=ep; was cap_net_raw=ep)']],
    ['fewer capabilities: not a policy finding (the change is)', { ...file, caps: 'cap_net_raw=ep' }, { ...file, caps: 'cap_net_raw,cap_sys_admin=ep' }, []],
    ['capabilities at init are not "gained"', { ...file, caps: 'cap_net_raw=ep' }, undefined, []],
    ['capabilities not read at baseline time (an older baseline)', { ...file, caps: 'cap_setuid=ep' }, { ...file, caps: null }, []],
    ['chmod u+s', { ...file, mode: 0o4755 }, file, ['file gained the setuid bit (mode 0755 -> 04755)']],
    ['chmod g+s', { ...file, mode: 0o2755 }, file, ['file gained the setgid bit (mode 0755 -> 02755)']],
    ['setuid already at baseline', { ...file, mode: 0o4755 }, { ...file, mode: 0o4755 }, []],
    ['world-writable file', { ...file, mode: 0o646 }, undefined, ['world-writable file (mode 0646; chmod o-w it)']],
    ['world-writable sticky directory', { ...file, type: 'dir', mode: 0o1777, caps: null }, undefined, ['world-writable directory (mode 01777, sticky; chmod o-w it)']],
    ['a symbolic link is always 0777: not world-writable', { ...file, type: 'symlink', mode: 0o777 }, undefined, []],
    ['setfacl -m u:nobody:r on a private key', { ...key, mode: 0o640, acl: NOBODY_READ }, key,
      ['credentials file: ACL grants user nobody read (mode 0640, its group bits are the ACL mask; remove entries with setfacl -x, or the ACL with setfacl -b)']],
    ['a named entry the mask takes away grants nothing', { ...key, mode: 0o600, acl: 'user::rw-,user:65534:r--,group::---,mask::---,other::---' }, key, []],
    ['a named group with write, its group with read', { ...key, mode: 0o660, acl: 'user::rw-,group::r--,group:4:rw-,mask::rw-,other::---' }, key,
      ['credentials file: ACL grants its group read; ACL grants group adm read and write (mode 0660, its group bits are the ACL mask; remove entries with setfacl -x, or the ACL with setfacl -b)']],
    ['an id with no name stays a number', { ...key, mode: 0o640, acl: 'user::rw-,user:4242:r--,group::---,mask::r--,other::---' }, key,
      ['credentials file: ACL grants user 4242 read (mode 0640, its group bits are the ACL mask; remove entries with setfacl -x, or the ACL with setfacl -b)']],
    ['/etc/shadow may be read by its group through the ACL too', { ...key, path: '/etc/shadow', mode: 0o640, acl: 'user::rw-,group::r--,group:4:r--,mask::r--,other::---' }, undefined,
      ['credentials file: ACL grants group adm read (mode 0640, its group bits are the ACL mask; remove entries with setfacl -x, or the ACL with setfacl -b)']],
    ['group bits without an ACL are the group', { ...key, mode: 0o640 }, key, ['credentials file readable by group (mode 0640; chmod 600 it)']],
  ];
  it.each(cases)('%s', (_name, now, before, reasons) => {
    expect(policyFindings(now, null, before, names).map((f) => f.reason)).toEqual(reasons);
  });
});
