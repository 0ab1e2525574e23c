/**
 * Policy findings, beyond what changed: a secret (private key by content, credentials file by
 * name) that group or others can read or write, through its mode or an ACL entry, or that is
 * now owned by another user than at baseline time; a file that gained the setuid/setgid bit or
 * file capabilities; a world-writable file or directory. Reported at init too (except what is
 * "gained"): baselining an insecure file does not make it secure. Pure.
 */
import { basename } from 'node:path';
import type { ScanFinding } from '../domain/integrity.js';
import { octal, type FileRecord } from './attributes.js';
import { isCredentialsPath, type PrivateKeyKind } from './sensitive.js';
import { capNames, parseAclText, type AclEntry, type IdNames } from './xattr-decode.js';

const GROUP_READ_BY_DESIGN = new Set(['shadow', 'gshadow', 'shadow-', 'gshadow-']);

const KEY_WORDS: Record<PrivateKeyKind, string> = {
  pem: 'private key',
  openssh: 'OpenSSH private key',
  pkcs12: 'PKCS#12 key store',
  jks: 'JKS key store',
  jceks: 'JCEKS key store',
  putty: 'PuTTY private key',
};

/** What makes this file secret, in words, or null when it is not. */
export function secretKind(path: string, key: PrivateKeyKind | null): string | null {
  if (key) return KEY_WORDS[key];
  return isCredentialsPath(path) ? 'credentials file' : null;
}

/**
 * Policy findings for one current record. `key` is the content classification from this read
 * (null when unread or not a key); `baseline` is the record at baseline time, if any; `names`
 * names the users and groups of ACL entries.
 */
export function policyFindings(current: FileRecord, key: PrivateKeyKind | null, baseline?: FileRecord, names?: IdNames): ScanFinding[] {
  const out: ScanFinding[] = [];
  const policy = (reason: string) => out.push({ path: current.path, kind: 'policy', severity: 'high', reason });
  // A world-writable file or directory lets anyone change what is monitored (links are always 0777).
  if (current.type !== 'symlink' && current.mode & 0o002) {
    const what = current.type === 'dir' ? 'directory' : current.type === 'file' ? 'file' : current.type;
    policy(`world-writable ${what} (mode ${octal(current.mode)}${current.type === 'dir' && current.mode & 0o1000 ? ', sticky' : ''}; chmod o-w it)`);
  }
  if (current.type !== 'file') return out;
  if (baseline) {
    for (const [bit, name] of [[0o4000, 'setuid'], [0o2000, 'setgid']] as const) {
      if (current.mode & bit && !(baseline.mode & bit)) policy(`file gained the ${name} bit (mode ${octal(baseline.mode)} -> ${octal(current.mode)})`);
    }
    if (baseline.caps !== null && current.caps !== null) {
      const before = capNames(baseline.caps);
      const gained = [...capNames(current.caps)].filter((c) => !before.has(c));
      if (gained.length) policy(`file gained capabilities ${gained.join(', ')} (now ${current.caps}; was ${baseline.caps || 'none'})`);
    }
  }
  const what = secretKind(current.path, key);
  if (!what) return out;
  // /etc/shadow is group-readable by design (group shadow, for unix_chkpwd): only others count.
  const groupByDesign = GROUP_READ_BY_DESIGN.has(basename(current.path));
  if (current.acl) {
    // With an ACL the group bits of the mode are the mask, not the group: name who is granted.
    const grants = aclGrants(parseAclText(current.acl), groupByDesign, names);
    // The mode's group bits are the ACL mask here; the hint says so rather than "readable by group".
    if (grants.length) policy(`${what}: ${grants.join('; ')} (mode ${octal(current.mode)}, its group bits are the ACL mask; remove entries with setfacl -x, or the ACL with setfacl -b)`);
  } else {
    const access = exposure(groupByDesign ? current.mode & ~0o070 : current.mode);
    if (access) policy(`${what} ${access} (mode ${octal(current.mode)}; chmod 600 it)`);
  }
  if (baseline && baseline.uid !== current.uid) {
    policy(`${what} now owned by uid ${current.uid}, was uid ${baseline.uid} at baseline`);
  }
  return out;
}

/** "ACL grants user nobody read", one per entry that lets someone but the owner read or write. */
export function aclGrants(entries: readonly AclEntry[], groupByDesign = false, names?: IdNames): string[] {
  const mask = entries.find((e) => e.tag === 'mask')?.perm ?? 7;
  const out: string[] = [];
  for (const e of entries) {
    if (e.tag === 'mask' || (e.tag === 'user' && e.id === null)) continue;
    let perm = e.tag === 'other' ? e.perm : e.perm & mask; // the mask limits every entry but owner and other
    if (groupByDesign && e.tag === 'group' && e.id === null) perm &= ~4;
    const can = [perm & 4 ? 'read' : '', perm & 2 ? 'write' : ''].filter(Boolean).join(' and ');
    if (!can) continue;
    const who =
      e.tag === 'other'
        ? 'others'
        : e.id === null
          ? 'its group'
          : `${e.tag} ${(e.tag === 'user' ? names?.user(e.id) : names?.group(e.id)) ?? e.id}`;
    out.push(`ACL grants ${who} ${can}`);
  }
  return out;
}

/** "readable by group and others", "writable by others", ... or null when private. */
export function exposure(mode: number): string | null {
  const can = (bits: number) => [bits & 4 ? 'readable' : '', bits & 2 ? 'writable' : ''].filter(Boolean).join(' and ');
  const group = can((mode >> 3) & 0o7);
  const others = can(mode & 0o7);
  if (group && group === others) return `${group} by group and others`;
  return [group ? `${group} by group` : '', others ? `${others} by others` : ''].filter(Boolean).join(', ') || null;
}
