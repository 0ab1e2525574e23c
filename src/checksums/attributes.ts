/**
 * The one attribute table (AIDE style). Every attribute payrecon records about a path is a row
 * here: its name (also the JSON field and the name a finding lists), a label for people, the
 * database column, which file types it applies to and how its value is written canonically.
 * Capture, storage, signing, comparison and every report are driven from this table, so adding
 * an attribute is one row here plus one column in the migration.
 */

import { displayPath } from '../domain/byte-path.js';
import { diffAcl, diffXattrs, minimalAcl, type IdNames } from './xattr-decode.js';

/** The extended-attribute values capture reads (src/checksums/xattrs.ts), '' when absent. */
export interface XattrValues {
  xattrs: string;
  acl: string;
  default_acl: string;
  caps: string;
  selinux: string;
}

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
  // Read from extended attributes (src/checksums/xattrs.ts). '' = read and absent; null = not
  // read (not selected, a symbolic link, no support, or a baseline made before they existed).
  xattrs: string | null; // JSON: xattr name -> SHA-256 of its value (values can be secrets)
  acl: string | null; // POSIX access ACL, "user::rw-,user:65534:r--,..." (numeric ids)
  default_acl: string | null; // directories: the ACL new files inherit
  caps: string | null; // file capabilities, getcap notation: "cap_setuid=ep"
  selinux: string | null; // SELinux context, where the system labels files
  entries: number | null; // directories: how many names the listing holds
}

export type AttributeName = Exclude<keyof FileRecord, 'path'>;

/** The fields of node's BigIntStats that capture reads (kept structural so this stays pure). */
export interface StatLike {
  /** The device, to ask each file system once what it supports. */
  dev?: bigint;
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
  /** Extended attributes as read, absent when they were not. */
  xattrs?: XattrValues | null;
  /** A directory's number of entries, when it was listed. */
  entries?: number | null;
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
  /** For set-like values (xattrs, ACLs): what was added, removed or changed, instead of old -> new. */
  diff?(oldRec: FileRecord, newRec: FileRecord, names?: IdNames): string;
  /** Read only when selected and supported: compared only when both sides were read. */
  optional?: boolean;
}

const ALL: ReadonlySet<FileType> = new Set(FILE_TYPES);
const NOT_DIR: ReadonlySet<FileType> = new Set(FILE_TYPES.filter((t) => t !== 'dir'));
const REGULAR: ReadonlySet<FileType> = new Set<FileType>(['file']);
const LINK: ReadonlySet<FileType> = new Set<FileType>(['symlink']);
const DIR: ReadonlySet<FileType> = new Set<FileType>(['dir']);
const NOT_LINK: ReadonlySet<FileType> = new Set(FILE_TYPES.filter((t) => t !== 'symlink'));

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
  // A directory's times are compared too (its mtime moves when an entry is added or removed,
  // its ctime on chmod/chown/ACL changes); baselines made before that compare them on files
  // only (LEGACY_ATTRIBUTES).
  { name: 'mtime', label: 'modified', column: 'mtime_ns', storage: 'bigint',
    capture: (st) => st.mtimeNs,
    types: ALL, canonical: text, show: isoNs },
  { name: 'ctime', label: 'inode changed', column: 'ctime_ns', storage: 'bigint',
    capture: (st) => st.ctimeNs,
    types: ALL, canonical: text },
  { name: 'link_target', label: 'link target', column: 'link_target', storage: 'text',
    capture: (_st, x) => x.linkTarget ?? null,
    types: LINK, canonical: text, show: (v) => displayPath(String(v)) },
  { name: 'sha256', label: 'SHA-256', column: 'sha256', storage: 'text',
    capture: (_st, x) => x.sha256 ?? null,
    types: REGULAR, canonical: text, show: shortDigest },
  { name: 'sha512', label: 'SHA-512', column: 'sha512', storage: 'text',
    capture: (_st, x) => x.sha512 ?? null,
    types: REGULAR, canonical: text, show: shortDigest },
  // Rows below were added with migration 012; a null value is left out of the signed form
  // (canonicalValues), so entries signed before them still verify.
  { name: 'xattrs', label: 'extended attributes', column: 'xattrs', storage: 'text', optional: true,
    capture: (_st, x) => x.xattrs?.xattrs ?? null,
    types: NOT_LINK, canonical: text, diff: (a, b) => diffXattrs(a.xattrs ?? '', b.xattrs ?? '') },
  { name: 'acl', label: 'POSIX ACL', column: 'acl', storage: 'text', optional: true,
    capture: (_st, x) => x.xattrs?.acl ?? null,
    // No ACL is the ACL the mode spells out: setfacl -m u:nobody:r shows as +user:nobody:r--, +mask::r--.
    types: NOT_LINK, canonical: text, diff: (a, b, names) => diffAcl(a.acl || minimalAcl(a.mode), b.acl || minimalAcl(b.mode), names) },
  { name: 'default_acl', label: 'default ACL', column: 'default_acl', storage: 'text', optional: true,
    capture: (_st, x) => x.xattrs?.default_acl ?? null,
    types: DIR, canonical: text, diff: (a, b, names) => diffAcl(a.default_acl ?? '', b.default_acl ?? '', names) },
  { name: 'caps', label: 'file capabilities', column: 'caps', storage: 'text', optional: true,
    capture: (_st, x) => x.xattrs?.caps ?? null,
    types: REGULAR, canonical: text, show: (v) => (v === '' ? 'none' : String(v)) },
  { name: 'selinux', label: 'SELinux context', column: 'selinux', storage: 'text', optional: true,
    capture: (_st, x) => x.xattrs?.selinux ?? null,
    types: NOT_LINK, canonical: text, show: (v) => (v === '' ? 'none' : String(v)) },
  { name: 'entries', label: 'directory entries', column: 'entries', storage: 'int', optional: true,
    capture: (_st, x) => x.entries ?? null,
    types: DIR, canonical: text, show: String },
];

/** Build a record from a stat through the table. */
export function captureRecord(path: string, st: StatLike, extra: CaptureExtra = {}): FileRecord {
  const rec = { path } as Record<string, unknown>;
  for (const spec of ATTRIBUTES) rec[spec.name] = spec.capture(st, extra);
  return rec as unknown as FileRecord;
}

export const ATTRIBUTE_NAMES: readonly AttributeName[] = ATTRIBUTES.map((a) => a.name);

/**
 * Which attributes a baseline records and compares (chosen by its profile or `--attributes`,
 * src/checksums/attribute-groups.ts). `dirTimes` is false for baselines made before directory
 * times were compared.
 */
export interface AttributeSet {
  names: ReadonlySet<AttributeName>;
  dirTimes: boolean;
}

export const EVERY_ATTRIBUTE: AttributeSet = { names: new Set(ATTRIBUTE_NAMES), dirTimes: true };
/** What a baseline recorded before migration 012: its spec names no attributes. */
export const LEGACY_ATTRIBUTES: AttributeSet = { names: new Set(ATTRIBUTE_NAMES.slice(0, 12)), dirTimes: false };

/** The attributes read from extended attributes: reading them costs a call per file. */
export const XATTR_ATTRIBUTES: ReadonlySet<AttributeName> = new Set(['xattrs', 'acl', 'default_acl', 'caps', 'selinux']);

/** A record with the optional attributes a baseline does not select left out (null). */
export function selectAttributes(rec: FileRecord, set: AttributeSet): FileRecord {
  let out = rec;
  for (const spec of ATTRIBUTES) {
    if (spec.optional && !set.names.has(spec.name) && rec[spec.name] !== null) {
      if (out === rec) out = { ...rec };
      (out as unknown as Record<string, unknown>)[spec.name] = null;
    }
  }
  return out;
}

/** Attributes whose change alone is bookkeeping (times, inode), not a change of what matters. */
const METADATA_ONLY: ReadonlySet<AttributeName> = new Set(['mtime', 'ctime', 'inode', 'nlink', 'entries']);

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
 * An attribute is compared when the baseline selects it and it applies to the old record's
 * type (a type change is itself reported); a digest missing on one side (SHA-512 not
 * requested, content unreadable) is compared only when the old record had it, so "became
 * readable" shows up as a sha256 change. An optional attribute (xattrs, ACLs, ...) is compared
 * only when both sides were read: where it could not be, a note or an unreadable finding says so.
 * `skip` leaves attributes out, e.g. the digests of a file that could not be read this time.
 */
export function compareRecords(
  oldRec: FileRecord,
  newRec: FileRecord,
  skip: ReadonlySet<AttributeName> = NOTHING,
  set: AttributeSet = EVERY_ATTRIBUTE,
): AttributeName[] {
  const changed: AttributeName[] = [];
  for (const spec of ATTRIBUTES) {
    if (skip.has(spec.name) || !set.names.has(spec.name)) continue;
    if (!spec.types.has(oldRec.type) && !spec.types.has(newRec.type)) continue;
    if (!set.dirTimes && oldRec.type === 'dir' && (spec.name === 'mtime' || spec.name === 'ctime')) continue;
    // Values are primitives (bigint compares by value), so no canonical strings are needed.
    const a = oldRec[spec.name];
    const b = newRec[spec.name];
    if (spec.name === 'sha512' && a === null) continue; // not requested at baseline time
    if (spec.optional && (a === null || b === null)) continue;
    if (a !== b) changed.push(spec.name);
  }
  return changed;
}

/** "high" when content, permissions, ownership, type or target changed; else "medium". */
export function changeSeverity(changed: readonly AttributeName[]): 'high' | 'medium' {
  return changed.some((n) => !METADATA_ONLY.has(n)) ? 'high' : 'medium';
}

/**
 * "sha256 1a2b3c4d5e6f -> 9f8e7d6c5b4a; mode 0600 -> 0644; acl +user:nobody:r--": values a
 * person can act on. `names` turns uids and gids in ACL entries into names.
 */
export function describeChange(oldRec: FileRecord, newRec: FileRecord, changed: readonly AttributeName[], names?: IdNames): string {
  const parts: string[] = [];
  for (const name of changed) {
    const spec = attribute(name);
    if (spec.diff) {
      parts.push(`${name} ${spec.diff(oldRec, newRec, names)}`);
      continue;
    }
    if (!spec.show) continue;
    const fmt = (v: FileRecord[AttributeName]) => (v === null ? 'none' : spec.show!(v));
    parts.push(`${name} ${fmt(oldRec[name])} -> ${fmt(newRec[name])}`);
  }
  return parts.join('; ');
}

/** How many values the signed form of an entry had before migration 012. */
const SIGNED_BEFORE_012 = 12;

/**
 * The canonical attribute values of a record in table order (what is signed). Trailing nulls
 * past the attributes of the first table are left out: an entry signed before the newer
 * attributes existed has exactly the same signed form today, and positions stay fixed.
 */
export function canonicalValues(rec: FileRecord): (string | null)[] {
  const values = ATTRIBUTES.map((spec) => spec.canonical(rec[spec.name]));
  while (values.length > SIGNED_BEFORE_012 && values[values.length - 1] === null) values.pop();
  return values;
}

// Path order lives in its own module; re-exported because every user of records needs it.
export { comparePaths } from './path-order.js';
