/**
 * The current state of a selection: walk it, hash every regular file, and build records through
 * the attribute table. Long work yields between batches so a progress bar can redraw and
 * SIGINT is noticed; it writes nothing, so an interrupt leaves nothing behind.
 */
import { lstatSync, type BigIntStats } from 'node:fs';
import { availableParallelism } from 'node:os';
import { captureRecord, comparePaths, type FileRecord } from './attributes.js';
import { fsPath } from '../domain/byte-path.js';
import { HashWorker } from './hash-pool.js';
import { Hasher, type HashResult } from './hasher.js';
import type { PrivateKeyKind } from './sensitive.js';
import { NODE_FS, walk, type Selection, type WalkFs, type WalkItem } from './walker.js';
import { WorkQueue } from './work-queue.js';

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
  onProgress?(done: { files: number; bytes: number }, total: { files: number }): void;
  /** Throws when the run was interrupted. */
  checkInterrupted?(): void;
  fs?: WalkFs;
  hasher?: Hasher;
  /** Hash on a worker thread as well (default: when there are two cores and enough files). */
  worker?: boolean;
  /**
   * Work for this thread while the worker starts hashing (a scan verifies the stored baseline
   * here). If it throws, the capture stops and nothing is returned.
   */
  meanwhile?(): void;
}

const BATCH_FILES = 512;
const BATCH_BYTES = 64 << 20;
/** A worker thread costs tens of milliseconds to start: only for work that may pay for it. */
const WORKER_MIN_FILES = 256;

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
  const total = { files: walked.items.length };
  const done = { files: 0, bytes: 0 };
  opts.onProgress?.(done, total);

  const accept = (item: WalkItem, r: HashResult) => {
    done.files++;
    done.bytes += r.bytes;
    if (r.ok) {
      state.records.push(captureRecord(item.path, r.stat, { sha256: r.sha256, sha512: r.sha512 }));
      if (r.key) state.keys.set(item.path, r.key);
      return;
    }
    // Unreadable content: its metadata is still compared, and it is never counted unchanged.
    state.unreadable.set(item.path, r.reason);
    const st = item.stat ?? lstatOrNull(item.path);
    if (st) state.records.push(captureRecord(item.path, st));
  };

  const files = walked.items.filter((it) => it.type === 'file');
  for (const item of walked.items) {
    if (item.type === 'file') continue;
    state.records.push(captureRecord(item.path, item.stat!, { linkTarget: item.linkTarget }));
    done.files++;
  }
  // One queue claimed from both ends: a worker thread from the front, this thread from the
  // back. They meet wherever file sizes and the machine's load put them; neither waits.
  const queue = new WorkQueue(files.length);
  const worker =
    opts.worker !== false && availableParallelism() > 1 && files.length >= WORKER_MIN_FILES
      ? new HashWorker(files, queue, opts.sha512, accept)
      : undefined;
  try {
    opts.meanwhile?.();
    let since = { files: 0, bytes: 0 };
    // Interruptible between chunks of a large file, not only between files.
    const between = opts.checkInterrupted ? () => pause(opts, done, total) : undefined;
    for (let i = queue.takeBack(); i >= 0; i = queue.takeBack()) {
      const r = between ? await hasher.hashInterruptible(files[i].path, opts.sha512, between) : hasher.hash(files[i].path, opts.sha512);
      accept(files[i], r);
      since.bytes += r.bytes;
      if (++since.files >= BATCH_FILES || since.bytes >= BATCH_BYTES) {
        since = { files: 0, bytes: 0 };
        await pause(opts, done, total);
      }
    }
    while (worker && !worker.finished) {
      await Promise.race([worker.whenFinished, new Promise((r) => setTimeout(r, 50))]);
      await pause(opts, done, total);
    }
    // A signal that arrived during the last synchronous read is delivered here, before the
    // caller records anything.
    await pause(opts, done, total);
  } finally {
    await worker?.close();
  }
  state.bytes = done.bytes;
  state.records.sort((a, b) => comparePaths(a.path, b.path));
  return state;
}

/** Let a progress bar redraw, worker results arrive, and an interrupt be noticed. */
async function pause(opts: CaptureOptions, done: { files: number; bytes: number }, total: { files: number }) {
  opts.onProgress?.(done, total);
  opts.checkInterrupted?.();
  await new Promise(setImmediate);
  opts.checkInterrupted?.();
}

function lstatOrNull(path: string): BigIntStats | null {
  try {
    return lstatSync(fsPath(path), { bigint: true });
  } catch {
    return null; // vanished: reported as unreadable with the hasher's reason
  }
}
