/**
 * Storage of baselines and their entries, as signed rows: columns come from the attribute
 * table, so the table drives what is stored. Only storage: the rows arrive signed and leave
 * unverified; signing and verification are src/operations/integrity-store.ts's, over the pure
 * rules of src/checksums/signing.ts and verify.ts. Call writers inside one withWriteTransaction.
 */
import { ATTRIBUTES, type FileRecord } from '../checksums/attributes.js';
import { comparePaths } from '../checksums/path-order.js';
import type { BaselineSigned } from '../checksums/signing.js';
import type { SignedEntry } from '../checksums/verify.js';
import { dialectOf, type DB } from './open.js';
import { byteOrder } from './sql.js';
import { encodedName, nameColumn, readStoredName, storedName } from './stored-name.js';

/** A row of `baselines` as stored. */
export interface BaselineRow extends BaselineSigned {
  mac: string;
  /** Ed25519 baselines: the seal of the history pointers (src/checksums/signing.ts headCanonical). */
  head_mac: string | null;
}

const BASELINE_COLUMNS =
  'id, name, spec, created_at, updated_at, generation, entry_count, entries_digest, key_id, last_scan_id, last_scan_mac, checkpoint_id, checkpoint_mac, head_mac, mac';

export function findBaseline(db: DB, name: string): BaselineRow | undefined {
  return db.prepare(`SELECT ${BASELINE_COLUMNS} FROM baselines WHERE name = ?`).get(name) as BaselineRow | undefined;
}

export function listBaselineRows(db: DB): BaselineRow[] {
  return db.prepare(`SELECT ${BASELINE_COLUMNS} FROM baselines ORDER BY name`).all() as BaselineRow[];
}

const ENTRY_COLUMNS = ATTRIBUTES.map((a) => a.column);

// Paths and other text attributes (link targets) are stored as their exact bytes, which need
// not be UTF-8 (src/db/stored-name.ts). Only names (path, link target) can hold such bytes;
// digests and types are ASCII.
const NAME_COLUMNS = new Set(['link_target']);
const readColumns = (db: DB) => ATTRIBUTES.map((a) => (NAME_COLUMNS.has(a.column) ? nameColumn(db, a.column) : a.column));
const WRITE_VALUES = ATTRIBUTES.map((a) => (NAME_COLUMNS.has(a.column) ? 'CAST(? AS TEXT)' : '?'));

/** All entries of a baseline with their MACs, integers exact (bigint where the table says so). */
export function readEntries(db: DB, baselineId: number): SignedEntry[] {
  // ORDER BY path is the primary key's order (BINARY collation = comparePaths), so free.
  // Arrays, not objects: twice as fast on 20,000 rows, and this runs before every scan.
  // On SQLite paths are read as text (fast); only when one did not decode (U+FFFD) are they
  // read again as bytes.
  const read = (path: string) =>
    db
      .prepare(`SELECT ${path}, ${readColumns(db).join(', ')}, mac FROM baseline_entries WHERE baseline_id = ? ORDER BY path${byteOrder(db)}`)
      .safeIntegers(true)
      .raw(true)
      .all(baselineId) as unknown[][];
  let rows = read('path');
  if (dialectOf(db) === 'sqlite' && rows.some((r) => (r[0] as string).includes('\uFFFD'))) rows = read('CAST(path AS BLOB)');
  const reorder = rows.some((r) => encodedName(db, r[0]));
  const macAt = ATTRIBUTES.length + 1;
  const entries = rows.map((row) => {
    const rec = { path: readStoredName(db, row[0]) } as Record<string, unknown>;
    ATTRIBUTES.forEach((spec, i) => {
      const v = row[i + 1];
      rec[spec.name] = v === null || v === undefined ? null : spec.storage === 'int' ? Number(v) : spec.storage === 'text' ? readStoredName(db, v) : v;
    });
    return { record: rec as unknown as FileRecord, mac: String(row[macAt]) };
  });
  // A name stored hex-encoded (PostgreSQL) sorts by its encoding: put it back in byte order.
  if (reorder) entries.sort((a, b) => comparePaths(a.record.path, b.record.path));
  return entries;
}

const BASELINE_PARAMS = BASELINE_COLUMNS.replace(/(\w+)/g, '@$1');

/** Add the entries of one generation, MACs computed by the caller. */
export function insertEntries(db: DB, baselineId: number, entries: Iterable<SignedEntry>): void {
  const insert = db.prepare(
    `INSERT INTO baseline_entries (baseline_id, path, ${ENTRY_COLUMNS.join(', ')}, mac)
     VALUES (?, CAST(? AS TEXT), ${WRITE_VALUES.join(', ')}, ?)`,
  );
  for (const { record, mac } of entries) insert.run(baselineId, storedName(db, record.path), ...ATTRIBUTES.map((a) => storedName(db, record[a.name])), mac);
}

export function deleteEntries(db: DB, baselineId: number): void {
  db.prepare('DELETE FROM baseline_entries WHERE baseline_id = ?').run(baselineId);
}

export function insertBaselineRow(db: DB, row: BaselineRow): void {
  db.prepare(`INSERT INTO baselines (${BASELINE_COLUMNS}) VALUES (${BASELINE_PARAMS})`).run(row);
}

export function updateBaselineRow(db: DB, row: BaselineRow): void {
  db.prepare(
    `UPDATE baselines SET spec = @spec, updated_at = @updated_at, generation = @generation, entry_count = @entry_count,
       entries_digest = @entries_digest, key_id = @key_id, last_scan_id = @last_scan_id, last_scan_mac = @last_scan_mac,
       checkpoint_id = @checkpoint_id, checkpoint_mac = @checkpoint_mac, head_mac = @head_mac, mac = @mac WHERE id = @id`,
  ).run(row);
}

/** The names of every baseline (the scheduler checks its config against them). */
export function baselineNames(db: DB): Set<string> {
  return new Set(db.prepare('SELECT name FROM baselines').pluck().all() as string[]);
}
