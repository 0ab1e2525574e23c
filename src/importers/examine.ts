/**
 * The first look at a file to import, before anything is written: its size, its SHA-256 (the
 * identity that makes re-imports no-ops) and its head (for identify), and that every byte is
 * UTF-8, naming the line of the first byte that is not.
 */
import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { closeSync, readSync } from 'node:fs';
import { openRegularFile } from '../domain/input-file.js';
import { InputError, ioErrorFor } from '../errors.js';

const HEAD_BYTES = 64 * 1024;

export interface FileFacts {
  path: string;
  size: number;
  sha256: string;
  head: Buffer;
}

/** Stat, hash and check the whole file is UTF-8 before anything is written. */
export function examineFile(path: string, display: string): FileFacts {
  // Regular files only: a FIFO or /dev/zero would block or never end (17, without blocking).
  const { fd, size } = openRegularFile(path, display);
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(1 << 20);
  let head = Buffer.alloc(0);
  // The bytes of a character split across two reads, validated with the next read.
  let carry = Buffer.alloc(0);
  let lines = 1;
  const notUtf8 = (line: number) =>
    new InputError('the file is not UTF-8 text (binary or another encoding); expected a UTF-8 CSV', { file: display, line });
  try {
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch (err) {
        throw ioErrorFor(display, err);
      }
      if (n === 0) break;
      const chunk = buf.subarray(0, n);
      hash.update(chunk);
      if (head.length < HEAD_BYTES) head = Buffer.concat([head, chunk.subarray(0, HEAD_BYTES - head.length)]);
      // isUtf8 validates without building a string (a fatal TextDecoder decoded every byte
      // only to throw the text away: ~0.2 s of a million-row import).
      const bytes = carry.length ? Buffer.concat([carry, chunk]) : chunk;
      const cut = bytes.length - unfinishedTail(bytes);
      if (!isUtf8(bytes.subarray(0, cut))) throw notUtf8(lines + countNewlines(bytes.subarray(0, validPrefix(bytes))));
      carry = Buffer.from(bytes.subarray(cut));
      lines += countNewlines(chunk);
    }
  } finally {
    closeSync(fd);
  }
  // A sequence cut off by the end of the file is left to the CSV reader, which names the line.
  return { path, size, sha256: hash.digest('hex'), head };
}

function countNewlines(b: Buffer): number {
  let n = 0;
  for (let i = b.indexOf(10); i !== -1; i = b.indexOf(10, i + 1)) n++;
  return n;
}

/** Length of the longest prefix of `b` that is UTF-8 up to a whole character (only on failure). */
function validPrefix(b: Buffer): number {
  let lo = 0;
  let hi = b.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    const p = b.subarray(0, mid);
    if (isUtf8(p.subarray(0, p.length - unfinishedTail(p)))) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** How many bytes at the end of `b` begin a UTF-8 sequence that the next read must finish. */
function unfinishedTail(b: Buffer): number {
  for (let k = 1; k <= 3 && k <= b.length; k++) {
    const c = b[b.length - k];
    if ((c & 0xc0) === 0x80) continue; // a continuation byte: look further back for the lead
    const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    return need > k ? k : 0;
  }
  return 0;
}
