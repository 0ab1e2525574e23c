/**
 * A directory loop made with a bind mount (the tree mounted inside itself): reported once, not
 * followed, and the scan still finishes clean. Needs root and mount privileges.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJson } from '../helpers/cli.js';
import { integrityEnv } from '../helpers/integrity-env.js';

function canBindMount(): boolean {
  if (process.getuid?.() !== 0) return false;
  const probe = integrityEnv();
  try {
    mkdirSync(join(probe.tree, 'm'));
    const ok = spawnSync('mount', ['--bind', probe.tree, join(probe.tree, 'm')]).status === 0;
    if (ok) spawnSync('umount', [join(probe.tree, 'm')]);
    return ok;
  } finally {
    probe.cleanup();
  }
}

describe.skipIf(!canBindMount())('directory loops through bind mounts (skipped: needs root and mount --bind)', () => {
  it('are reported once and not followed', () => {
    const t = integrityEnv();
    const loop = join(t.tree, 'sub', 'loop');
    mkdirSync(loop);
    expect(spawnSync('mount', ['--bind', t.tree, loop]).status).toBe(0);
    try {
      const init = t.run(['--json', 'baseline', 'init', 'looped', '--path', t.tree]);
      expect(init.code, init.stderr).toBe(0);
      expect(parseJson(init).files).toBe(6); // tree, sub, loop itself, three files
      const warnings = init.stderr.split('\n').filter((l) => l.includes('directory loop'));
      expect(warnings).toEqual([`warning: directory loop: ${loop} is the same directory as its ancestor ${t.tree} (bind mount or hard-linked directory); not followed`]);
      const scan = t.run(['--json', 'scan', 'looped']);
      expect(scan.code).toBe(0);
      expect(parseJson(scan).scans[0].counts.files).toBe(6);
    } finally {
      // Unmount before removing anything: rm -r through the loop would reach the real files.
      spawnSync('umount', [loop]);
      t.cleanup();
    }
  });
});
