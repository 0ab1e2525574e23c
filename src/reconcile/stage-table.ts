/**
 * The one statement of the reconcile stage order. The engine loops over this table, progress
 * shows its labels, docs/reconcile.md's stage table is tested against it
 * (test/reconcile/stage-table.test.ts), and nothing else lists the stages in order.
 *
 * Why this order: each stage claims the rows it pairs, so a later stage only sees what the
 * earlier ones left. The strongest evidence goes first (an identifier, then a merchant
 * reference); splits and the unique-reference stage come before amount + date because a shared
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

export interface Stage {
  /** The MatchRule a pairing stage records in recon_matches, or the name of a step that pairs nothing. */
  rule: MatchRule | StageStep;
  /** What progress shows once the stage is done; unique, so a user can tell the stages apart. */
  label: string;
  /**
   * Runs the stage. A stage that works in batches returns an iterable that yields between them,
   * so the engine can check for an interrupt and let the event loop breathe mid-stage.
   */
  run: (ws: RunWorkspace, ctx: StageContext) => void | Iterable<unknown>;
}

export const STAGE_TABLE: readonly Stage[] = [
  { rule: 'id', label: 'exact id', run: (ws) => ws.stageExactId() },
  // Must follow the identifier stage directly: it reads that stage's claims (cand_p, cand_l).
  { rule: 'leftovers', label: 'leftovers', run: (ws) => ws.buildLeftovers() },
  { rule: 'reference', label: 'reference', run: (ws) => ws.stageReference() },
  { rule: 'split', label: 'split', run: (ws) => ws.stageSplit() },
  { rule: 'payout_id', label: 'payout id', run: (ws) => ws.stagePayoutId() },
  // Records rule 'reference' too (it pairs by reference), but is a stage of its own.
  { rule: 'reference', label: 'unique reference', run: (ws) => ws.stageReferenceUnique() },
  { rule: 'amount_date', label: 'amount + date', run: (ws) => ws.stageAmountDate() },
  { rule: 'payouts', label: 'payouts', run: (ws, ctx) => ws.verifyPayouts(ctx.payoutRows) },
  // After the payouts are verified against their rows: now, did the money reach the bank?
  { rule: 'deposits', label: 'payouts to bank', run: (ws, ctx) => ws.matchDeposits(ctx.payoutRows, ctx.depositWindowDays) },
  {
    rule: 'unmatched',
    label: 'unmatched',
    run: function* (ws) {
      yield* ws.reportLeftovers();
      ws.reportRejects();
    },
  },
];
