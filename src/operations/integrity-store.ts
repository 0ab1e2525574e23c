/**
 * Signed baselines over plain storage: everything written is signed here with the rules of
 * src/checksums/signing.ts before src/db/ stores it, and a baseline is read back for comparison
 * only through verification (src/checksums/verify.ts): the record, every entry, the entry set
 * and the scan chain must verify under the key, or a TamperError (exit 20) names what failed.
 * Call the writers inside one withWriteTransaction together with appendAudit.
 */
import { comparePaths, type FileRecord } from '../checksums/attributes.js';
import { findingKey } from '../checksums/compare.js';
import {
  baselineCanonical,
  digestOfMacs,
  entryCanonical,
  findingCanonical,
  mac,
  scanCanonical,
  type BaselineSigned,
  type ScanSigned,
  type SigningKey,
} from '../checksums/signing.js';
import { verifyBaselineRecord, verifyEntries, verifyScanChain, type SignedEntry } from '../checksums/verify.js';
import { nextId } from '../db/ids.js';
import {
  deleteEntries,
  insertBaselineRow,
  insertEntries,
  readEntries,
  updateBaselineRow,
  type BaselineRow,
} from '../db/integrity.js';
import { insertScanRows, previousFirstSeen, readScanChain, type FindingRow } from '../db/integrity-scans.js';
import type { DB } from '../db/open.js';
import type { FindingKind, ScanDocument, ScanFinding } from '../domain/integrity.js';
import { TamperError } from '../errors.js';

const HINT = 'the database was changed outside payrecon (or another key is in use); investigate before trusting it';

function fail(failure: string): never {
  throw new TamperError(`signature check failed: ${failure}`, HINT);
}

/** The verified entries of a baseline, by path. */
export function loadVerifiedBaseline(db: DB, key: SigningKey, b: BaselineRow): Map<string, FileRecord> {
  verifyBaselineRow(key, b);
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

const signBaseline = (key: SigningKey, b: BaselineSigned): BaselineRow => ({ ...b, mac: mac(key, baselineCanonical(b)) });

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
  });
  insertBaselineRow(db, row); // before the entries, which reference it
  insertEntries(db, id, entries);
  return row;
}

/** Accept `records` as the new state of a baseline: a new generation, re-signed. */
export function replaceEntries(db: DB, key: SigningKey, b: BaselineRow, records: FileRecord[], at: string): BaselineRow {
  const generation = b.generation + 1;
  const { entries, digest } = signEntries(key, b.id, generation, records);
  const { mac: _old, ...signed } = b;
  const row = signBaseline(key, { ...signed, updated_at: at, generation, entry_count: entries.length, entries_digest: digest, key_id: key.id });
  deleteEntries(db, b.id);
  insertEntries(db, b.id, entries);
  updateBaselineRow(db, row);
  return row;
}

/** Point the baseline at its newest scan (the head of the chain) and re-sign it. */
export function setLastScan(db: DB, key: SigningKey, b: BaselineRow, scanId: number, scanMac: string): BaselineRow {
  const { mac: _old, ...signed } = b;
  const row = signBaseline(key, { ...signed, last_scan_id: scanId, last_scan_mac: scanMac });
  updateBaselineRow(db, row);
  return row;
}

export interface NewScan {
  baselineId: number;
  baselineName: string;
  generation: number;
  prevMac: string | null;
  startedAt: string;
  finishedAt: string;
  failOn: FindingKind[] | null;
  exitCode: number;
  counts: ScanDocument['counts'];
  findings: ScanFinding[];
}

/**
 * Sign and store a scan, chained to the one before it, and its findings; a finding that
 * persists keeps the id of the scan where it first appeared. Returns its document and MAC.
 */
export function insertScan(db: DB, key: SigningKey, s: NewScan): { doc: ScanDocument; mac: string } {
  const id = nextId(db, 'scans');
  const previous = previousFirstSeen(db, s.baselineId);
  const findings: ScanFinding[] = [];
  const rows: FindingRow[] = s.findings.map((f, seq) => {
    const firstSeen = previous.get(findingKey(f)) ?? id;
    findings.push({ ...f, first_seen_scan: firstSeen });
    const row = {
      scan_id: id,
      seq,
      path: f.path,
      kind: f.kind,
      attributes: f.attributes ? JSON.stringify(f.attributes) : null,
      severity: f.severity,
      reason: f.reason ?? null,
      first_seen_scan: firstSeen,
    };
    return { ...row, mac: mac(key, findingCanonical(row)) };
  });
  const scan: ScanSigned = {
    id,
    baseline_id: s.baselineId,
    generation: s.generation,
    started_at: s.startedAt,
    finished_at: s.finishedAt,
    fail_on: s.failOn ? JSON.stringify(s.failOn) : null,
    exit_code: s.exitCode,
    counts: JSON.stringify(s.counts),
    finding_count: rows.length,
    findings_digest: digestOfMacs(rows.map((r) => r.mac)),
    prev_mac: s.prevMac,
  };
  const scanMac = mac(key, scanCanonical(scan));
  insertScanRows(db, { ...scan, mac: scanMac }, rows);
  return {
    doc: { scan: id, baseline: s.baselineName, exit_code: s.exitCode, counts: s.counts, findings },
    mac: scanMac,
  };
}
