import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BigIntStats } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { rootFromPath, walk, type WalkFs } from '../../src/checksums/walker.js';
import { tempDir } from '../helpers/cli.js';

/** A fake file system: directories by (dev, ino), so a bind-mount loop can be modelled. */
function fakeFs(tree: Record<string, { ino: number; children?: string[] } | { file: true }>): WalkFs {
  const stat = (p: string): BigIntStats => {
    const n = tree[p];
    if (!n) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    const isDir = !('file' in n);
    return { dev: 1n, ino: BigInt(isDir ? n.ino : 999), mode: isDir ? 0o040755n : 0o100644n } as unknown as BigIntStats;
  };
  return {
    lstat: stat,
    readdir: (p) => {
      const n = tree[p];
      if (!n || 'file' in n) throw Object.assign(new Error('ENOTDIR'), { code: 'ENOTDIR' });
      return (n.children ?? []).map((name) => ({ name, isFile: 'file' in (tree[`${p}/${name}`] ?? {}) }));
    },
    readlink: () => '',
  };
}

describe('walk: directory loops and duplicates', () => {
  it('reports a bind-mount loop back into an ancestor once and does not follow it', () => {
    // /r/sub/loop is /r again (same dev and inode): following it would never end.
    const fs = fakeFs({
      '/r': { ino: 1, children: ['a', 'sub'] },
      '/r/a': { file: true },
      '/r/sub': { ino: 2, children: ['loop'] },
      '/r/sub/loop': { ino: 1, children: ['a', 'sub'] },
    });
    const r = walk({ roots: [{ base: '/r' }], excludes: [] }, fs);
    expect(r.items.map((i) => i.path).sort()).toEqual(['/r', '/r/a', '/r/sub', '/r/sub/loop']);
    expect(r.notes).toEqual([expect.stringMatching(/^directory loop: \/r\/sub\/loop is the same directory as its ancestor \/r/)]);
  });

  it('walks a directory reachable by two paths (hard-linked directory) once and says so', () => {
    const fs = fakeFs({
      '/r': { ino: 1, children: ['x', 'y'] },
      '/r/x': { ino: 5, children: ['f'] },
      '/r/x/f': { file: true },
      '/r/y': { ino: 5, children: ['f'] },
      '/r/y/f': { file: true },
    });
    const r = walk({ roots: [{ base: '/r' }], excludes: [] }, fs);
    expect(r.items.map((i) => i.path)).not.toContain('/r/y/f');
    expect(r.notes).toEqual(['/r/y is the same directory as /r/x (bind mount or hard link); walked once']);
  });

  it('overlapping roots are walked once, silently', () => {
    const fs = fakeFs({ '/r': { ino: 1, children: ['s'] }, '/r/s': { ino: 2, children: ['f'] }, '/r/s/f': { file: true } });
    const r = walk({ roots: [{ base: '/r/s' }, { base: '/r' }], excludes: [] }, fs);
    expect(r.items.map((i) => i.path).sort()).toEqual(['/r', '/r/s', '/r/s/f']);
    expect(r.notes).toEqual([]);
  });
});

describe('walk on a real tree', () => {
  const { dir, cleanup } = tempDir();
  afterAll(cleanup);
  mkdirSync(join(dir, 'keys/old'), { recursive: true });
  mkdirSync(join(dir, 'elsewhere'));
  writeFileSync(join(dir, 'keys/a.pem'), 'a');
  writeFileSync(join(dir, 'keys/b.key'), 'b');
  writeFileSync(join(dir, 'keys/notes.txt'), 'n');
  writeFileSync(join(dir, 'keys/old/c.pem'), 'c');
  writeFileSync(join(dir, 'keys/.hidden.pem'), 'h');
  writeFileSync(join(dir, 'elsewhere/secret'), 's');
  symlinkSync(join(dir, 'elsewhere'), join(dir, 'keys/link'));
  const rel = (paths: string[]) => paths.map((p) => p.slice(dir.length + 1)).sort();

  it('records symlinks as links with their target and never follows them', () => {
    const r = walk({ roots: [{ base: join(dir, 'keys') }], excludes: [] });
    const link = r.items.find((i) => i.path.endsWith('/link'));
    expect(link).toMatchObject({ type: 'symlink', linkTarget: join(dir, 'elsewhere') });
    expect(r.items.some((i) => i.path.includes('secret'))).toBe(false);
  });

  it('a glob matches below its base, dotfiles included, at the depth it names', () => {
    const r = walk({ roots: [rootFromPath(join(dir, 'keys/*.pem'))], excludes: [] });
    expect(rel(r.items.map((i) => i.path))).toEqual(['keys/.hidden.pem', 'keys/a.pem']);
    const deep = walk({ roots: [rootFromPath(join(dir, 'keys/**/*.pem'))], excludes: [] });
    expect(rel(deep.items.map((i) => i.path))).toEqual(['keys/.hidden.pem', 'keys/a.pem', 'keys/old/c.pem']);
  });

  it('excludes by name anywhere, or by path; an excluded directory is not entered', () => {
    const r = walk({ roots: [{ base: join(dir, 'keys') }], excludes: ['*.txt', `${dir}/keys/old`] });
    expect(rel(r.items.map((i) => i.path))).toEqual(['keys', 'keys/.hidden.pem', 'keys/a.pem', 'keys/b.key', 'keys/link']);
  });

  it('names roots that do not exist and globs that match nothing', () => {
    const r = walk({ roots: [{ base: join(dir, 'nope') }, rootFromPath(join(dir, 'keys/*.p12')), { base: join(dir, 'gone'), optional: true }], excludes: [] });
    expect(r.missing).toEqual([join(dir, 'nope')]);
    expect(r.unmatched).toEqual([join(dir, 'keys/*.p12')]);
  });

  it('rejects an invalid glob with its text', () => {
    expect(() => rootFromPath(join(dir, 'keys/*[ab'))).toThrow(/invalid glob ".*keys\/\*\[ab"/);
  });
});
