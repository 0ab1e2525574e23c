/**
 * Turning a selection (roots, globs, excludes) into the list of paths to record. lstat only:
 * symbolic links are recorded as links with their target and never followed. A directory
 * reached twice through bind mounts or hard-linked directories is recognised by (dev, inode)
 * and walked once; a loop back into an ancestor is reported once and not followed.
 * The file system is injected so loops can be tested without mount privileges.
 */
import { lstatSync, readdirSync, readlinkSync, type BigIntStats, type Dirent } from 'node:fs';
import picomatch from 'picomatch';
import { fileType, type FileType } from './attributes.js';
import { displayPath, fsPath, pathFromBytes } from '../domain/byte-path.js';
import { reasonFor } from './reasons.js';

/** One place to look: a path, or a base directory and a glob below it. */
export interface SelectionRoot {
  /** Absolute path of the file or directory (the non-glob prefix for globs). */
  base: string;
  /** Glob relative to `base`; absent: `base` itself and, for a directory, everything below. */
  pattern?: string;
  /** Profile locations may be absent; a path the user named must exist at init. */
  optional?: boolean;
}

export interface Selection {
  roots: SelectionRoot[];
  /** Globs on absolute paths; one without a slash matches the name at any depth. */
  excludes: string[];
}

export interface WalkFs {
  lstat(path: string): BigIntStats;
  /** Names with their type when the directory says it (d_type), else null. */
  readdir(path: string): Array<{ name: string; isFile: boolean | null }>;
  readlink(path: string): string;
}

// Names are read as bytes and paths passed back as bytes when they are not UTF-8
// (src/domain/byte-path.ts), so every name the kernel accepts is reachable.
export const NODE_FS: WalkFs = {
  lstat: (p) => lstatSync(fsPath(p), { bigint: true }),
  readdir: (p) => {
    // Names as strings are twice as fast; a name that is not UTF-8 decodes to U+FFFD, and only
    // then is the directory listed again as bytes (a real U+FFFD in a name takes that path too).
    const names = readdirSync(fsPath(p), { withFileTypes: true });
    if (!names.some((d) => d.name.includes('\uFFFD'))) return names.map((d: Dirent) => ({ name: d.name, isFile: d.isFile() }));
    return readdirSync(fsPath(p), { withFileTypes: true, encoding: 'buffer' }).map((d: Dirent<Buffer>) => ({ name: pathFromBytes(d.name), isFile: d.isFile() }));
  },
  readlink: (p) => pathFromBytes(readlinkSync(fsPath(p), { encoding: 'buffer' })),
};

/**
 * A path to record. Regular files found in a directory listing carry no stat: the hasher
 * fstat's the open file (the attributes then describe exactly what was hashed), which saves
 * a stat per file, and node builds four Date objects for every stat.
 */
export interface WalkItem {
  path: string;
  type: FileType;
  stat: BigIntStats | null;
  linkTarget: string | null;
  /** A directory's number of names, once it was listed (a new file shows in its directory). */
  entries?: number;
}

/** The result of a walk, sorted by nothing in particular: callers sort what they keep. */
export interface WalkResult {
  items: WalkItem[];
  /** Paths that exist but could not be listed or stat'ed, with the reason in words; `isDir`:
   * nothing below this path could be seen (a directory not listed, or a path not stat'ed). */
  unreadable: Array<{ path: string; reason: string; isDir: boolean }>;
  /** Roots that do not exist. */
  missing: string[];
  /** Globs that matched nothing. */
  unmatched: string[];
  /** Loops and duplicate directories, one line each. */
  notes: string[];
}

const GLOB_OPTS = { dot: true, strictBrackets: true } as const;

/** Compile a glob or throw with a message naming it (callers turn it into a usage error). */
export function compileGlob(glob: string, basename = false): (path: string) => boolean {
  try {
    return picomatch(glob, { ...GLOB_OPTS, basename });
  } catch (err) {
    throw new Error(`invalid glob "${glob}": ${(err as Error).message}`);
  }
}

/** Split a user's `--path` (absolute) into a root; globs become base + pattern. */
export function rootFromPath(absPath: string): SelectionRoot {
  const scan = picomatch.scan(absPath);
  if (!scan.isGlob) return { base: absPath };
  compileGlob(absPath); // validate the whole glob now, not on first match
  return { base: scan.base || '/', pattern: scan.glob };
}

export function walk(selection: Selection, fs: WalkFs = NODE_FS): WalkResult {
  const result: WalkResult = { items: [], unreadable: [], missing: [], unmatched: [], notes: [] };
  const seenPaths = new Set<string>();
  const walkedDirs = new Map<string, string>(); // dev:ino -> first path walked
  const reported = new Set<string>();
  const excludes = selection.excludes.map((g) => compileGlob(g, !g.includes('/')));
  const excluded = (p: string) => excludes.some((m) => m(p));

  const record = (path: string, st: BigIntStats | null): WalkItem | undefined => {
    if (seenPaths.has(path)) return undefined;
    seenPaths.add(path);
    const type = st ? fileType(st) : 'file';
    let linkTarget: string | null = null;
    if (type === 'symlink') {
      try {
        linkTarget = fs.readlink(path);
      } catch (err) {
        result.unreadable.push({ path, reason: reasonFor(err), isDir: false });
        return undefined;
      }
    }
    const item = { path, type, stat: st, linkTarget };
    result.items.push(item);
    return item;
  };

  /** Walk below `dir`; `keep` decides which paths are recorded, `depth` limits globs. */
  const descend = (dir: string, st: BigIntStats, ancestors: Set<string>, keep: (p: string) => boolean, depth: number, item?: WalkItem) => {
    const id = `${st.dev}:${st.ino}`;
    const first = walkedDirs.get(id);
    if (first !== undefined) {
      if (first !== dir && !reported.has(id + dir)) {
        reported.add(id + dir);
        result.notes.push(
          ancestors.has(id)
            ? `directory loop: ${displayPath(dir)} is the same directory as its ancestor ${displayPath(first)} (bind mount or hard-linked directory); not followed`
            : `${displayPath(dir)} is the same directory as ${displayPath(first)} (bind mount or hard link); walked once`,
        );
      }
      return;
    }
    walkedDirs.set(id, dir);
    if (depth <= 0) return;
    let entries: Array<{ name: string; isFile: boolean | null }>;
    try {
      entries = fs.readdir(dir);
    } catch (err) {
      result.unreadable.push({ path: dir, reason: reasonFor(err), isDir: true });
      return;
    }
    if (item) item.entries = entries.length; // every name, excluded ones too: it is what the directory holds
    const inner = new Set(ancestors).add(id);
    for (const { name, isFile } of entries) {
      const path = dir === '/' ? `/${name}` : `${dir}/${name}`;
      if (excluded(path)) continue;
      if (isFile) {
        if (keep(path)) record(path, null);
        continue;
      }
      let cst: BigIntStats;
      try {
        cst = fs.lstat(path);
      } catch (err) {
        // Whatever the baseline has below a path we cannot stat is unverifiable, not removed.
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
          result.unreadable.push({ path, reason: reasonFor(err), isDir: true });
        }
        continue; // gone between readdir and lstat: a removal, reported by comparison
      }
      const item = keep(path) ? record(path, cst) : undefined;
      if (fileType(cst) === 'dir') descend(path, cst, inner, keep, depth - 1, item);
    }
  };

  for (const root of selection.roots) {
    let st: BigIntStats;
    try {
      st = fs.lstat(root.base);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') {
        if (!root.optional) result.missing.push(root.base);
      } else {
        result.unreadable.push({ path: root.base, reason: reasonFor(err), isDir: true });
      }
      continue;
    }
    if (!root.pattern) {
      if (excluded(root.base)) continue;
      const item = record(root.base, st);
      if (fileType(st) === 'dir') descend(root.base, st, new Set(), () => true, Infinity, item);
      else if (fileType(st) === 'symlink') {
        result.notes.push(`${root.base} is a symbolic link: recorded as a link, not followed`);
      }
      continue;
    }
    if (fileType(st) !== 'dir') {
      if (!root.optional) result.unmatched.push(`${root.base}/${root.pattern}`);
      continue;
    }
    const matcher = compileGlob(root.pattern);
    const prefix = root.base === '/' ? 1 : root.base.length + 1;
    let matched = 0;
    const keep = (p: string) => (matcher(p.slice(prefix)) ? ++matched > 0 : false);
    // A glob without ** cannot match deeper than its number of segments.
    const depth = root.pattern.includes('**') ? Infinity : root.pattern.split('/').length;
    walkedDirs.delete(`${st.dev}:${st.ino}`); // a glob root may share a directory with another root
    descend(root.base, st, new Set(), keep, depth);
    if (matched === 0 && !root.optional) result.unmatched.push(`${root.base}/${root.pattern}`);
  }
  return result;
}
