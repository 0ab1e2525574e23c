/** The one order of paths: signing, storage (SQLite BINARY) and reports agree on it. Pure. */
import { compareEscapedPaths } from '../domain/byte-path.js';

/**
 * Compare paths by code point, which is the order of their UTF-8 bytes (SQLite's BINARY
 * collation). Plain `<` on JS strings compares UTF-16 units and puts U+E000..U+FFFF after
 * astral characters; signing needs one order everywhere, without allocating per comparison.
 */
function isEscapedByte(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c < 0xdc80 || c > 0xdcff) return false;
  const p = i > 0 ? s.charCodeAt(i - 1) : 0;
  return !(p >= 0xd800 && p <= 0xdbff);
}

export function comparePaths(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // A byte that is not UTF-8 (src/domain/byte-path.ts) orders by its value among bytes.
    if (isEscapedByte(a, i) || isEscapedByte(b, i)) return compareEscapedPaths(a, b);
    const sx = x >= 0xd800 && x <= 0xdfff;
    const sy = y >= 0xd800 && y <= 0xdfff;
    if (sx === sy) return x - y;
    return sx ? 1 : -1; // a surrogate starts a code point above U+FFFF
  }
  return a.length - b.length;
}
