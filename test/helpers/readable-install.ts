/**
 * A copy of the built CLI that another user can run. A clone in a directory other users cannot
 * traverse (a `mktemp -d` directory, a home directory with mode 0700) leaves `nobody` unable to
 * load bin/payrecon; tests that drop privileges run this copy instead: bin/, dist/, package.json
 * and the runtime dependencies (not the dev tools) under a fresh world-readable temp directory.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT } from './cli.js';

export type ReadableInstall = { bin: string; copied: boolean; cleanup(): void } | { skip: string };

/** `dropper` is the command prefix that runs as the other user (setpriv/runuser ...). */
export function readableInstall(dropper: string[]): ReadableInstall {
  const runs = (bin: string) =>
    spawnSync(dropper[0], [...dropper.slice(1), process.execPath, bin, '--version'], { encoding: 'utf8', cwd: '/' }).status === 0;
  const node = spawnSync(dropper[0], [...dropper.slice(1), process.execPath, '-e', ''], { cwd: '/' });
  if (node.status !== 0) return { skip: `the unprivileged user cannot run ${process.execPath}` };
  if (runs(BIN)) return { bin: BIN, copied: false, cleanup() {} };
  const dir = mkdtempSync(join(tmpdir(), 'payrecon-readable-'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    chmodSync(dir, 0o755);
    for (const part of ['bin', 'dist', 'package.json']) cpSync(join(ROOT, part), join(dir, part), { recursive: true });
    for (const pkg of runtimeClosure()) {
      cpSync(realpathSync(join(ROOT, 'node_modules', pkg)), join(dir, 'node_modules', pkg), { recursive: true, dereference: true, filter: notBuildInput });
    }
    // cpSync keeps modes; files a umask of 077 made private would still be unreadable.
    spawnSync('chmod', ['-R', 'a+rX', dir]);
    const bin = join(dir, 'bin', 'payrecon');
    if (!runs(bin)) {
      cleanup();
      return { skip: `the unprivileged user cannot run a copy of the CLI under ${tmpdir()} either` };
    }
    return { bin, copied: true, cleanup };
  } catch (err) {
    cleanup();
    return { skip: `could not make a readable copy of the CLI: ${(err as Error).message}` };
  }
}

/** Sources and objects a native module was compiled from are not needed to run it. */
const notBuildInput = (src: string) => !/\/better-sqlite3\/(deps|src)(\/|$)|\/obj\.target(\/|$)/.test(src);

/** The packages the CLI needs at run time: dependencies of package.json, transitively (hoisted layout). */
function runtimeClosure(): string[] {
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    const manifest = join(ROOT, 'node_modules', name, 'package.json');
    if (!existsSync(manifest)) return; // an optional dependency not installed on this platform
    seen.add(name);
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { dependencies?: object; optionalDependencies?: object; peerDependencies?: object };
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies, ...pkg.peerDependencies })) visit(dep);
  };
  const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies?: object };
  for (const dep of Object.keys(root.dependencies ?? {})) visit(dep);
  return [...seen].sort();
}
