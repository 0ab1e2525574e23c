/**
 * Names for the uids and gids that ACL entries carry, so a finding says "user:nobody:r--" and
 * "ACL grants user nobody read" rather than numbers. Read from /etc/passwd and /etc/group on
 * first use (Node has no getpwuid); an id found in neither (LDAP, a deleted user) stays a number.
 */
import { readFileSync } from 'node:fs';
import type { IdNames } from './xattr-decode.js';

function table(file: string): Map<number, string> {
  const out = new Map<number, string>();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return out; // no such file here: ids are shown as numbers
  }
  for (const line of text.split('\n')) {
    const [name, , id] = line.split(':');
    if (name && id !== undefined && /^\d+$/.test(id) && !out.has(Number(id))) out.set(Number(id), name);
  }
  return out;
}

export function systemIdNames(passwd = '/etc/passwd', group = '/etc/group'): IdNames {
  let users: Map<number, string> | undefined;
  let groups: Map<number, string> | undefined;
  return {
    user: (uid) => (users ??= table(passwd)).get(uid),
    group: (gid) => (groups ??= table(group)).get(gid),
  };
}
