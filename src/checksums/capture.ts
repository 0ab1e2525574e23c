/**
 * The current state of a selection: walk it, hash every regular file, and build records through
 * the attribute table. Long work yields between batches so a progress bar can redraw and
 * SIGINT is noticed; it writes nothing, so an interrupt leaves nothing behind.
 */
import { captureRecord, comparePaths, type FileRecord } from './attributes.js';
import { Hasher } from './hasher.js';
import type { PrivateKeyKind } from './sensitive.js';
import { walk, type Selection, type WalkFs, NODE_FS } from './walker.js';

/** What a scan or a baseline sees now. */
export interface CurrentState {
  /** Sorted by path (comparePaths). Unreadable files are here too, without digests. */
  records: FileRecord[];
  /** Paths whose content or listing could not be read, with the reason. */
  unreadable: Map<string, string>;
  /** Directories that could not be listed: what the baseline has below them is unverified. */
  unreadableDirs: string[];
  /** Content classification of files that hold private keys. */
  keys: Map<string, PrivateKeyKind>;
  missing: string[];
  unmatched: string[];
  notes: string[];
  bytes: number;
}

export interface CaptureOptions {
  sha512: boolean;
  /** Called after the walk with the totals, then as files are hashed. */
  onProgress?(done: { files: number; bytes: number }, total: { files: number; bytes: number }): void;
  /** Throws when the run was interrupted. */
  checkInterrupted?(): void;
  fs?: WalkFs;
  hasher?: Hasher;
}

const BATCH_FILES = 512;
const BATCH_BYTES = 64 << 20;

export async function captureState(selection: Selection, opts: CaptureOptions): Promise<CurrentState> {
  const walked = walk(selection, opts.fs ?? NODE_FS);
  const hasher = opts.hasher ?? new Hasher();
  const state: CurrentState = {
    records: [],
    unreadable: new Map(),
    unreadableDirs: [],
    keys: new Map(),
    missing: walked.missing,
    unmatched: walked.unmatched,
    notes: walked.notes,
    bytes: 0,
  };
  for (const u of walked.unreadable) {
    state.unreadable.set(u.path, u.reason);
    if (u.isDir) state.unreadableDirs.push(u.path);
  }
  const total = { files: walked.items.length, bytes: 0 };
  for (const it of walked.items) if (it.type === 'file') total.bytes += Number(it.stat.size);
  const done = { files: 0, bytes: 0 };
  opts.onProgress?.(done, total);
  let sinceYield = { files: 0, bytes: 0 };

  for (const item of walked.items) {
    if (item.type !== 'file') {
      state.records.push(captureRecord(item.path, item.stat, { linkTarget: item.linkTarget }));
    } else {
      const r = hasher.hash(item.path, opts.sha512);
      done.bytes += r.bytes;
      sinceYield.bytes += r.bytes;
      if (r.ok) {
        state.records.push(captureRecord(item.path, r.stat, { sha256: r.sha256, sha512: r.sha512 }));
        if (r.key) state.keys.set(item.path, r.key);
      } else if (r.reason === 'vanished while scanning') {
        state.unreadable.set(item.path, r.reason); // listed, then gone: never a silent pass
      } else {
        state.records.push(captureRecord(item.path, item.stat));
        state.unreadable.set(item.path, r.reason);
      }
    }
    done.files++;
    if (++sinceYield.files >= BATCH_FILES || sinceYield.bytes >= BATCH_BYTES) {
      sinceYield = { files: 0, bytes: 0 };
      opts.onProgress?.(done, total);
      opts.checkInterrupted?.();
      await new Promise(setImmediate);
      opts.checkInterrupted?.();
    }
  }
  opts.onProgress?.(done, total);
  state.bytes = done.bytes;
  state.records.sort((a, b) => comparePaths(a.path, b.path));
  return state;
}
