/**
 * User and group names for uids and gids, for the `file.owner`/`file.group` of events. Node
 * has no getpwuid, so /etc/passwd and /etc/group are read once; an account only known to NSS
 * (LDAP, sssd) shows as its number, which `file.uid` carries anyway.
 */
import { readFileSync } from 'node:fs';
import type { AccountNames } from './events.js';

function table(file: string): Map<number, string> {
  const out = new Map<number, string>();
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return out;
  }
  for (const line of text.split('\n')) {
    const [name, , id] = line.split(':');
    if (name && id && /^\d+$/.test(id) && !out.has(Number(id))) out.set(Number(id), name);
  }
  return out;
}

export function systemAccountNames(root = '/etc'): AccountNames {
  let users: Map<number, string> | undefined;
  let groups: Map<number, string> | undefined;
  return {
    user: (uid) => (users ??= table(`${root}/passwd`)).get(uid),
    group: (gid) => (groups ??= table(`${root}/group`)).get(gid),
  };
}
