/**
 * Storage of the flat scan history (migration 013): scans with the finding changes they signed,
 * the findings open after a baseline's newest scan, and checkpoints of the chain. Only storage:
 * rows arrive signed and leave unverified (src/operations/integrity-store.ts signs, the rules are
 * src/checksums/history.ts). Paths are stored as their exact bytes, like the entries' paths.
 */
import type { ChangeRow, CheckpointRow, HistoryScan, OpenFinding } from '../checksums/history.js';
import type { ScanRow } from './integrity-scans.js';
import type { DB } from './open.js';
import { nameColumn, readStoredName, storedName } from './stored-name.js';


export const SCAN2_COLUMNS =
  'id, baseline_id, generation, started_at, finished_at, fail_on, exit_code, counts, finding_count, findings_digest, prev_mac, mac, format, change_count, changes_digest';
const CHANGE_COLUMNS = 'scan_id, seq, op, path, kind, attributes, severity, reason, first_seen_scan, mac';
const OPEN_COLUMNS = 'seq, path, kind, attributes, severity, reason, first_seen_scan';
const CHECKPOINT_COLUMNS = 'id, baseline_id, scan_id, scan_mac, created_at, pruned_before, scans_dropped, prev_mac, mac';
const params = (cols: string) => cols.replace(/(\w+)/g, '@$1').replace('@path', 'CAST(@path AS TEXT)');
const readCols = (db: DB, cols: string) => cols.replace(/\bpath\b/, `${nameColumn(db, 'path')} AS path`);

/** Whether any scan of the baseline is still stored in the format before migration 013. */
export function hasLegacyScans(db: DB, baselineId: number): boolean {
  return db.prepare('SELECT 1 FROM scans WHERE baseline_id = ? AND format = 1 LIMIT 1').get(baselineId) !== undefined;
}

/** Scans of a baseline with id >= `from`, in order, each with its changes. */
export function readHistoryScans(db: DB, baselineId: number, from = 0): HistoryScan[] {
  const scans = db.prepare(`SELECT ${SCAN2_COLUMNS} FROM scans WHERE baseline_id = ? AND id >= ? ORDER BY id`).all(baselineId, from) as HistoryScan[];
  const changes = db
    .prepare(
      `SELECT ${readCols(db, CHANGE_COLUMNS)} FROM scan_changes WHERE scan_id IN (SELECT id FROM scans WHERE baseline_id = ? AND id >= ?) ORDER BY scan_id, seq`,
    )
    .all(baselineId, from) as ChangeRow[];
  const byScan = new Map<number, ChangeRow[]>();
  for (const c of changes) {
    c.path = readStoredName(db, c.path);
    let list = byScan.get(c.scan_id);
    if (!list) byScan.set(c.scan_id, (list = []));
    list.push(c);
  }
  for (const s of scans) s.changes = byScan.get(s.id) ?? [];
  return scans;
}

export function readCheckpoint(db: DB, id: number): CheckpointRow | undefined {
  return db.prepare(`SELECT ${CHECKPOINT_COLUMNS} FROM scan_checkpoints WHERE id = ?`).get(id) as CheckpointRow | undefined;
}

export function readCheckpoints(db: DB, baselineId: number): CheckpointRow[] {
  return db.prepare(`SELECT ${CHECKPOINT_COLUMNS} FROM scan_checkpoints WHERE baseline_id = ? ORDER BY id`).all(baselineId) as CheckpointRow[];
}

export function insertCheckpoint(db: DB, c: CheckpointRow): void {
  db.prepare(`INSERT INTO scan_checkpoints (${CHECKPOINT_COLUMNS}) VALUES (${params(CHECKPOINT_COLUMNS)})`).run(c);
}

export function nextCheckpointId(db: DB): number {
  return (db.prepare('SELECT coalesce(max(id), 0) + 1 AS n FROM scan_checkpoints').get() as { n: number }).n;
}

/** How many scans of the baseline come after scan `afterId`. */
export function scansAfter(db: DB, baselineId: number, afterId: number): number {
  return (db.prepare('SELECT count(*) AS n FROM scans WHERE baseline_id = ? AND id > ?').get(baselineId, afterId) as { n: number }).n;
}

export function readOpenFindings(db: DB, baselineId: number): OpenFinding[] {
  const rows = db.prepare(`SELECT ${readCols(db, OPEN_COLUMNS)} FROM open_findings WHERE baseline_id = ? ORDER BY seq`).all(baselineId) as OpenFinding[];
  for (const r of rows) r.path = readStoredName(db, r.path);
  return rows;
}

export function replaceOpenFindings(db: DB, baselineId: number, findings: readonly OpenFinding[]): void {
  db.prepare('DELETE FROM open_findings WHERE baseline_id = ?').run(baselineId);
  const insert = db.prepare(`INSERT INTO open_findings (baseline_id, ${OPEN_COLUMNS}) VALUES (@baseline_id, ${params(OPEN_COLUMNS)})`);
  for (const f of findings) insert.run({ ...f, baseline_id: baselineId, path: storedName(db, f.path) });
}

/** Store a format-2 scan and its changes, all signed by the caller. */
export function insertHistoryScan(db: DB, scan: Omit<HistoryScan, 'changes'>, changes: readonly ChangeRow[]): void {
  db.prepare(`INSERT INTO scans (${SCAN2_COLUMNS}) VALUES (${params(SCAN2_COLUMNS)})`).run(scan);
  insertChanges(db, changes);
}

export function insertChanges(db: DB, changes: readonly ChangeRow[]): void {
  const insert = db.prepare(`INSERT INTO scan_changes (${CHANGE_COLUMNS}) VALUES (${params(CHANGE_COLUMNS)})`);
  for (const c of changes) insert.run({ ...c, path: storedName(db, c.path) });
}

/** Rewrite a scan row in place (the conversion of the old format signs each scan again). */
export function rewriteScan(db: DB, scan: Omit<HistoryScan, 'changes'>): void {
  db.prepare(
    `UPDATE scans SET format = @format, finding_count = @finding_count, findings_digest = @findings_digest, change_count = @change_count,
       changes_digest = @changes_digest, prev_mac = @prev_mac, mac = @mac WHERE id = @id`,
  ).run(scan);
}

export function deleteLegacyFindings(db: DB, baselineId: number): void {
  db.prepare('DELETE FROM scan_findings WHERE scan_id IN (SELECT id FROM scans WHERE baseline_id = ?)').run(baselineId);
}

/** Drop a baseline's scans before `firstKept` with their changes; returns how many scans. */
export function deleteScansBefore(db: DB, baselineId: number, firstKept: number): number {
  db.prepare('DELETE FROM scan_changes WHERE scan_id IN (SELECT id FROM scans WHERE baseline_id = ? AND id < ?)').run(baselineId, firstKept);
  db.prepare('DELETE FROM scan_findings WHERE scan_id IN (SELECT id FROM scans WHERE baseline_id = ? AND id < ?)').run(baselineId, firstKept);
  return db.prepare('DELETE FROM scans WHERE baseline_id = ? AND id < ?').run(baselineId, firstKept).changes;
}

/** Id, MAC and finish time of every scan of a baseline, oldest first (what prune chooses from). */
export function scanTimes(db: DB, baselineId: number): Array<Pick<ScanRow, 'id' | 'mac' | 'finished_at'>> {
  return db.prepare('SELECT id, mac, finished_at FROM scans WHERE baseline_id = ? ORDER BY id').all(baselineId) as Array<Pick<ScanRow, 'id' | 'mac' | 'finished_at'>>;
}
