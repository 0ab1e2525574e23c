/**
 * The one attribute table (AIDE style). Every attribute payrecon records about a path is a row
 * here: its name (also the JSON field and the name a finding lists), a label for people, the
 * database column, which file types it applies to and how its value is written canonically.
 * Capture, storage, signing, comparison and every report are driven from this table, so adding
 * an attribute is one row here plus one column in the migration.
 */

import { compareEscapedPaths, displayPath } from '../domain/byte-path.js';

export const FILE_TYPES = ['file', 'dir', 'symlink', 'fifo', 'socket', 'char', 'block'] as const;
export type FileType = (typeof FILE_TYPES)[number];

/** What payrecon knows about one path at one moment. Content never appears here: only digests. */
export interface FileRecord {
  path: string;
  type: FileType;
  size: bigint;
  mode: number; // permission and special bits (mode & 0o7777); the type is its own attribute
  uid: number;
  gid: number;
  inode: bigint;
  nlink: number;
  mtime: bigint; // nanoseconds since the epoch
  ctime: bigint;
  link_target: string | null;
  sha256: string | null; // null: not a regular file, or its content could not be read
  sha512: string | null; // only when the baseline asked for it
}

export type AttributeName = Exclude<keyof FileRecord, 'path'>;

/** The fields of node's BigIntStats that capture reads (kept structural so this stays pure). */
export interface StatLike {
  mode: bigint;
  size: bigint;
  uid: bigint;
  gid: bigint;
  ino: bigint;
  nlink: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
}

/** What capture knows beyond the stat: the link target, the digests of the content read. */
export interface CaptureExtra {
  linkTarget?: string | null;
  sha256?: string | null;
  sha512?: string | null;
}

const S_IFMT = 0o170000n;
const TYPE_BY_FMT = new Map<bigint, FileType>([
  [0o100000n, 'file'],
  [0o040000n, 'dir'],
  [0o120000n, 'symlink'],
  [0o010000n, 'fifo'],
  [0o140000n, 'socket'],
  [0o020000n, 'char'],
  [0o060000n, 'block'],
]);

export function fileType(st: Pick<StatLike, 'mode'>): FileType {
  return TYPE_BY_FMT.get(st.mode & S_IFMT) ?? 'file';
}

/** One row of the attribute table. */
export interface AttributeSpec {
  name: AttributeName;
  label: string;
  /** Column in baseline_entries. */
  column: string;
  /** How the column stores it: text, a small integer (number) or a 64-bit integer (bigint). */
  storage: 'text' | 'int' | 'bigint';
  /** File types on which the attribute is compared (a directory's mtime changes whenever a
   * file inside is added, which is already reported as `added`, so it is not compared). */
  types: ReadonlySet<FileType>;
  /** Take the value from a stat (bigint form) and what was read beyond it. */
  capture(st: StatLike, extra: CaptureExtra): FileRecord[AttributeName];
  /** Canonical text of a value, used for signing and equality; null when absent. */
  canonical(value: FileRecord[AttributeName]): string | null;
  /** Short human rendering for finding reasons, or undefined to name the attribute only. */
  show?(value: FileRecord[AttributeName]): string;
}

const ALL: ReadonlySet<FileType> = new Set(FILE_TYPES);
const NOT_DIR: ReadonlySet<FileType> = new Set(FILE_TYPES.filter((t) => t !== 'dir'));
const REGULAR: ReadonlySet<FileType> = new Set<FileType>(['file']);
const LINK: ReadonlySet<FileType> = new Set<FileType>(['symlink']);

const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
/** A permission mode as people write it for chmod: "0600", "04755". */
export const octal = (v: unknown): string => '0' + Number(v).toString(8).padStart(3, '0');
const isoNs = (v: unknown): string => {
  const ns = BigInt(v as bigint);
  const ms = ns / 1_000_000n;
  return new Date(Number(ms)).toISOString();
};
const shortDigest = (v: unknown): string => (v === null ? 'unread' : String(v).slice(0, 12));

export const ATTRIBUTES: readonly AttributeSpec[] = [
  { name: 'type', label: 'file type', column: 'type', storage: 'text',
    capture: (st) => fileType(st),
    types: ALL, canonical: text, show: String },
  { name: 'size', label: 'size (bytes)', column: 'size', storage: 'bigint',
    capture: (st) => st.size,
    types: NOT_DIR, canonical: text, show: String },
  { name: 'mode', label: 'permissions', column: 'mode', storage: 'int',
    capture: (st) => Number(st.mode & 0o7777n),
    types: ALL, canonical: text, show: octal },
  { name: 'uid', label: 'owner (uid)', column: 'uid', storage: 'int',
    capture: (st) => Number(st.uid),
    types: ALL, canonical: text, show: String },
  { name: 'gid', label: 'group (gid)', column: 'gid', storage: 'int',
    capture: (st) => Number(st.gid),
    types: ALL, canonical: text, show: String },
  { name: 'inode', label: 'inode', column: 'inode', storage: 'bigint',
    capture: (st) => st.ino,
    types: ALL, canonical: text },
  { name: 'nlink', label: 'link count', column: 'nlink', storage: 'int',
    capture: (st) => Number(st.nlink),
    types: NOT_DIR, canonical: text, show: String },
  { name: 'mtime', label: 'modified', column: 'mtime_ns', storage: 'bigint',
    capture: (st) => st.mtimeNs,
    types: NOT_DIR, canonical: text, show: isoNs },
  { name: 'ctime', label: 'inode changed', column: 'ctime_ns', storage: 'bigint',
    capture: (st) => st.ctimeNs,
    types: NOT_DIR, canonical: text },
  { name: 'link_target', label: 'link target', column: 'link_target', storage: 'text',
    capture: (_st, x) => x.linkTarget ?? null,
    types: LINK, canonical: text, show: (v) => displayPath(String(v)) },
  { name: 'sha256', label: 'SHA-256', column: 'sha256', storage: 'text',
    capture: (_st, x) => x.sha256 ?? null,
    types: REGULAR, canonical: text, show: shortDigest },
  { name: 'sha512', label: 'SHA-512', column: 'sha512', storage: 'text',
    capture: (_st, x) => x.sha512 ?? null,
    types: REGULAR, canonical: text, show: shortDigest },
];

/** Build a record from a stat through the table. */
export function captureRecord(path: string, st: StatLike, extra: CaptureExtra = {}): FileRecord {
  const rec = { path } as Record<string, unknown>;
  for (const spec of ATTRIBUTES) rec[spec.name] = spec.capture(st, extra);
  return rec as unknown as FileRecord;
}

export const ATTRIBUTE_NAMES: readonly AttributeName[] = ATTRIBUTES.map((a) => a.name);

/** Attributes whose change alone is bookkeeping (times, inode), not a change of what matters. */
const METADATA_ONLY: ReadonlySet<AttributeName> = new Set(['mtime', 'ctime', 'inode', 'nlink']);

const NOTHING: ReadonlySet<AttributeName> = new Set();

/** The digests: skipped in comparison when the content could not be read this time. */
export const CONTENT_ATTRIBUTES: ReadonlySet<AttributeName> = new Set(['sha256', 'sha512']);

export function attribute(name: AttributeName): AttributeSpec {
  const spec = ATTRIBUTES.find((a) => a.name === name);
  if (!spec) throw new Error(`unknown attribute ${name}`);
  return spec;
}

/**
 * Which attributes differ between two records of the same path, in table order. Pure.
 * An attribute is compared when it applies to the old record's type (a type change is itself
 * reported); a digest missing on one side (SHA-512 not requested, content unreadable) is
 * compared only when the old record had it, so "became readable" shows up as a sha256 change.
 * `skip` leaves attributes out, e.g. the digests of a file that could not be read this time.
 */
export function compareRecords(
  oldRec: FileRecord,
  newRec: FileRecord,
  skip: ReadonlySet<AttributeName> = NOTHING,
): AttributeName[] {
  const changed: AttributeName[] = [];
  for (const spec of ATTRIBUTES) {
    if (skip.has(spec.name)) continue;
    if (!spec.types.has(oldRec.type) && !spec.types.has(newRec.type)) continue;
    // Values are primitives (bigint compares by value), so no canonical strings are needed.
    const a = oldRec[spec.name];
    const b = newRec[spec.name];
    if (spec.name === 'sha512' && a === null) continue; // not requested at baseline time
    if (a !== b) changed.push(spec.name);
  }
  return changed;
}

/** "high" when content, permissions, ownership, type or target changed; else "medium". */
export function changeSeverity(changed: readonly AttributeName[]): 'high' | 'medium' {
  return changed.some((n) => !METADATA_ONLY.has(n)) ? 'high' : 'medium';
}

/** "sha256 1a2b3c4d5e6f -> 9f8e7d6c5b4a; mode 0600 -> 0644": values a person can act on. */
export function describeChange(oldRec: FileRecord, newRec: FileRecord, changed: readonly AttributeName[]): string {
  const parts: string[] = [];
  for (const name of changed) {
    const spec = attribute(name);
    if (!spec.show) continue;
    const fmt = (v: FileRecord[AttributeName]) => (v === null ? 'none' : spec.show!(v));
    parts.push(`${name} ${fmt(oldRec[name])} -> ${fmt(newRec[name])}`);
  }
  return parts.join('; ');
}

/** The canonical attribute values of a record in table order (what is signed). */
export function canonicalValues(rec: FileRecord): (string | null)[] {
  return ATTRIBUTES.map((spec) => spec.canonical(rec[spec.name]));
}

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
