/**
 * Hashing file content fast and honestly. One reused 1 MiB buffer and synchronous reads were
 * measured twice as fast as a read stream per file. The file is fstat'ed before and after the
 * read: if size, mtime or ctime moved, it changed while being read, so it is read once more and
 * then reported rather than trusted. The first block is shown to `detectPrivateKey` and
 * forgotten: nothing of the content leaves this function but digests and a classification.
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync, type BigIntStats } from 'node:fs';
import type { StatLike } from './attributes.js';
import { fsPath } from '../domain/byte-path.js';
import { reasonFor } from './reasons.js';
import { detectPrivateKey, type PrivateKeyKind } from './sensitive.js';
import type { XattrRead } from './xattrs.js';

/** Reads a file's extended attributes while it is open (src/checksums/xattrs.ts readXattrs). */
export type XattrReader = (path: string, fd: number) => XattrRead;

export interface HashIo {
  open(path: string): number;
  fstat(fd: number): BigIntStats;
  read(fd: number, buf: Buffer): number;
  close(fd: number): void;
}

// O_NOFOLLOW: a file swapped for a symlink after the walk is not followed; O_NONBLOCK: a file
// swapped for a FIFO does not hang the scan.
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

export const NODE_HASH_IO: HashIo = {
  open: (p) => openSync(fsPath(p), OPEN_FLAGS),
  fstat: (fd) => fstatSync(fd, { bigint: true }),
  read: (fd, buf) => readSync(fd, buf, 0, buf.length, null),
  close: (fd) => closeSync(fd),
};

export type HashResult =
  | { ok: true; stat: StatLike; sha256: string; sha512: string | null; key: PrivateKeyKind | null; bytes: number; xattrs?: XattrRead }
  | { ok: false; reason: string; bytes: number };

export const CHANGED_WHILE_READ = 'changed while being read';

/** A reusable hasher: owns its buffer, so one per thread. */
export class Hasher {
  private readonly buf: Buffer;
  constructor(
    private readonly io: HashIo = NODE_HASH_IO,
    bufferSize = 1 << 20,
    private readonly readXattrs?: XattrReader,
  ) {
    this.buf = Buffer.allocUnsafe(bufferSize);
  }

  /** Hash a regular file; on a change during the read, try once more, then give up. */
  hash(path: string, sha512: boolean): HashResult {
    const steps = this.steps(path, sha512);
    for (;;) {
      const s = steps.next();
      if (s.done) return s.value;
    }
  }

  /**
   * The same, yielding to `between` every `every` bytes: a signal that arrives while one large
   * file is read is noticed there (a synchronous read loop never lets Node deliver it). When
   * `between` throws, the file is closed and its buffer cleared before the error passes on.
   */
  async hashInterruptible(path: string, sha512: boolean, between: () => Promise<void>, every = 16 << 20): Promise<HashResult> {
    const steps = this.steps(path, sha512, every);
    try {
      for (;;) {
        const s = steps.next();
        if (s.done) return s.value;
        await between();
      }
    } finally {
      steps.return(undefined as never);
    }
  }

  private *steps(path: string, sha512: boolean, every = Infinity): Generator<void, HashResult> {
    let bytes = 0;
    for (let attempt = 0; attempt < 2; attempt++) {
      const r = yield* this.once(path, sha512, every);
      bytes += r.bytes;
      if (r.ok || r.reason !== CHANGED_WHILE_READ) return { ...r, bytes };
    }
    return { ok: false, reason: CHANGED_WHILE_READ, bytes };
  }

  private *once(path: string, sha512: boolean, every: number): Generator<void, HashResult> {
    let fd: number;
    try {
      fd = this.io.open(path);
    } catch (err) {
      return { ok: false, reason: reasonFor(err), bytes: 0 };
    }
    let bytes = 0;
    try {
      const before = this.io.fstat(fd);
      if (!before.isFile()) return { ok: false, reason: CHANGED_WHILE_READ, bytes };
      const h256 = createHash('sha256');
      const h512 = sha512 ? createHash('sha512') : null;
      let key: PrivateKeyKind | null = null;
      // Stop at the size fstat reported instead of paying a read() for EOF on every file: a
      // file that grew meanwhile shows up in the second fstat and is read again.
      const size = Number(before.size);
      let sinceYield = 0;
      for (;;) {
        const n = this.io.read(fd, this.buf);
        if (n === 0) break;
        const chunk = n === this.buf.length ? this.buf : this.buf.subarray(0, n);
        if (bytes === 0) key = detectPrivateKey(chunk);
        h256.update(chunk);
        h512?.update(chunk);
        bytes += n;
        if (bytes >= size && n < this.buf.length) break;
        sinceYield += n;
        if (sinceYield >= every) {
          sinceYield = 0;
          yield;
        }
      }
      // Between the two fstats: an xattr or ACL set meanwhile moves the ctime, and the file is read again.
      const xattrs = this.readXattrs?.(path, fd);
      const after = this.io.fstat(fd);
      if (
        after.size !== before.size ||
        after.mtimeNs !== before.mtimeNs ||
        after.ctimeNs !== before.ctimeNs ||
        BigInt(bytes) !== before.size
      ) {
        return { ok: false, reason: CHANGED_WHILE_READ, bytes };
      }
      return { ok: true, stat: statLike(before), sha256: h256.digest('hex'), sha512: h512?.digest('hex') ?? null, key, bytes, ...(xattrs ? { xattrs } : {}) };
    } catch (err) {
      return { ok: false, reason: reasonFor(err), bytes };
    } finally {
      this.buf.fill(0, 0, Math.min(bytes, this.buf.length)); // leave no secret bytes behind
      this.io.close(fd);
    }
  }
}

/** The fields capture needs, as a plain object (it crosses to and from worker threads). */
export function statLike(st: BigIntStats): StatLike {
  const { dev, mode, size, uid, gid, ino, nlink, mtimeNs, ctimeNs } = st;
  return { dev, mode, size, uid, gid, ino, nlink, mtimeNs, ctimeNs };
}
