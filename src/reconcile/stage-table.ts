/**
 * The one statement of the reconcile stage order. The engine loops over this table, progress
 * shows its labels, docs/reconcile.md's stage table is tested against it
 * (test/reconcile/stage-table.test.ts), and nothing else lists the stages in order.
 *
 * Why this order: each stage claims the rows it pairs, so a later stage only sees what the
 * earlier ones left. The strongest evidence goes first (an identifier, then a merchant
 * reference); what a person paired goes before all of them; splits and the unique-reference stage come before amount + date because a shared
 * reference is stronger evidence than an equal amount; the leftovers are reported last.
 */
import type { MatchRule } from '../matchers/index.js';
import type { RunWorkspace } from './stages.js';

/** Steps of a run that pair nothing, named for what they do. */
export type StageStep = 'leftovers' | 'payouts' | 'deposits' | 'unmatched';

/** What a stage needs beyond the workspace: facts the engine counted before the stages ran. */
export interface StageContext {
  /** Store ids of the PSP payout rows in scope (countInScope). */
  payoutRows: number[];
  /** --deposit-window: business days a payout may take to reach the bank. */
  depositWindowDays: number;
}

/**
 * How sure a stage's pairing is, 0-100. A pairing below `reconcile --auto-confirm` (default
 * RECONCILE_DEFAULTS.autoConfirm, 50) is not made: it becomes a proposal a person accepts or
 * rejects (`payrecon proposals`), and both rows stay open as missing items meanwhile.
 * Why these numbers: an identifier or a person is certain; a merchant reference within the
 * tolerance is strong; a reference alone (any amount) is fair; an equal amount in the window
 * with nothing else in common is a guess (issue 11 measured 14 in 35,993 planted faults
 * wrongly "matched" that way at 3M rows).
 */
export const CONFIDENCE = {
  certain: 100,
  high: 90,
  fair: 70,
  low: 40,
} as const;

export interface Stage {
  /** The MatchRule a pairing stage records in recon_matches, or the name of a step that pairs nothing. */
  rule: MatchRule | StageStep;
  /** What progress shows once the stage is done; unique, so a user can tell the stages apart. */
  label: string;
  /** How sure the stage's pairings are (CONFIDENCE); null for a step that pairs nothing. */
  confidence: number | null;
  /**
   * Runs the stage. A stage that works in batches returns an iterable that yields between them,
   * so the engine can check for an interrupt and let the event loop breathe mid-stage.
   */
  run: (ws: RunWorkspace, ctx: StageContext) => void | Iterable<unknown>;
}

export const STAGE_TABLE: readonly Stage[] = [
  // What a person paired (manual match, accepted proposal) goes first: no rule may re-pair it.
  { rule: 'manual', label: 'manual', confidence: CONFIDENCE.certain, run: (ws) => ws.stageManual() },
  { rule: 'id', label: 'exact id', confidence: CONFIDENCE.certain, run: (ws) => ws.stageExactId() },
  // Must follow the identifier stage directly: it reads that stage's claims (cand_p, cand_l).
  { rule: 'leftovers', label: 'leftovers', confidence: null, run: (ws) => ws.buildLeftovers() },
  { rule: 'reference', label: 'reference', confidence: CONFIDENCE.high, run: (ws) => ws.stageReference() },
  { rule: 'split', label: 'split', confidence: CONFIDENCE.high, run: (ws) => ws.stageSplit() },
  { rule: 'payout_id', label: 'payout id', confidence: CONFIDENCE.certain, run: (ws) => ws.stagePayoutId() },
  // Records rule 'reference' too (it pairs by reference), but is a stage of its own.
  { rule: 'reference', label: 'unique reference', confidence: CONFIDENCE.fair, run: (ws) => ws.stageReferenceUnique() },
  { rule: 'amount_date', label: 'amount + date', confidence: CONFIDENCE.low, run: (ws) => ws.stageAmountDate() },
  { rule: 'payouts', label: 'payouts', confidence: null, run: (ws, ctx) => ws.verifyPayouts(ctx.payoutRows) },
  // After the payouts are verified against their rows: now, did the money reach the bank?
  { rule: 'deposits', label: 'payouts to bank', confidence: null, run: (ws, ctx) => ws.matchDeposits(ctx.payoutRows, ctx.depositWindowDays) },
  {
    rule: 'unmatched',
    label: 'unmatched',
    confidence: null,
    run: function* (ws) {
      yield* ws.reportLeftovers();
      ws.reportRejects();
    },
  },
];
