/**
 * What the extended-attribute tests need from the machine: setfattr (attr), setfacl (acl),
 * setcap (libcap2-bin), root for setcap, and a temporary directory on a file system that takes
 * user xattrs and POSIX ACLs. The os temp dir is tried first, then others; `reason` says why
 * none will do, so a test can skip saying so (CI installs the packages: .ci/run).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './cli.js';

export const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

const ok = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8' }).status === 0;

/** A directory (created) on a file system with user xattrs and ACLs, or why there is none. */
export function xattrTempDir(prefix: string): { dir?: string; reason?: string } {
  const missing = [['setfattr', 'attr'], ['setfacl', 'acl'], ['setcap', 'libcap2-bin']].filter(([cmd]) => !has(cmd));
  if (missing.length) return { reason: `needs ${missing.map(([c, p]) => `${c} (Debian package ${p})`).join(', ')}` };
  if (process.getuid?.() !== 0) return { reason: 'needs root (setcap needs CAP_SETFCAP)' };
  const tried: string[] = [];
  for (const base of [tmpdir(), '/var/tmp', join(ROOT, 'bench', 'out')]) {
    let dir: string;
    try {
      dir = mkdtempSync(join(base, prefix));
    } catch {
      continue;
    }
    const probe = join(dir, 'probe');
    writeFileSync(probe, 'x');
    if (ok('setfattr', ['-n', 'user.probe', '-v', '1', probe]) && ok('setfacl', ['-m', 'u:nobody:r', probe])) {
      rmSync(probe);
      return { dir };
    }
    tried.push(base);
    rmSync(dir, { recursive: true, force: true });
  }
  return { reason: `no temporary directory takes user xattrs and ACLs (tried ${tried.join(', ')})` };
}
