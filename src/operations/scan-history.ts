/**
 * The signed scan history of a baseline, written and verified. A scan stores the findings that
 * opened or closed (not every finding again) and signs the findings open after it; every
 * CHECKPOINT_EVERY scans a signed checkpoint is written, and a scan verifies the chain from the
 * newest one, so its cost does not grow with the history. Rules: src/checksums/history.ts;
 * storage: src/db/integrity-history.ts. Call the writers inside one withWriteTransaction.
 */
import type { FileRecord } from '../checksums/attributes.js';
import {
  changeCanonical,
  CHECKPOINT_EVERY,
  checkpointCanonical,
  openDigest,
  verifyFullHistory,
  verifyRecentHistory,
  type ChangeRow,
  type CheckpointRow,
  type HistoryScan,
  type OpenFinding,
} from '../checksums/history.js';
import { digestOfMacs, mac, scanCanonical, type SigningKey } from '../checksums/signing.js';
import { verifyEntries, verifyScanChain } from '../checksums/verify.js';
import { nextId } from '../db/ids.js';
import { readEntries, updateBaselineRow, type BaselineRow } from '../db/integrity.js';
import {
  deleteLegacyFindings,
  hasLegacyScans,
  insertChanges,
  insertCheckpoint,
  insertHistoryScan,
  nextCheckpointId,
  readCheckpoint,
  readCheckpoints,
  readHistoryScans,
  readOpenFindings,
  replaceOpenFindings,
  rewriteScan,
  scansAfter,
} from '../db/integrity-history.js';
import { readScanChain } from '../db/integrity-scans.js';
import type { DB } from '../db/open.js';
import type { FindingKind, ScanDocument, ScanFinding } from '../domain/integrity.js';
import { fail, sealHead, setHead, verifyBaselineRow } from './integrity-store.js';

/**
 * The verified entries of a baseline, by path. The scan history is verified from its newest
 * checkpoint on, or all of it with `fullHistory` (`scan --verify-history`, `audit verify`).
 */
export function loadVerifiedBaseline(db: DB, key: SigningKey, b: BaselineRow, fullHistory = false): Map<string, FileRecord> {
  verifyBaselineRow(key, b);
  const entries = readEntries(db, b.id);
  const entryFailure = verifyEntries(key, b, entries);
  if (entryFailure) fail(entryFailure);
  verifyHistory(db, key, b, fullHistory);
  return new Map(entries.map((e) => [e.record.path, e.record]));
}

/** Verify a baseline's scan history (record already verified); TamperError (20) naming the failure. */
export function verifyHistory(db: DB, key: SigningKey, b: BaselineRow, full: boolean): void {
  // History written before migration 013 is verified whole, by its own rules, until it is converted.
  if (hasLegacyScans(db, b.id)) {
    const failure = verifyScanChain(key, b, readScanChain(db, b.id));
    if (failure) fail(failure);
    return;
  }
  const open = readOpenFindings(db, b.id);
  let failure: string | null;
  if (full) {
    failure = verifyFullHistory(key, b, readCheckpoints(db, b.id), readHistoryScans(db, b.id), open);
  } else {
    const checkpoint = b.checkpoint_id === null ? undefined : readCheckpoint(db, b.checkpoint_id);
    failure = verifyRecentHistory(key, b, checkpoint, readHistoryScans(db, b.id, checkpoint?.scan_id ?? 0), open);
  }
  if (failure) fail(failure);
}

const identity = (f: Pick<OpenFinding, 'path' | 'kind' | 'attributes' | 'reason'>) => JSON.stringify([f.path, f.kind, f.attributes, f.reason]);

/** The changes from `before` to `after` (closes, then opens), sealed, and their digest. */
function changesBetween(key: SigningKey, scanId: number, before: OpenFinding[], after: OpenFinding[]): { rows: ChangeRow[]; digest: string } {
  const had = new Set(before.map(identity));
  const has = new Set(after.map(identity));
  const rows: ChangeRow[] = [];
  const add = (op: 'open' | 'close', f: OpenFinding) => {
    const c = { scan_id: scanId, seq: rows.length, op, path: f.path, kind: f.kind, attributes: f.attributes, severity: f.severity, reason: f.reason, first_seen_scan: f.first_seen_scan };
    rows.push({ ...c, mac: mac(key, changeCanonical(c)) });
  };
  for (const f of before) if (!has.has(identity(f))) add('close', f);
  for (const f of after) if (!had.has(identity(f))) add('open', f);
  return { rows, digest: digestOfMacs(rows.map((r) => r.mac)) };
}

const sameOrder = (a: OpenFinding[], b: OpenFinding[]) => a.length === b.length && a.every((f, i) => identity(f) === identity(b[i]) && f.severity === b[i].severity);

export interface NewScan {
  baselineName: string;
  generation: number;
  startedAt: string;
  finishedAt: string;
  failOn: FindingKind[] | null;
  exitCode: number;
  counts: ScanDocument['counts'];
  findings: ScanFinding[];
}

/**
 * Sign and store a scan chained to the baseline's newest, with the findings that opened or
 * closed; a finding that persists keeps the id of the scan where it first appeared. Writes a
 * checkpoint every CHECKPOINT_EVERY scans, and points the baseline at the new head.
 */
export function insertScan(db: DB, key: SigningKey, head: BaselineRow, s: NewScan): { doc: ScanDocument; baseline: BaselineRow } {
  if (hasLegacyScans(db, head.id)) head = convertLegacyHistory(db, key, head);
  const id = nextId(db, 'scans');
  const before = readOpenFindings(db, head.id);
  const firstSeen = new Map(before.map((f) => [identity(f), f.first_seen_scan]));
  const after: OpenFinding[] = s.findings.map((f, seq) => {
    const stored = { path: f.path, kind: f.kind, attributes: f.attributes ? JSON.stringify(f.attributes) : null, reason: f.reason ?? null };
    return { seq, ...stored, severity: f.severity, first_seen_scan: firstSeen.get(identity(stored)) ?? id };
  });
  const changes = changesBetween(key, id, before, after);
  const scan = {
    id,
    baseline_id: head.id,
    generation: s.generation,
    started_at: s.startedAt,
    finished_at: s.finishedAt,
    fail_on: s.failOn ? JSON.stringify(s.failOn) : null,
    exit_code: s.exitCode,
    counts: JSON.stringify(s.counts),
    finding_count: after.length,
    findings_digest: openDigest(after),
    format: 2,
    change_count: changes.rows.length,
    changes_digest: changes.digest,
    prev_mac: head.last_scan_mac,
  };
  const scanMac = mac(key, scanCanonical(scan));
  insertHistoryScan(db, { ...scan, mac: scanMac }, changes.rows);
  if (!sameOrder(before, after)) replaceOpenFindings(db, head.id, after);
  let pointers: Parameters<typeof setHead>[3] = { last_scan_id: id, last_scan_mac: scanMac };
  const since = head.checkpoint_id === null ? 0 : (readCheckpoint(db, head.checkpoint_id)?.scan_id ?? 0);
  if (scansAfter(db, head.id, since) >= CHECKPOINT_EVERY) {
    const c = writeCheckpoint(db, key, head, { scan_id: id, scan_mac: scanMac, created_at: s.finishedAt, pruned_before: null, scans_dropped: 0 });
    pointers = { ...pointers, checkpoint_id: c.id, checkpoint_mac: c.mac };
  }
  const baseline = setHead(db, key, head, pointers);
  const findings = after.map((f, i) => ({ ...s.findings[i], first_seen_scan: f.first_seen_scan }));
  return { doc: { scan: id, baseline: s.baselineName, exit_code: s.exitCode, counts: s.counts, findings }, baseline };
}

/** Sign and store a checkpoint chained to the baseline's newest (the caller points the baseline at it). */
export function writeCheckpoint(
  db: DB,
  key: SigningKey,
  b: BaselineRow,
  c: Pick<CheckpointRow, 'scan_id' | 'scan_mac' | 'created_at' | 'pruned_before' | 'scans_dropped'>,
): CheckpointRow {
  const signed = { id: nextCheckpointId(db), baseline_id: b.id, ...c, prev_mac: b.checkpoint_mac };
  const row = { ...signed, mac: mac(key, checkpointCanonical(signed)) };
  insertCheckpoint(db, row);
  return row;
}

/**
 * Rewrite a baseline's history from before migration 013 (every finding stored per scan) as
 * changes: verified whole by the old rules first, then each scan signed again in the new form.
 */
export function convertLegacyHistory(db: DB, key: SigningKey, b: BaselineRow): BaselineRow {
  const chain = readScanChain(db, b.id);
  const failure = verifyScanChain(key, b, chain);
  if (failure) fail(failure);
  let before: OpenFinding[] = [];
  let prev: string | null = null;
  for (const s of chain) {
    const after: OpenFinding[] = s.findings.map((f) => ({ seq: f.seq, path: f.path, kind: f.kind, attributes: f.attributes, severity: f.severity, reason: f.reason, first_seen_scan: f.first_seen_scan }));
    const changes = changesBetween(key, s.id, before, after);
    const { findings: _f, mac: _m, ...fields } = s;
    const scan: Omit<HistoryScan, 'changes' | 'mac'> = { ...fields, finding_count: after.length, findings_digest: openDigest(after), format: 2, change_count: changes.rows.length, changes_digest: changes.digest, prev_mac: prev };
    prev = mac(key, scanCanonical(scan));
    rewriteScan(db, { ...scan, mac: prev });
    insertChanges(db, changes.rows);
    before = after;
  }
  deleteLegacyFindings(db, b.id);
  replaceOpenFindings(db, b.id, before);
  const { mac: _m, head_mac: _h, ...signed } = b;
  const row = sealHead(key, b, { ...signed, last_scan_mac: prev });
  updateBaselineRow(db, row);
  return row;
}
