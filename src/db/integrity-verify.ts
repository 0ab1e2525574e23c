/**
 * Read a baseline back only through verification: the record, every entry, the entry set and
 * the scan chain must verify under the key, or a TamperError (exit 20) names what failed.
 */
import type { FileRecord } from '../checksums/attributes.js';
import type { SigningKey } from '../checksums/signing.js';
import { verifyBaselineRecord, verifyEntries, verifyScanChain } from '../checksums/verify.js';
import { TamperError } from '../errors.js';
import { readEntries, type BaselineRow } from './integrity.js';
import { readScanChain } from './integrity-scans.js';
import type { DB } from './open.js';

const HINT = 'the database was changed outside payrecon (or another key is in use); investigate before trusting it';

function fail(failure: string): never {
  throw new TamperError(`signature check failed: ${failure}`, HINT);
}

/** The verified entries of a baseline, by path. */
export function loadVerifiedBaseline(db: DB, key: SigningKey, b: BaselineRow): Map<string, FileRecord> {
  const recordFailure = verifyBaselineRecord(key, b);
  if (recordFailure) fail(recordFailure);
  const entries = readEntries(db, b.id);
  const entryFailure = verifyEntries(key, b, entries);
  if (entryFailure) fail(entryFailure);
  const chainFailure = verifyScanChain(key, b, readScanChain(db, b.id));
  if (chainFailure) fail(chainFailure);
  return new Map(entries.map((e) => [e.record.path, e.record]));
}

/** Re-check just the baseline record (inside a write transaction, before extending the chain). */
export function verifyBaselineRow(key: SigningKey, b: BaselineRow): void {
  const failure = verifyBaselineRecord(key, b);
  if (failure) fail(failure);
}
