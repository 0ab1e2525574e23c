/**
 * The signed history of scans: each scan of a baseline is MACed together with the MAC of the
 * scan before it (a chain whose head the baseline record holds), and each finding is MACed
 * with its scan id. A finding that persists keeps the id of the scan where it first appeared.
 */
import { findingKey } from '../checksums/compare.js';
import {
  digestOfMacs,
  findingCanonical,
  mac,
  scanCanonical,
  type FindingSigned,
  type ScanSigned,
  type SigningKey,
} from '../checksums/signing.js';
import type { SignedScan } from '../checksums/verify.js';
import type { FindingKind, ScanDocument, ScanFinding } from '../domain/integrity.js';
import { nextIntegrityId } from './integrity.js';
import type { DB } from './open.js';

interface ScanRow extends ScanSigned {
  mac: string;
}
type FindingRow = FindingSigned & { mac: string };

const SCAN_COLUMNS =
  'id, baseline_id, generation, started_at, finished_at, fail_on, exit_code, counts, finding_count, findings_digest, prev_mac, mac';
const FINDING_COLUMNS = 'scan_id, seq, path, kind, attributes, severity, reason, first_seen_scan, mac';

/** Every scan of a baseline in order, with its findings, for verification. */
export function readScanChain(db: DB, baselineId: number): SignedScan[] {
  const scans = db.prepare(`SELECT ${SCAN_COLUMNS} FROM scans WHERE baseline_id = ? ORDER BY id`).all(baselineId) as ScanRow[];
  const findings = db
    .prepare(
      `SELECT ${FINDING_COLUMNS.split(', ').map((c) => 'f.' + c).join(', ')} FROM scan_findings f
       JOIN scans s ON s.id = f.scan_id WHERE s.baseline_id = ? ORDER BY f.scan_id, f.seq`,
    )
    .all(baselineId) as FindingRow[];
  const byScan = new Map<number, FindingRow[]>();
  for (const f of findings) {
    let list = byScan.get(f.scan_id);
    if (!list) byScan.set(f.scan_id, (list = []));
    list.push(f);
  }
  return scans.map((s) => ({ ...s, findings: byScan.get(s.id) ?? [] }));
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

/** Store a scan and its findings (inside the caller's transaction); returns its document. */
export function insertScan(db: DB, key: SigningKey, s: NewScan): { doc: ScanDocument; mac: string } {
  const id = nextIntegrityId(db, 'scans');
  const previous = previousFirstSeen(db, s.baselineId);
  const insertScanRow = db.prepare(`INSERT INTO scans (${SCAN_COLUMNS}) VALUES (${SCAN_COLUMNS.replace(/(\w+)/g, '@$1')})`);
  // The findings reference the scan row; it is written first and completed once they are signed.
  insertScanRow.run({
    id,
    baseline_id: s.baselineId,
    generation: s.generation,
    started_at: s.startedAt,
    finished_at: s.finishedAt,
    fail_on: null,
    exit_code: s.exitCode,
    counts: '{}',
    finding_count: 0,
    findings_digest: '',
    prev_mac: null,
    mac: '',
  });
  const insertFinding = db.prepare(`INSERT INTO scan_findings (${FINDING_COLUMNS}) VALUES (${FINDING_COLUMNS.replace(/(\w+)/g, '@$1')})`);
  const findings: ScanFinding[] = [];
  const macs: string[] = [];
  s.findings.forEach((f, seq) => {
    const firstSeen = previous.get(findingKey(f)) ?? id;
    const row: FindingSigned = {
      scan_id: id,
      seq,
      path: f.path,
      kind: f.kind,
      attributes: f.attributes ? JSON.stringify(f.attributes) : null,
      severity: f.severity,
      reason: f.reason ?? null,
      first_seen_scan: firstSeen,
    };
    const m = mac(key, findingCanonical(row));
    macs.push(m);
    insertFinding.run({ ...row, mac: m });
    findings.push({ ...f, first_seen_scan: firstSeen });
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
    finding_count: findings.length,
    findings_digest: digestOfMacs(macs),
    prev_mac: s.prevMac,
  };
  const scanMac = mac(key, scanCanonical(scan));
  db.prepare(
    `UPDATE scans SET fail_on = @fail_on, counts = @counts, finding_count = @finding_count,
       findings_digest = @findings_digest, prev_mac = @prev_mac, mac = @mac WHERE id = @id`,
  ).run({ ...scan, mac: scanMac });
  return {
    doc: { scan: id, baseline: s.baselineName, exit_code: s.exitCode, counts: s.counts, findings },
    mac: scanMac,
  };
}

/** first_seen_scan of each finding of the baseline's latest scan, by finding identity. */
function previousFirstSeen(db: DB, baselineId: number): Map<string, number> {
  const rows = db
    .prepare(
      `SELECT path, kind, attributes, reason, first_seen_scan FROM scan_findings
       WHERE scan_id = (SELECT max(id) FROM scans WHERE baseline_id = ?)`,
    )
    .all(baselineId) as Array<{ path: string; kind: FindingKind; attributes: string | null; reason: string | null; first_seen_scan: number }>;
  return new Map(
    rows.map((r) => [
      findingKey({ path: r.path, kind: r.kind, attributes: r.attributes ? JSON.parse(r.attributes) : undefined, reason: r.reason ?? undefined }),
      r.first_seen_scan,
    ]),
  );
}

/** The document of one stored scan. */
export function scanDocument(db: DB, scanId: number): ScanDocument | undefined {
  const s = db
    .prepare('SELECT s.id, s.exit_code, s.counts, b.name FROM scans s JOIN baselines b ON b.id = s.baseline_id WHERE s.id = ?')
    .get(scanId) as { id: number; exit_code: number; counts: string; name: string } | undefined;
  if (!s) return undefined;
  const rows = db
    .prepare('SELECT path, kind, attributes, severity, reason, first_seen_scan FROM scan_findings WHERE scan_id = ? ORDER BY seq')
    .all(scanId) as Array<Omit<FindingRow, 'scan_id' | 'seq' | 'mac'>>;
  const findings: ScanFinding[] = rows.map((r) => ({
    path: r.path,
    kind: r.kind as FindingKind,
    ...(r.attributes ? { attributes: JSON.parse(r.attributes) as string[] } : {}),
    severity: r.severity as ScanFinding['severity'],
    ...(r.reason !== null ? { reason: r.reason } : {}),
    first_seen_scan: r.first_seen_scan,
  }));
  return { scan: s.id, baseline: s.name, exit_code: s.exit_code, counts: JSON.parse(s.counts), findings };
}

/** The latest scan of each baseline, by baseline name; [] when there are none. */
export function latestScanDocuments(db: DB): ScanDocument[] {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'scans'").get();
  if (!exists) return [];
  const ids = db
    .prepare('SELECT max(s.id) AS id FROM scans s JOIN baselines b ON b.id = s.baseline_id GROUP BY s.baseline_id ORDER BY b.name')
    .all() as Array<{ id: number }>;
  return ids.map((r) => scanDocument(db, r.id)).filter((d): d is ScanDocument => d !== undefined);
}
