/**
 * Paths are bytes. Linux accepts any byte but "/" and NUL in a name, so a name that is not
 * UTF-8 (a `\xfe` from a Latin-1 tool, or planted on purpose) must be walked, stored, compared
 * and shown like any other; decoding it lossily would make it unreachable ("vanished") and hide
 * everything below it. In memory a path is a string in which each byte that is not part of valid
 * UTF-8 is the lone surrogate U+DC80 + byte (Python's "surrogateescape"): valid UTF-8 paths are
 * unchanged, the mapping is reversible, and JSON carries it exactly (`"\udcfe"`). It turns back
 * into the exact bytes for every system call and for storage, and into `\xfe` for people. Pure.
 */
import { isUtf8 } from 'node:buffer';

const ESCAPED = /(?<![\uD800-\uDBFF])[\uDC80-\uDCFF]/;
const ESCAPED_ALL = /(?<![\uD800-\uDBFF])[\uDC80-\uDCFF]/g;

/** True when `path` holds bytes that are not UTF-8 (escaped). */
export function hasEscapedBytes(path: string): boolean {
  return ESCAPED.test(path);
}

/** The path from its bytes: valid UTF-8 as it is, every other byte escaped. */
export function pathFromBytes(bytes: Buffer): string {
  if (isUtf8(bytes)) return bytes.toString('utf8');
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const n = validSequenceAt(bytes, i);
    if (n === 0) {
      out += String.fromCharCode(0xdc00 + bytes[i]);
      i++;
    } else {
      // Runs of valid UTF-8 are decoded together.
      let j = i + n;
      for (let m = validSequenceAt(bytes, j); m > 0 && j < bytes.length; m = validSequenceAt(bytes, j)) j += m;
      out += bytes.toString('utf8', i, j);
      i = j;
    }
  }
  return out;
}

/** The exact bytes of a path. */
export function pathToBytes(path: string): Buffer {
  if (!hasEscapedBytes(path)) return Buffer.from(path, 'utf8');
  const parts: Buffer[] = [];
  let last = 0;
  for (const m of path.matchAll(ESCAPED_ALL)) {
    parts.push(Buffer.from(path.slice(last, m.index), 'utf8'), Buffer.from([m[0].charCodeAt(0) - 0xdc00]));
    last = m.index! + 1;
  }
  parts.push(Buffer.from(path.slice(last), 'utf8'));
  return Buffer.concat(parts);
}

/** What to hand a system call: the string itself when it is plain UTF-8, else its bytes. */
export function fsPath(path: string): string | Buffer {
  return hasEscapedBytes(path) ? pathToBytes(path) : path;
}

/** For people: every byte that is not UTF-8 as `\xNN`. */
export function displayPath(path: string): string {
  return hasEscapedBytes(path) ? path.replace(ESCAPED_ALL, (c) => `\\x${(c.charCodeAt(0) - 0xdc00).toString(16).padStart(2, '0')}`) : path;
}

/**
 * Compare two paths by their bytes (SQLite's BINARY order of the stored bytes). Only called
 * when a difference involves an escaped byte; plain paths compare by code point, which is
 * the same order.
 */
export function compareEscapedPaths(a: string, b: string): number {
  return Buffer.compare(pathToBytes(a), pathToBytes(b));
}

/** Length of the valid UTF-8 sequence starting at `i`, or 0 (RFC 3629: no overlongs, no surrogates, <= U+10FFFF). */
function validSequenceAt(b: Buffer, i: number): number {
  const c = b[i];
  if (c === undefined) return 0;
  if (c < 0x80) return 1;
  const cont = (k: number) => b[i + k] !== undefined && (b[i + k] & 0xc0) === 0x80;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    const c1 = b[i + 1];
    if (c1 === undefined || !cont(1) || !cont(2)) return 0;
    if (c === 0xe0 && c1 < 0xa0) return 0; // overlong
    if (c === 0xed && c1 >= 0xa0) return 0; // UTF-16 surrogate
    return 3;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    const c1 = b[i + 1];
    if (c1 === undefined || !cont(1) || !cont(2) || !cont(3)) return 0;
    if (c === 0xf0 && c1 < 0x90) return 0; // overlong
    if (c === 0xf4 && c1 >= 0x90) return 0; // above U+10FFFF
    return 4;
  }
  return 0;
}
