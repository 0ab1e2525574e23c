/**
 * Proposals: pairings a stage below --auto-confirm suggested, kept across runs by the identity
 * of their two rows (same pair, same id). The engine writes them at the end of a run; people
 * accept (operations/proposals.ts turns one into a manual match) or reject them.
 */
import type { DB } from './open.js';
import { tempSchema } from './sql.js';

export type ProposalStatus = 'open' | 'accepted' | 'rejected' | 'gone';

export interface ProposalRecord {
  id: number;
  psp_source: string;
  psp_external_id: string;
  ledger_source: string;
  ledger_external_id: string;
  rule: string;
  confidence: number;
  status: ProposalStatus;
  psp_discrepancy_id: number | null;
  ledger_discrepancy_id: number | null;
  first_run: number;
  last_run: number;
  decided_by: string | null;
  decided_at: string | null;
  note: string | null;
  match_id: number | null;
}

/**
 * Store the run's proposals (temp.prop, linked to their items through temp.propf) after its
 * findings were merged. A pair proposed again keeps its id; one that had gone comes back open.
 * An open proposal not made again whose items are no longer open is gone (one side was paired
 * or settled otherwise). Returns how many the run proposed.
 */
export function storeProposals(db: DB, runId: number): number {
  const t = tempSchema(db);
  const item = (col: string) =>
    `(SELECT d.id FROM ${t}.propf f JOIN discrepancies d ON d.fingerprint = f.fingerprint AND d.status <> 'closed' WHERE f.tx_id = x.${col})`;
  const n = db
    .prepare(
      `INSERT INTO proposals (psp_source, psp_external_id, ledger_source, ledger_external_id, rule, confidence, status,
         psp_discrepancy_id, ledger_discrepancy_id, first_run, last_run)
       SELECT p.source, p.external_id, l.source, l.external_id, x.rule, x.confidence, 'open', ${item('p_id')}, ${item('l_id')}, @run, @run
       FROM ${t}.prop x JOIN transactions p ON p.id = x.p_id JOIN transactions l ON l.id = x.l_id WHERE true
       ON CONFLICT (psp_source, psp_external_id, ledger_source, ledger_external_id) DO UPDATE SET
         rule = excluded.rule, confidence = excluded.confidence, last_run = excluded.last_run,
         psp_discrepancy_id = excluded.psp_discrepancy_id, ledger_discrepancy_id = excluded.ledger_discrepancy_id,
         status = CASE WHEN proposals.status = 'gone' THEN 'open' ELSE proposals.status END`,
    )
    .run({ run: runId }).changes;
  db.prepare(
    `UPDATE proposals SET status = 'gone' WHERE status = 'open' AND last_run <> @run
       AND NOT EXISTS (SELECT 1 FROM discrepancies d WHERE d.id IN (proposals.psp_discrepancy_id, proposals.ledger_discrepancy_id)
                         AND d.status IN ('open', 'acknowledged'))`,
  ).run({ run: runId });
  return n;
}

export function listProposals(db: DB, status: ProposalStatus | 'all' = 'open'): ProposalRecord[] {
  const where = status === 'all' ? '' : 'WHERE status = ?';
  const stmt = db.prepare(`SELECT * FROM proposals ${where} ORDER BY id`);
  return (status === 'all' ? stmt.all() : stmt.all(status)) as ProposalRecord[];
}

export function countProposals(db: DB, status: ProposalStatus): number {
  return db.prepare('SELECT count(*) FROM proposals WHERE status = ?').pluck().get(status) as number;
}

export function getProposal(db: DB, id: number): ProposalRecord | undefined {
  return db.prepare('SELECT * FROM proposals WHERE id = ?').get(id) as ProposalRecord | undefined;
}

export function decideProposal(
  db: DB,
  id: number,
  d: { status: 'accepted' | 'rejected'; by: string; at: string; note: string; matchId?: number },
): void {
  db.prepare('UPDATE proposals SET status = ?, decided_by = ?, decided_at = ?, note = ?, match_id = ? WHERE id = ?').run(
    d.status,
    d.by,
    d.at,
    d.note,
    d.matchId ?? null,
    id,
  );
}
