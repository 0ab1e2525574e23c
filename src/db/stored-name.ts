/**
 * How names that may not be UTF-8 (paths, link targets: src/domain/byte-path.ts) are stored and
 * read back, on either backend. SQLite keeps a TEXT value's bytes as given, so a name is stored
 * as its exact bytes and read back `CAST(... AS BLOB)`. PostgreSQL refuses text that is not
 * UTF-8, so there a name with such bytes (or one that begins with the marker itself, so that
 * every stored value decodes one way) is stored as `\x` and the hex of its bytes, which no
 * UTF-8 name can be mistaken for. Either way the name comes back exactly.
 */
import { hasEscapedBytes, pathFromBytes, pathToBytes } from '../domain/byte-path.js';
import { dialectOf, type DB } from './open.js';

const HEX_MARK = '\\x';

/** A name as bound for storage (strings that need no encoding pass as they are; other values too). */
export function storedName(db: DB, v: unknown): unknown {
  if (typeof v !== 'string') return v;
  if (dialectOf(db) === 'sqlite') return hasEscapedBytes(v) ? pathToBytes(v) : v;
  return hasEscapedBytes(v) || v.startsWith(HEX_MARK) ? HEX_MARK + pathToBytes(v).toString('hex') : v;
}

/** The SQL that reads a name column so that `readStoredName` gets it back exactly. */
export function nameColumn(db: DB, column: string): string {
  return dialectOf(db) === 'sqlite' ? `CAST(${column} AS BLOB)` : column;
}

/** A name read through `nameColumn` (or as plain text), as the string payrecon works with. */
export function readStoredName(db: DB, v: unknown): string {
  if (Buffer.isBuffer(v)) return pathFromBytes(v);
  const s = String(v);
  if (dialectOf(db) === 'sqlite' || !s.startsWith(HEX_MARK)) return s;
  return pathFromBytes(Buffer.from(s.slice(HEX_MARK.length), 'hex'));
}

/** Whether any stored name read from `db` may be out of byte order after ORDER BY (hex-encoded ones). */
export function encodedName(db: DB, v: unknown): boolean {
  return dialectOf(db) === 'postgres' && typeof v === 'string' && v.startsWith(HEX_MARK);
}
