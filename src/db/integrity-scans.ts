/**
 * Storage of the history of scans, as signed rows: each scan of a baseline is MACed together
 * with the MAC of the scan before it (a chain whose head the baseline record holds), and each
 * finding with its scan id; src/operations/integrity-store.ts signs and verifies them.
 */
import type { FindingSigned, ScanSigned } from '../checksums/signing.js';
import type { SignedScan } from '../checksums/verify.js';
import type { FindingKind, ScanDocument, ScanFinding } from '../domain/integrity.js';
import type { DB } from './open.js';
import { tableExistsSql } from './sql.js';
import { nameColumn, readStoredName } from './stored-name.js';

/** Finding paths are stored as their exact bytes (src/db/stored-name.ts). */

export interface ScanRow extends ScanSigned {
  mac: string;
}
export type FindingRow = FindingSigned & { mac: string };

const SCAN_COLUMNS =
  'id, baseline_id, generation, started_at, finished_at, fail_on, exit_code, counts, finding_count, findings_digest, prev_mac, mac';
const FINDING_COLUMNS = 'scan_id, seq, path, kind, attributes, severity, reason, first_seen_scan, mac';

/** Every scan of a baseline in order, with its findings, for verification. */
export function readScanChain(db: DB, baselineId: number): SignedScan[] {
  const scans = db.prepare(`SELECT ${SCAN_COLUMNS} FROM scans WHERE baseline_id = ? ORDER BY id`).all(baselineId) as ScanRow[];
  const findings = db
    .prepare(
      `SELECT ${FINDING_COLUMNS.split(', ').map((c) => (c === 'path' ? `${nameColumn(db, 'f.path')} AS path` : 'f.' + c)).join(', ')} FROM scan_findings f
       JOIN scans s ON s.id = f.scan_id WHERE s.baseline_id = ? ORDER BY f.scan_id, f.seq`,
    )
    .all(baselineId) as FindingRow[];
  const byScan = new Map<number, FindingRow[]>();
  for (const f of findings) {
    f.path = readStoredName(db, f.path);
    let list = byScan.get(f.scan_id);
    if (!list) byScan.set(f.scan_id, (list = []));
    list.push(f);
  }
  return scans.map((s) => ({ ...s, findings: byScan.get(s.id) ?? [] }));
}

/**
 * The document of a baseline's newest scan. Since migration 013 a scan stores only the findings
 * that changed; the findings open after the newest scan are kept whole (open_findings), older
 * scans' lists are not.
 */
export function scanDocument(db: DB, scanId: number): ScanDocument | undefined {
  const s = db
    .prepare(
      `SELECT s.id, s.exit_code, s.counts, s.format, s.baseline_id, b.name, (SELECT max(id) FROM scans WHERE baseline_id = s.baseline_id) AS newest
       FROM scans s JOIN baselines b ON b.id = s.baseline_id WHERE s.id = ?`,
    )
    .get(scanId) as { id: number; exit_code: number; counts: string; format: number; baseline_id: number; name: string; newest: number } | undefined;
  if (!s) return undefined;
  if (s.format === 2 && s.newest !== s.id) throw new Error(`scan ${s.id} is not the newest of baseline "${s.name}": only the newest scan's findings are kept whole`);
  const rows = db
    .prepare(
      s.format === 2
        ? `SELECT ${nameColumn(db, 'path')} AS path, kind, attributes, severity, reason, first_seen_scan FROM open_findings WHERE baseline_id = ? ORDER BY seq`
        : `SELECT ${nameColumn(db, 'path')} AS path, kind, attributes, severity, reason, first_seen_scan FROM scan_findings WHERE scan_id = ? ORDER BY seq`,
    )
    .all(s.format === 2 ? s.baseline_id : scanId) as Array<Omit<FindingRow, 'scan_id' | 'seq' | 'mac'>>;
  const findings: ScanFinding[] = rows.map((r) => ({
    path: readStoredName(db, r.path),
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
  const exists = db.prepare(tableExistsSql(db)).get('scans');
  if (!exists) return [];
  const ids = db
    .prepare('SELECT max(s.id) AS id FROM scans s JOIN baselines b ON b.id = s.baseline_id GROUP BY s.baseline_id, b.name ORDER BY b.name')
    .all() as Array<{ id: number }>;
  return ids.map((r) => scanDocument(db, r.id)).filter((d): d is ScanDocument => d !== undefined);
}

/** A line of scan history: what `payrecon scans` lists. */
export interface ScanHistoryRow {
  scan: number;
  baseline: string;
  generation: number;
  started_at: string;
  finished_at: string;
  exit_code: number;
  counts: ScanDocument['counts'];
  findings: number;
}

/** The newest `limit` scans (of one baseline, or all), newest first, as stored. */
export function listScanHistory(db: DB, baselineId: number | undefined, limit: number): ScanHistoryRow[] {
  const rows = db
    .prepare(
      `SELECT s.id, b.name, s.generation, s.started_at, s.finished_at, s.exit_code, s.counts, s.finding_count FROM scans s
       JOIN baselines b ON b.id = s.baseline_id WHERE (CAST(@baseline AS BIGINT) IS NULL OR s.baseline_id = @baseline) ORDER BY s.id DESC LIMIT @limit`,
    )
    .all({ baseline: baselineId ?? null, limit }) as Array<{ id: number; name: string; generation: number; started_at: string; finished_at: string; exit_code: number; counts: string; finding_count: number }>;
  return rows.map((r) => ({
    scan: r.id,
    baseline: r.name,
    generation: r.generation,
    started_at: r.started_at,
    finished_at: r.finished_at,
    exit_code: r.exit_code,
    counts: JSON.parse(r.counts) as ScanDocument['counts'],
    findings: r.finding_count,
  }));
}
