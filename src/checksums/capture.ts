/**
 * The current state of a selection: walk it, hash every regular file, and build records through
 * the attribute table. Long work yields between batches so a progress bar can redraw and
 * SIGINT is noticed; it writes nothing, so an interrupt leaves nothing behind.
 */
import { lstatSync, type BigIntStats } from 'node:fs';
import { availableParallelism } from 'node:os';
import {
  captureRecord,
  comparePaths,
  EVERY_ATTRIBUTE,
  selectAttributes,
  XATTR_ATTRIBUTES,
  type AttributeSet,
  type FileRecord,
  type StatLike,
} from './attributes.js';
import { fsPath } from '../domain/byte-path.js';
import { HashWorker } from './hash-pool.js';
import { Hasher, type HashResult } from './hasher.js';
import type { PrivateKeyKind } from './sensitive.js';
import { NODE_FS, walk, type Selection, type WalkFs, type WalkItem } from './walker.js';
import { WorkQueue } from './work-queue.js';
import { systemIdNames } from './id-names.js';
import type { IdNames } from './xattr-decode.js';
import { probeFilesystem, readXattrs, xattrsUnavailable, type XattrRead } from './xattrs.js';

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
  /** User and group names for uids and gids in ACL entries (read from the system on demand). */
  names: IdNames;
}

export interface CaptureOptions {
  sha512: boolean;
  /** What the baseline records (default: everything); xattrs are read only when it asks. */
  attributes?: AttributeSet;
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
  const attributes = opts.attributes ?? EVERY_ATTRIBUTE;
  const wantXattrs = [...XATTR_ATTRIBUTES].some((n) => attributes.names.has(n)) && !xattrsUnavailable();
  const hasher = opts.hasher ?? new Hasher(undefined, undefined, wantXattrs ? readXattrs : undefined);
  const state: CurrentState = {
    records: [],
    unreadable: new Map(),
    unreadableDirs: [],
    keys: new Map(),
    missing: walked.missing,
    unmatched: walked.unmatched,
    notes: walked.notes,
    bytes: 0,
    names: systemIdNames(),
  };
  // One path per device, to ask each file system once whether it supports xattrs and ACLs.
  const devices = new Map<bigint, string>();
  const seenOn = (path: string, st: StatLike) => {
    if (st.dev !== undefined && !devices.has(st.dev)) devices.set(st.dev, path);
  };
  /** The xattrs read for a path, or null; a failure that is not "unsupported" is never silent. */
  const xattrsOf = (path: string, read: XattrRead | undefined) => {
    if (!read) return null;
    if (read.ok) return read.values;
    if (!read.unsupported && !state.unreadable.has(path)) state.unreadable.set(path, `extended attributes could not be read: ${read.reason}`);
    return null;
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
      seenOn(item.path, r.stat);
      state.records.push(captureRecord(item.path, r.stat, { sha256: r.sha256, sha512: r.sha512, xattrs: xattrsOf(item.path, r.xattrs) }));
      if (r.key) state.keys.set(item.path, r.key);
      return;
    }
    // Unreadable content: its metadata is still compared, and it is never counted unchanged.
    state.unreadable.set(item.path, r.reason);
    const st = item.stat ?? lstatOrNull(item.path);
    // Its xattrs (capabilities!) may still be readable when its content is not.
    const xattrs = st && wantXattrs ? readXattrs(item.path) : undefined;
    if (st) state.records.push(captureRecord(item.path, st, { xattrs: xattrs?.ok ? xattrs.values : null }));
  };

  const files = walked.items.filter((it) => it.type === 'file');
  for (const item of walked.items) {
    if (item.type === 'file') continue;
    seenOn(item.path, item.stat!);
    // The binding follows links (xattrs.ts): a link's own xattrs are not read.
    const xattrs = wantXattrs && item.type !== 'symlink' ? xattrsOf(item.path, readXattrs(item.path)) : null;
    state.records.push(captureRecord(item.path, item.stat!, { linkTarget: item.linkTarget, xattrs, entries: item.entries ?? null }));
    done.files++;
  }
  // One queue claimed from both ends: a worker thread from the front, this thread from the
  // back. They meet wherever file sizes and the machine's load put them; neither waits.
  const queue = new WorkQueue(files.length);
  const worker =
    opts.worker !== false && availableParallelism() > 1 && files.length >= WORKER_MIN_FILES
      ? new HashWorker(files, queue, opts.sha512, accept, wantXattrs)
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
  state.records = state.records.map((r) => selectAttributes(r, attributes)).sort((a, b) => comparePaths(a.path, b.path));
  state.notes.push(...xattrNotes(attributes, wantXattrs, devices));
  return state;
}

/** Where xattrs or ACLs cannot be recorded, say so: once per scan, once per file system. */
function xattrNotes(attributes: AttributeSet, wanted: boolean, devices: Map<bigint, string>): string[] {
  const asked = [...XATTR_ATTRIBUTES].filter((n) => attributes.names.has(n));
  if (asked.length === 0) return [];
  const unavailable = xattrsUnavailable();
  if (unavailable) return [`${asked.join(', ')} are not recorded on this system: ${unavailable}`];
  if (!wanted) return [];
  const notes: string[] = [];
  for (const path of devices.values()) {
    const fs = probeFilesystem(path);
    if (!fs.user) notes.push(`${path}: its file system does not support user extended attributes (user.*); they are not recorded on it`);
    if (!fs.acl && (attributes.names.has('acl') || attributes.names.has('default_acl'))) {
      notes.push(`${path}: its file system does not support POSIX ACLs (or is mounted without them); ACLs are not recorded on it`);
    }
  }
  return notes;
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
