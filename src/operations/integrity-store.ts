/**
 * Signed baselines over plain storage: everything written is signed here with the rules of
 * src/checksums/signing.ts before src/db/ stores it, and a baseline is read back for comparison
 * only through verification (src/checksums/verify.ts): the record, every entry, the entry set
 * and the scan chain must verify under the key, or a TamperError (exit 20) names what failed.
 * Call the writers inside one withWriteTransaction together with appendAudit.
 */
import { comparePaths, type FileRecord } from '../checksums/attributes.js';
import { baselineCanonical, digestOfMacs, entryCanonical, headCanonical, mac, sign, type BaselineSigned, type SigningKey } from '../checksums/signing.js';
import { verifyBaselineRecord, type SignedEntry } from '../checksums/verify.js';
import { nextId } from '../db/ids.js';
import {
  deleteEntries,
  insertBaselineRow,
  insertEntries,
  updateBaselineRow,
  type BaselineRow,
} from '../db/integrity.js';
import type { DB } from '../db/open.js';
import { TamperError } from '../errors.js';

const HINT = 'the database was changed outside payrecon (or another key is in use); investigate before trusting it';

export function fail(failure: string): never {
  throw new TamperError(`signature check failed: ${failure}`, HINT);
}

/** Re-check just the baseline record (inside a write transaction, before extending the chain). */
export function verifyBaselineRow(key: SigningKey, b: BaselineRow): void {
  const failure = verifyBaselineRecord(key, b);
  if (failure) fail(failure);
}

/** Sign a baseline record: needs a key that can sign (HMAC, or the Ed25519 private key). */
const signBaseline = (key: SigningKey, b: BaselineSigned): BaselineRow => ({
  ...b,
  mac: sign(key, baselineCanonical(b)),
  head_mac: key.kind === 'ed25519' ? mac(key, headCanonical(b)) : null,
});

/**
 * New history pointers (newest scan, newest checkpoint) on a baseline. An HMAC record is signed
 * again; an Ed25519 record keeps its signature and only the pointers are sealed, which a
 * verify-only host can do.
 */
export function sealHead(key: SigningKey, old: BaselineRow, b: BaselineSigned): BaselineRow {
  if (key.kind === 'hmac') return signBaseline(key, b);
  return { ...b, mac: old.mac, head_mac: mac(key, headCanonical(b)) };
}

/** The signed fields of a stored row (without its seals). */
export function signedFields(b: BaselineRow): BaselineSigned {
  const { mac: _m, head_mac: _h, ...signed } = b;
  return signed;
}

/** The entries of one generation signed, in path order, and the digest over their MACs. */
function signEntries(key: SigningKey, baselineId: number, generation: number, records: FileRecord[]): { entries: SignedEntry[]; digest: string } {
  const sorted = [...records].sort((a, b) => comparePaths(a.path, b.path));
  const entries = sorted.map((record) => ({ record, mac: mac(key, entryCanonical(baselineId, generation, record)) }));
  return { entries, digest: digestOfMacs(entries.map((e) => e.mac)) };
}

export interface NewBaseline {
  name: string;
  spec: string;
  at: string;
  records: FileRecord[];
}

export function insertBaseline(db: DB, key: SigningKey, nb: NewBaseline): BaselineRow {
  const id = nextId(db, 'baselines');
  const { entries, digest } = signEntries(key, id, 1, nb.records);
  const row = signBaseline(key, {
    id,
    name: nb.name,
    spec: nb.spec,
    created_at: nb.at,
    updated_at: nb.at,
    generation: 1,
    entry_count: entries.length,
    entries_digest: digest,
    key_id: key.id,
    last_scan_id: null,
    last_scan_mac: null,
    checkpoint_id: null,
    checkpoint_mac: null,
  });
  insertBaselineRow(db, row); // before the entries, which reference it
  insertEntries(db, id, entries);
  return row;
}

/** Accept `records` as the new state of a baseline: a new generation, re-signed. */
export function replaceEntries(db: DB, key: SigningKey, b: BaselineRow, records: FileRecord[], at: string): BaselineRow {
  const generation = b.generation + 1;
  const { entries, digest } = signEntries(key, b.id, generation, records);
  const row = signBaseline(key, { ...signedFields(b), updated_at: at, generation, entry_count: entries.length, entries_digest: digest, key_id: key.id });
  deleteEntries(db, b.id);
  insertEntries(db, b.id, entries);
  updateBaselineRow(db, row);
  return row;
}

/** Point the baseline at a new head of its history (scan and checkpoint) and store it. */
export function setHead(db: DB, key: SigningKey, b: BaselineRow, head: Partial<Pick<BaselineSigned, 'last_scan_id' | 'last_scan_mac' | 'checkpoint_id' | 'checkpoint_mac'>>): BaselineRow {
  const row = sealHead(key, b, { ...signedFields(b), ...head });
  updateBaselineRow(db, row);
  return row;
}
