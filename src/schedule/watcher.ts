/**
 * What `payrecon watch` listens to, and when it scans. Node's own fs.watch (inotify; recursive
 * on Linux since Node 20) was measured against chokidar and @parcel/watcher
 * (docs/benchmarks/watch.md): it saw every write, fastest, with no dependency.
 *
 * Events only say "look again": the scan itself decides what changed, so an event that names
 * the wrong file, or none, costs a scan and never a finding. Events can be lost (the kernel's
 * queue overflows silently, a directory appears before its watch), so the loop also scans
 * everything at start, after any watcher error, and every `rescanMs`: a lost event delays a
 * finding until then, it never hides one.
 */
import { statSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { BaselineSpec } from '../checksums/profiles.js';
import { fsPath, pathFromBytes } from '../domain/byte-path.js';

/** One directory to listen to for one baseline; `names` limits it to some entries (file roots). */
export interface WatchTarget {
  baseline: string;
  dir: string;
  recursive: boolean;
  names?: Set<string>;
}

function kind(path: string): 'dir' | 'other' | null {
  try {
    return statSync(fsPath(path)).isDirectory() ? 'dir' : 'other';
  } catch {
    return null;
  }
}

/**
 * Where to listen for a baseline: a directory root (or a glob's base) recursively; a file
 * root through its parent directory, for that name only, so a file replaced by rename (as
 * editors save) is still seen. A root whose directory does not exist is left to the rescans.
 */
export function watchTargets(baseline: string, spec: BaselineSpec): { targets: WatchTarget[]; unwatched: string[] } {
  const targets: WatchTarget[] = [];
  const unwatched: string[] = [];
  for (const root of spec.roots) {
    const k = kind(root.base);
    if (k === 'dir') {
      targets.push({ baseline, dir: root.base, recursive: true });
    } else if (!root.pattern && kind(dirname(root.base)) === 'dir') {
      const parent = dirname(root.base);
      const same = targets.find((t) => t.dir === parent && t.names);
      if (same) same.names!.add(basename(root.base));
      else targets.push({ baseline, dir: parent, recursive: false, names: new Set([basename(root.base)]) });
    } else {
      unwatched.push(root.base);
    }
  }
  return { targets, unwatched };
}

export interface WatchHandlers {
  /** Something at `path` (absolute) may have changed. */
  change(target: WatchTarget, path: string): void;
  /** The watch on `target` failed and was closed (it is not re-armed here). */
  error(target: WatchTarget, err: Error): void;
}

/** Start listening; returns a function that stops. A target that cannot be watched is an error. */
export function startWatch(target: WatchTarget, on: WatchHandlers, watchFn: typeof watch = watch): () => void {
  let w: FSWatcher;
  try {
    w = watchFn(fsPath(target.dir), { recursive: target.recursive, encoding: 'buffer', persistent: true }, (_type, name) => {
      const rel = name ? pathFromBytes(Buffer.isBuffer(name) ? name : Buffer.from(String(name))) : undefined;
      if (target.names && rel !== undefined && !target.names.has(rel)) return;
      on.change(target, rel === undefined ? target.dir : join(target.dir, rel));
    });
  } catch (err) {
    on.error(target, err as Error);
    return () => undefined;
  }
  w.on('error', (err) => {
    w.close();
    on.error(target, err);
  });
  return () => w.close();
}
