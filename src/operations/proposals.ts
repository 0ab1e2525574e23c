/**
 * Proposals a person decides: accepting one makes it a manual match (origin 'proposal') and
 * closes both items as matched; rejecting it keeps both open and the engine never proposes
 * that pair again. All named proposals or none, in one transaction, one audit entry per
 * proposal (plus one per item the accepted match closes). Called by `payrecon proposals` and
 * by the TUI.
 */
import { appendAudit, defaultActor } from '../db/audit.js';
import { closeItemsExplainedBy, getManualMatch, insertManualMatch, liveMatchOf, type RowIdentity } from '../db/manual-matches.js';
import { matchMaker, proposalConflict, refusal } from '../domain/conflict.js';
import { translateDbError } from '../db/open.js';
import { decideProposal, getProposal, listProposals, type ProposalRecord, type ProposalStatus } from '../db/proposals.js';
import { formatMinor } from '../domain/money.js';
import { UsageError } from '../errors.js';
import type { OperationContext } from './context.js';

/** One side of a proposal as printed: the row as imported now (null if it is gone from the store). */
export interface ProposalSide {
  id: string;
  source: string;
  amount: string | null;
  currency: string | null;
  booked_at: string | null;
  /** The open missing_* item the row is reported as. */
  discrepancy: number | null;
}

export interface ProposalView {
  id: number;
  status: ProposalStatus;
  rule: string;
  confidence: number;
  psp: ProposalSide;
  ledger: ProposalSide;
  first_run: number;
  last_run: number;
  decided_by: string | null;
  decided_at: string | null;
  note: string | null;
  /** Accepted: the manual match it became (`payrecon unmatch <match>` undoes it). */
  match: number | null;
}

export function listProposalViews(ctx: OperationContext, status: ProposalStatus | 'all' = 'open'): ProposalView[] {
  const db = ctx.db();
  const row = db
    .prepare('SELECT currency, amount_minor, booked_at FROM transactions WHERE external_id = ? AND side = ? AND source = ?')
    .safeIntegers(true);
  const side = (s: 'psp' | 'ledger', source: string, id: string, discrepancy: number | null): ProposalSide => {
    const r = row.get(id, s, source) as { currency: string; amount_minor: bigint; booked_at: string } | undefined;
    return {
      id,
      source,
      amount: r ? formatMinor(r.amount_minor, r.currency) : null,
      currency: r?.currency ?? null,
      booked_at: r?.booked_at ?? null,
      discrepancy,
    };
  };
  return listProposals(db, status).map((p) => ({
    id: p.id,
    status: p.status,
    rule: p.rule,
    confidence: p.confidence,
    psp: side('psp', p.psp_source, p.psp_external_id, p.psp_discrepancy_id),
    ledger: side('ledger', p.ledger_source, p.ledger_external_id, p.ledger_discrepancy_id),
    first_run: p.first_run,
    last_run: p.last_run,
    decided_by: p.decided_by,
    decided_at: p.decided_at,
    note: p.note,
    match: p.match_id,
  }));
}

export interface ProposalDecision {
  id: number;
  decision: 'accepted' | 'rejected';
  /** Accepted: the manual match made, and the items it closed. */
  match: number | null;
  closed: number[];
}

const rowsOf = (p: ProposalRecord): RowIdentity[] => [
  { side: 'psp', source: p.psp_source, external_id: p.psp_external_id },
  { side: 'ledger', source: p.ledger_source, external_id: p.ledger_external_id },
];

/**
 * Accept or reject every id, or change nothing: UsageError (16) naming ids that do not exist,
 * ConflictError (17) naming who decided a proposal first, or who matched one of its rows.
 */
export function decideProposals(
  ctx: OperationContext,
  ids: number[],
  d: { decision: 'accepted' | 'rejected'; note?: string; by?: string },
): { by: string; decisions: ProposalDecision[] } {
  if (ids.length === 0) throw new UsageError('name at least one proposal id');
  const db = ctx.db();
  const by = d.by?.trim() || defaultActor(ctx.env);
  const at = ctx.now().toISOString();
  const note = d.note?.trim() || (d.decision === 'accepted' ? 'proposal accepted' : 'proposal rejected');
  const exists = db.prepare('SELECT currency FROM transactions WHERE external_id = ? AND side = ? AND source = ?').pluck();
  const apply = db.transaction(() => {
    const found = [...new Set(ids)].map((id) => ({ id, p: getProposal(db, id) }));
    const problems: string[] = [];
    // Decided by someone else first, or a row matched meanwhile: a conflict naming who and when.
    const conflicts: string[] = [];
    for (const { id, p } of found) {
      const conflict = p && proposalConflict(id, p);
      if (!p) problems.push(`no proposal with id ${id}`);
      else if (conflict) conflicts.push(conflict);
      else if (d.decision === 'accepted') {
        for (const r of rowsOf(p)) {
          if (exists.get(r.external_id, r.side, r.source) === undefined) problems.push(`proposal ${id}: ${r.side} ${r.external_id} is no longer imported`);
          const m = liveMatchOf(db, r);
          if (m !== undefined) conflicts.push(`proposal ${id}: ${r.side} ${r.external_id} is already in ${matchMaker(getManualMatch(db, m)!)}`);
        }
      }
    }
    const refused = refusal(problems, conflicts, { tail: 'nothing was changed', hint: 'see `payrecon proposals --status all`' });
    if (refused) throw refused;
    const out: ProposalDecision[] = [];
    for (const { id, p } of found) {
      let match: number | null = null;
      let closed: number[] = [];
      if (d.decision === 'accepted') {
        const rows = rowsOf(p!);
        match = insertManualMatch(db, { origin: 'proposal', currency: exists.get(p!.psp_external_id, 'psp', p!.psp_source) as string, note, by, at, rows });
        closed = closeItemsExplainedBy(db, match, rows, { by, at });
      }
      decideProposal(db, id, { status: d.decision, by, at, note, matchId: match ?? undefined });
      appendAudit(db, {
        action: d.decision === 'accepted' ? 'proposal_accept' : 'proposal_reject',
        subject: `proposal ${id}`,
        details: { psp: p!.psp_external_id, ledger: p!.ledger_external_id, rule: p!.rule, confidence: p!.confidence, note, match, closed },
        actor: by,
        at,
      });
      out.push({ id, decision: d.decision, match, closed });
    }
    return out;
  });
  try {
    return { by, decisions: apply.immediate() };
  } catch (err) {
    throw translateDbError(err, db.name);
  }
}
