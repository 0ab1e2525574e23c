/**
 * Decoding the extended attributes that are not secrets and that people read by name: POSIX
 * ACLs (system.posix_acl_access / system.posix_acl_default) and file capabilities
 * (security.capability). Both are small documented binary formats, decoded here rather than by
 * running getfacl/getcap per file (a subprocess per file is far too slow for 20,000 files). Pure.
 *
 * ACL (linux/posix_acl_xattr.h): u32 version 2, then entries of { u16 tag, u16 perm, u32 id },
 * little-endian. Capabilities (linux/capability.h, struct vfs_cap_data): u32 magic_etc (revision
 * in the top byte, bit 0 = effective), then { u32 permitted, u32 inheritable } per 32 bits of
 * capabilities (1 pair in revision 1, 2 in revisions 2 and 3), then in revision 3 a u32 root uid.
 */

export const ACL_XATTR = { access: 'system.posix_acl_access', default: 'system.posix_acl_default' } as const;
export const CAPS_XATTR = 'security.capability';
export const SELINUX_XATTR = 'security.selinux';

export type AclTag = 'user' | 'group' | 'mask' | 'other';
export interface AclEntry {
  tag: AclTag;
  /** The uid or gid of a named entry; null for the owner, owning group, mask and other. */
  id: number | null;
  /** r=4, w=2, x=1 */
  perm: number;
}

const ACL_TAGS: Record<number, [AclTag, boolean]> = {
  0x01: ['user', false], // ACL_USER_OBJ
  0x02: ['user', true], // ACL_USER
  0x04: ['group', false], // ACL_GROUP_OBJ
  0x08: ['group', true], // ACL_GROUP
  0x10: ['mask', false],
  0x20: ['other', false],
};

/** Decode an ACL xattr value; throws on a value that is not one (named in the message). */
export function decodeAcl(value: Uint8Array): AclEntry[] {
  const buf = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (buf.length < 4 || (buf.length - 4) % 8 !== 0) throw new Error(`not a POSIX ACL: ${buf.length} bytes`);
  const version = buf.readUInt32LE(0);
  if (version !== 2) throw new Error(`not a POSIX ACL: version ${version}`);
  const entries: AclEntry[] = [];
  for (let at = 4; at < buf.length; at += 8) {
    const tag = ACL_TAGS[buf.readUInt16LE(at)];
    if (!tag) throw new Error(`not a POSIX ACL: unknown tag 0x${buf.readUInt16LE(at).toString(16)}`);
    entries.push({ tag: tag[0], id: tag[1] ? buf.readUInt32LE(at + 4) : null, perm: buf.readUInt16LE(at + 2) & 7 });
  }
  return entries;
}

export const permText = (p: number): string => `${p & 4 ? 'r' : '-'}${p & 2 ? 'w' : '-'}${p & 1 ? 'x' : '-'}`;

/** Canonical text, getfacl's entry syntax with numeric ids: "user::rw-,user:65534:r--,mask::r--". */
export function aclText(entries: readonly AclEntry[]): string {
  return entries.map((e) => `${e.tag}:${e.id ?? ''}:${permText(e.perm)}`).join(',');
}

/** Parse canonical ACL text back into entries (for policy and display). */
export function parseAclText(text: string): AclEntry[] {
  if (!text) return [];
  return text.split(',').map((s) => {
    const [tag, id, perm] = s.split(':');
    const p = (perm[0] === 'r' ? 4 : 0) | (perm[1] === 'w' ? 2 : 0) | (perm[2] === 'x' ? 1 : 0);
    return { tag: tag as AclTag, id: id === '' ? null : Number(id), perm: p };
  });
}

/** Names for uids and gids, where the system has them (numbers are shown otherwise). */
export interface IdNames {
  user(uid: number): string | undefined;
  group(gid: number): string | undefined;
}

/** One canonical entry for people: "user:65534:r--" -> "user:nobody:r--". */
export function showAclEntry(entry: string, names?: IdNames): string {
  const [tag, id, perm] = entry.split(':');
  if (id === '' || !names) return entry;
  const name = tag === 'user' ? names.user(Number(id)) : tag === 'group' ? names.group(Number(id)) : undefined;
  return `${tag}:${name ?? id}:${perm}`;
}

// linux/capability.h, CAP_CHOWN (0) .. CAP_CHECKPOINT_RESTORE (40).
export const CAPABILITY_NAMES: readonly string[] = [
  'cap_chown', 'cap_dac_override', 'cap_dac_read_search', 'cap_fowner', 'cap_fsetid', 'cap_kill', 'cap_setgid',
  'cap_setuid', 'cap_setpcap', 'cap_linux_immutable', 'cap_net_bind_service', 'cap_net_broadcast', 'cap_net_admin',
  'cap_net_raw', 'cap_ipc_lock', 'cap_ipc_owner', 'cap_sys_module', 'cap_sys_rawio', 'cap_sys_chroot', 'cap_sys_ptrace',
  'cap_sys_pacct', 'cap_sys_admin', 'cap_sys_boot', 'cap_sys_nice', 'cap_sys_resource', 'cap_sys_time',
  'cap_sys_tty_config', 'cap_mknod', 'cap_lease', 'cap_audit_write', 'cap_audit_control', 'cap_setfcap',
  'cap_mac_override', 'cap_mac_admin', 'cap_syslog', 'cap_wake_alarm', 'cap_block_suspend', 'cap_audit_read',
  'cap_perfmon', 'cap_bpf', 'cap_checkpoint_restore',
];

const capName = (bit: number) => CAPABILITY_NAMES[bit] ?? `cap_${bit}`;

export interface FileCaps {
  /** Capability names with their flags, e.g. { cap_setuid: "ep" }. */
  caps: Map<string, string>;
  /** Revision 3 (namespaced) only: the uid that is root in the file's user namespace. */
  rootid: number | null;
}

/** Decode a security.capability value; throws on a value that is not one. */
export function decodeCaps(value: Uint8Array): FileCaps {
  const buf = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (buf.length < 4) throw new Error(`not a file capability: ${buf.length} bytes`);
  const magic = buf.readUInt32LE(0);
  const revision = magic >>> 24;
  const pairs = revision === 1 ? 1 : 2;
  const want = 4 + pairs * 8 + (revision === 3 ? 4 : 0);
  if (revision < 1 || revision > 3 || buf.length < want) throw new Error(`not a file capability: revision ${revision}, ${buf.length} bytes`);
  const effective = (magic & 1) === 1;
  const caps = new Map<string, string>();
  for (let word = 0; word < pairs; word++) {
    const permitted = buf.readUInt32LE(4 + word * 8);
    const inheritable = buf.readUInt32LE(8 + word * 8);
    for (let bit = 0; bit < 32; bit++) {
      const p = (permitted >>> bit) & 1;
      const i = (inheritable >>> bit) & 1;
      if (!p && !i) continue;
      caps.set(capName(word * 32 + bit), `${effective ? 'e' : ''}${i ? 'i' : ''}${p ? 'p' : ''}`);
    }
  }
  return { caps, rootid: revision === 3 ? buf.readUInt32LE(4 + pairs * 8) : null };
}

/**
 * getcap's notation: capabilities with the same flags grouped, "cap_net_raw,cap_setuid=ep";
 * groups in order of their first capability; a namespaced capability adds " [rootid=1000]".
 */
export function capsText(fc: FileCaps): string {
  const groups = new Map<string, string[]>();
  const order = [...fc.caps.keys()].sort((a, b) => capOrder(a) - capOrder(b));
  for (const name of order) {
    const flags = fc.caps.get(name)!;
    groups.set(flags, [...(groups.get(flags) ?? []), name]);
  }
  const text = [...groups].map(([flags, names]) => `${names.join(',')}=${flags}`).join(' ');
  return fc.rootid === null ? text : `${text} [rootid=${fc.rootid}]`;
}

function capOrder(name: string): number {
  const i = CAPABILITY_NAMES.indexOf(name);
  return i >= 0 ? i : Number(name.slice(4));
}

/** The capability names in a capsText value (what a policy finding lists as gained). */
export function capNames(text: string | null): Set<string> {
  const out = new Set<string>();
  if (!text) return out;
  for (const group of text.replace(/ \[rootid=\d+\]$/, '').split(' ')) {
    const [names] = group.split('=');
    for (const n of names.split(',')) if (n) out.add(n);
  }
  return out;
}

/** The ACL a mode alone amounts to: "user::rw-,group::---,other::---". */
export function minimalAcl(mode: number): string {
  return `user::${permText(mode >> 6)},group::${permText(mode >> 3)},other::${permText(mode)}`;
}

/** "+user:nobody:r--, -mask::r--": the entries added and removed, named where the system can. */
export function diffAcl(oldText: string, newText: string, names?: IdNames): string {
  const a = oldText ? oldText.split(',') : [];
  const b = newText ? newText.split(',') : [];
  const show = (e: string) => showAclEntry(e, names);
  return [...b.filter((e) => !a.includes(e)).map((e) => `+${show(e)}`), ...a.filter((e) => !b.includes(e)).map((e) => `-${show(e)}`)].join(', ');
}

/** "+user.note (sha256 2cf24dba5fb0), -user.old, user.tag sha256 1a2b.. -> 3c4d..": names and digests only. */
export function diffXattrs(oldJson: string, newJson: string): string {
  const a = (oldJson ? JSON.parse(oldJson) : {}) as Record<string, string>;
  const b = (newJson ? JSON.parse(newJson) : {}) as Record<string, string>;
  const parts: string[] = [];
  for (const name of Object.keys(b)) {
    if (!(name in a)) parts.push(`+${name} (sha256 ${b[name].slice(0, 12)})`);
    else if (a[name] !== b[name]) parts.push(`${name} sha256 ${a[name].slice(0, 12)} -> ${b[name].slice(0, 12)}`);
  }
  for (const name of Object.keys(a)) if (!(name in b)) parts.push(`-${name}`);
  return parts.join(', ');
}
