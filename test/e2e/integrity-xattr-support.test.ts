/**
 * Issue 18: where a file system cannot hold extended attributes or ACLs, payrecon says so once
 * per scan (naming a path on it), never silently. ramfs supports neither; mounting it needs root.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { integrityEnv, type IntegrityEnv } from '../helpers/integrity-env.js';

let t: IntegrityEnv;
let mnt = '';
let mounted = false;
beforeAll(() => {
  t = integrityEnv();
  mnt = join(t.dir, 'ramfs');
  mkdirSync(mnt);
  mounted = process.getuid?.() === 0 && spawnSync('mount', ['-t', 'ramfs', 'ramfs', mnt]).status === 0;
  if (mounted) for (const name of ['a.conf', 'b.conf']) writeFileSync(join(mnt, name), name);
});
afterAll(() => {
  if (mounted) spawnSync('umount', [mnt]);
  t.cleanup();
});

const count = (text: string, needle: string) => text.split(needle).length - 1;

describe('a file system without xattrs or ACLs', () => {
  // Skipped (and says so) unless root on a machine that lets it mount: a container without
  // CAP_SYS_ADMIN cannot, and that says nothing about payrecon.
  it('is named once at init and once per scan (skipped unless a ramfs can be mounted)', (ctx) => {
    if (!mounted) ctx.skip();
    const init = t.run(['baseline', 'init', 'ram', '--path', mnt, '--path', t.tree]);
    expect(init.code, init.stderr).toBe(0);
    expect(count(init.stderr, 'does not support user extended attributes')).toBe(1);
    expect(count(init.stderr, 'does not support POSIX ACLs')).toBe(1);
    expect(init.stderr).toContain(`${mnt}: its file system does not support user extended attributes (user.*)`);
    const scan = t.run(['scan', 'ram']);
    expect(scan.code, scan.stderr).toBe(0);
    expect(count(scan.stderr, 'does not support user extended attributes')).toBe(1);
    // The tree on the ordinary file system is not named.
    expect(scan.stderr).not.toContain(t.tree + ':');
  });

  it('a baseline that does not record xattrs or ACLs does not mention them', () => {
    const r = t.run(['baseline', 'init', 'plain', '--path', t.tree, '--attributes', 'content,owner,mode']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/extended attributes|ACL/);
  });
});
