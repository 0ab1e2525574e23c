/**
 * AIDE beside payrecon on the same tree: a config recording every attribute AIDE knows, and a
 * parser of `aide --check`'s detailed report into, per path, the payrecon attribute (or
 * finding kind) each reported AIDE attribute corresponds to ("a|b": either will do).
 */
import { join } from 'node:path';

export function aideConfig(dir: string, tree: string): string {
  return [
    `database_in=file:${join(dir, 'aide.db')}`,
    `database_out=file:${join(dir, 'aide.db.new')}`,
    'gzip_dbout=no',
    'report_url=stdout',
    `${tree} p+i+n+u+g+s+m+c+acl+xattrs+selinux+caps+sha256`,
    '',
  ].join('\n');
}

const SIMPLE: Record<string, string> = {
  Perm: 'mode', Uid: 'uid', Gid: 'gid', Size: 'size', Mtime: 'mtime', Ctime: 'ctime', Inode: 'inode', Linkcount: 'nlink',
  XAttrs: 'xattrs', SELinux: 'selinux', SHA256: 'sha256', Caps: 'caps', Link: 'link_target',
};

/** path -> payrecon names, from the report's added/removed lists and its detailed section. */
export function aideChanges(report: string, tree: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (path: string, what: string) => {
    if (path.startsWith(tree)) out.set(path, (out.get(path) ?? new Set()).add(what));
  };
  let section = '';
  let path = '';
  let isDir = false;
  let acl: string[] | undefined;
  const flushAcl = () => {
    if (!acl) return;
    const text = acl.join('\n');
    // A: lines with only the owner, group and other entries are the mode, as getfacl shows it.
    if (/D: /.test(text)) add(path, 'default_acl');
    if (/A: (user|group):[^:\s]+:|A: mask::/.test(text)) add(path, 'acl');
    else if (!/D: /.test(text)) add(path, 'mode|acl');
    acl = undefined;
  };
  for (const line of report.split('\n')) {
    if (/^(Added|Removed|Changed) entries:/.test(line)) section = line.split(' ')[0].toLowerCase();
    if (/^Detailed information about changes:/.test(line)) section = 'detail';
    if (/^The attributes of the /.test(line)) section = 'database'; // the AIDE database's own digests
    const listed = /^[a-zA-Z!?][^:]*: (\/.*)$/.exec(line);
    if (listed && (section === 'added' || section === 'removed')) add(listed[1], section);
    if (section !== 'detail') continue;
    const head = /^(File|Directory|Link|FIFO|Socket|Block device|Character device): (.+)$/.exec(line);
    if (head) {
      flushAcl();
      path = head[2];
      isDir = head[1] === 'Directory';
      continue;
    }
    const attr = /^ (\S[\w ]*?)\s*: /.exec(line);
    if (attr) {
      flushAcl();
      const name = attr[1];
      if (name === 'ACL') acl = [line];
      // A directory's size and link count move with its entries.
      else if (isDir && (name === 'Size' || name === 'Linkcount')) add(path, `entries|mtime|${SIMPLE[name]}`);
      else add(path, SIMPLE[name] ?? name.toLowerCase());
    } else if (acl && /^\s+\S/.test(line)) acl.push(line);
  }
  flushAcl();
  return out;
}
