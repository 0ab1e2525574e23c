/**
 * Manual matches: rows a person paired (payrecon match, or an accepted proposal), by identity
 * (side, source, external id). The engine's first stage pairs them on every run until the
 * match is undone; closing and reopening the items a match explains is audited here, in the
 * caller's transaction.
 */
import { appendAudit } from './audit.js';
import type { DB } from './open.js';
import { jsonField, positionFn } from './sql.js';

export interface RowIdentity {
  side: 'psp' | 'ledger';
  source: string;
  external_id: string;
}

export interface ManualMatchRecord {
  id: number;
  origin: 'manual' | 'proposal';
  currency: string;
  note: string;
  created_by: string;
  created_at: string;
  undone_by: string | null;
  undone_at: string | null;
  undo_note: string | null;
}

export function insertManualMatch(
  db: DB,
  m: { origin: 'manual' | 'proposal'; currency: string; note: string; by: string; at: string; rows: RowIdentity[] },
): number {
  const id = Number(
    db
      .prepare('INSERT INTO manual_matches (origin, currency, note, created_by, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id')
      .pluck()
      .get(m.origin, m.currency, m.note, m.by, m.at),
  );
  const ins = db.prepare('INSERT INTO manual_match_rows (match_id, side, source, external_id) VALUES (?, ?, ?, ?)');
  for (const r of m.rows) ins.run(id, r.side, r.source, r.external_id);
  return id;
}

/** The live manual match a row is part of, if any. */
export function liveMatchOf(db: DB, r: RowIdentity): number | undefined {
  return db
    .prepare('SELECT match_id FROM manual_match_rows WHERE side = ? AND source = ? AND external_id = ? AND live = 1')
    .pluck()
    .get(r.side, r.source, r.external_id) as number | undefined;
}

export function getManualMatch(db: DB, id: number): (ManualMatchRecord & { rows: RowIdentity[] }) | undefined {
  const m = db.prepare('SELECT * FROM manual_matches WHERE id = ?').get(id) as ManualMatchRecord | undefined;
  if (!m) return undefined;
  const rows = db.prepare('SELECT side, source, external_id FROM manual_match_rows WHERE match_id = ? ORDER BY side DESC, external_id').all(id) as RowIdentity[];
  return { ...m, rows };
}

export function undoManualMatch(db: DB, id: number, u: { by: string; at: string; note: string }): void {
  db.prepare('UPDATE manual_matches SET undone_by = ?, undone_at = ?, undo_note = ? WHERE id = ?').run(u.by, u.at, u.note, id);
  db.prepare('UPDATE manual_match_rows SET live = 0 WHERE match_id = ?').run(id);
}

// A live item involves a row when its side of that kind names the row: same source, and the
// row's id among the side's ids (a split side shows them joined by '+').
/** Item `d` names the row (source, external id) on `side`; a split item lists ids joined by '+'. */
function involves(db: DB, side: 'psp' | 'ledger'): string {
  return `(${jsonField(db, `d.${side}`, 'source')} = @source
  AND ${positionFn(db)}('+' || ${jsonField(db, `d.${side}`, 'id')} || '+', '+' || @external_id || '+') > 0)`;
}

/** Open or acknowledged items that involve one of `rows` (id -> kind). */
export function openItemsInvolving(db: DB, rows: RowIdentity[]): Map<number, string> {
  const find = {
    psp: db.prepare(`SELECT d.id, d.kind FROM discrepancies d WHERE d.status IN ('open', 'acknowledged') AND ${involves(db, 'psp')}`),
    ledger: db.prepare(`SELECT d.id, d.kind FROM discrepancies d WHERE d.status IN ('open', 'acknowledged') AND ${involves(db, 'ledger')}`),
  };
  const items = new Map<number, string>();
  for (const r of rows) {
    for (const d of find[r.side].all({ source: r.source, external_id: r.external_id }) as Array<{ id: number; kind: string }>) items.set(d.id, d.kind);
  }
  return items;
}

/** Store ids the latest run paired with row `txId` (recon_matches keeps the latest run only). */
export function pairedByLatestRun(db: DB, txId: number): Array<{ id: number; rule: string; run: number; at: string | null }> {
  return db
    .prepare(
      `SELECT p.id, p.rule, p.run, r.finished_at AS at FROM (
         SELECT ledger_tx_id AS id, rule, run_id AS run FROM recon_matches WHERE psp_tx_id = @id
         UNION SELECT psp_tx_id, rule, run_id FROM recon_matches WHERE ledger_tx_id = @id) p
       LEFT JOIN recon_runs r ON r.id = p.run ORDER BY p.run, p.id`,
    )
    .all({ id: txId }) as Array<{ id: number; rule: string; run: number; at: string | null }>;
}

/**
 * Close every open or acknowledged item that involves one of `rows`: the match explains it.
 * One audit entry per item (`match_close`). Returns the ids closed.
 */
export function closeItemsExplainedBy(db: DB, matchId: number, rows: RowIdentity[], who: { by: string; at: string }): number[] {
  const items = openItemsInvolving(db, rows);
  const close = db.prepare(
    `UPDATE discrepancies SET status = 'closed', closed_at = ?, closed_by_match = ?, version = version + 1 WHERE id = ?`,
  );
  const ids = [...items.keys()].sort((a, b) => a - b);
  for (const id of ids) {
    close.run(who.at, matchId, id);
    appendAudit(db, { action: 'match_close', subject: `discrepancy ${id}`, details: { kind: items.get(id), match: matchId }, actor: who.by, at: who.at });
  }
  return ids;
}

/**
 * Reopen what match `matchId` closed (one `unmatch_reopen` audit entry per item). An item whose
 * cause is live again under another id (a later run found it anew) stays closed: the live one
 * carries it. Returns the ids reopened.
 */
export function reopenItemsClosedBy(db: DB, matchId: number, who: { by: string; at: string }): number[] {
  const items = db
    .prepare(
      `SELECT d.id, d.kind FROM discrepancies d WHERE d.status = 'closed' AND d.closed_by_match = ?
         AND NOT EXISTS (SELECT 1 FROM discrepancies o WHERE o.fingerprint = d.fingerprint AND o.status <> 'closed')
       ORDER BY d.id`,
    )
    .all(matchId) as Array<{ id: number; kind: string }>;
  const reopen = db.prepare(
    `UPDATE discrepancies SET status = 'open', closed_at = NULL, closed_run = NULL, closed_by_match = NULL, version = version + 1 WHERE id = ?`,
  );
  for (const d of items) {
    reopen.run(d.id);
    appendAudit(db, { action: 'unmatch_reopen', subject: `discrepancy ${d.id}`, details: { kind: d.kind, match: matchId }, actor: who.by, at: who.at });
  }
  return items.map((d) => d.id);
}

/** A new item as a manual match states it (its one amount difference), already serialised. */
export interface MatchDifferenceRow {
  fingerprint: string;
  severity: string;
  reason: string;
  currency: string;
  reference: string | null;
  psp: string;
  ledger: string;
  difference: string;
  differenceMinor: bigint;
  scopeDate: string | null;
}

/**
 * Open the match's amount_mismatch now, as the latest run's item (so the user can write it off
 * before the next night); that run finds it again by fingerprint. Audited (`match_difference`).
 */
export function insertMatchDifference(db: DB, matchId: number, row: MatchDifferenceRow, who: { by: string; at: string; run: number }): number {
  const id = Number(
    db
      .prepare(
        `INSERT INTO discrepancies (fingerprint, kind, severity, reason, currency, reference, psp, ledger, difference, difference_minor,
           scope_date, status, first_seen_run, first_seen_at, last_seen_run)
         VALUES (?, 'amount_mismatch', ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?) RETURNING id`,
      )
      .pluck()
      .get(row.fingerprint, row.severity, row.reason, row.currency, row.reference, row.psp, row.ledger, row.difference, row.differenceMinor,
        row.scopeDate, who.run, who.at, who.run),
  );
  appendAudit(db, { action: 'match_difference', subject: `discrepancy ${id}`, details: { match: matchId, difference: row.difference, currency: row.currency }, actor: who.by, at: who.at });
  return id;
}

/** Close the live amount_mismatch a match stated (its fingerprint names the match), audited. */
export function closeMatchDifference(db: DB, matchId: number, who: { by: string; at: string }): number[] {
  const items = db
    .prepare(`SELECT id FROM discrepancies WHERE status IN ('open', 'acknowledged') AND kind = 'amount_mismatch' AND ${positionFn(db)}(fingerprint, ?) > 0`)
    .pluck()
    .all(`|manual:${matchId}:`) as number[];
  const close = db.prepare(`UPDATE discrepancies SET status = 'closed', closed_at = ?, version = version + 1 WHERE id = ?`);
  for (const id of items) {
    close.run(who.at, id);
    appendAudit(db, { action: 'unmatch_close', subject: `discrepancy ${id}`, details: { match: matchId, why: 'the manual match that stated this difference was undone' }, actor: who.by, at: who.at });
  }
  return items;
}
