/**
 * Reconciling: the engine (src/reconcile/engine.ts) over what is in scope, with a progress bar
 * when a person watches. Parameters arrive validated
 * (by the command's option parsing, or by the scheduler's config schema).
 */
import { Decimal } from 'decimal.js';
import { RECONCILE_DEFAULTS, type DiscrepancyKind, type ReconcileResult } from '../domain/discrepancy.js';
import { runReconcile } from '../reconcile/engine.js';
import type { OperationContext } from './context.js';

export interface ReconcileParams {
  /** First and last booking dates in scope, `YYYY-MM-DD`, from <= to. */
  from?: string;
  to?: string;
  /** A non-negative decimal in major units, as the user wrote it ("0" when not given). */
  amountTolerance: string;
  /** Days a booking may lag the PSP date. */
  dateWindow: number;
  /** Business days a payout may take to reach the bank (default RECONCILE_DEFAULTS.depositWindow). */
  depositWindow?: number;
  /** Kinds that set exit bits; every kind when absent. */
  failOn?: DiscrepancyKind[];
  /** 0-100: stages less sure than this propose instead of pairing (RECONCILE_DEFAULTS.autoConfirm). */
  autoConfirm?: number;
  /** Record nothing: the document says what a run would record. */
  dryRun?: boolean;
}

/**
 * Reconcile and record the run; the result is what `reconcile --json` prints, its items read
 * from the database as they are iterated (ReconcileResult), so none of them is held at once.
 */
export async function reconcile(ctx: OperationContext, params: ReconcileParams): Promise<ReconcileResult> {
  // A bar on a terminal (a no-op in a pipe, in CI and with --json): a million rows take seconds.
  const progress = await ctx.progress({ label: 'reconcile', total: 0, unit: 'rows' });
  try {
    return await runReconcile(ctx, {
      from: params.from,
      to: params.to,
      tolerance: new Decimal(params.amountTolerance),
      toleranceText: params.amountTolerance,
      dateWindow: params.dateWindow,
      depositWindow: params.depositWindow,
      failOn: params.failOn,
      autoConfirm: params.autoConfirm ?? RECONCILE_DEFAULTS.autoConfirm,
      dryRun: params.dryRun,
      // Before the rows are counted (total 0) a stage is named alone: the window's index build.
      onStage: (name, done, total) => progress.update(done, total > 0 ? `${name} of ${total.toLocaleString('en-US')} rows` : name),
    });
  } finally {
    progress.finish();
  }
}
