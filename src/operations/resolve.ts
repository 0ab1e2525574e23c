/**
 * Triage: acknowledging, resolving or writing off discrepancies with a note, or reopening a
 * mistaken one, all named items in one audited transaction or none. Called by `payrecon resolve` and by the TUI.
 */
import { Decimal } from 'decimal.js';
import { defaultActor } from '../db/audit.js';
import { setDiscrepancyStatus } from '../db/discrepancies.js';
import { listReasonCodes, reasonCodeExists } from '../db/reason-codes.js';
import { reopenDiscrepancies } from '../db/triage-history.js';
import type { DiscrepancyView } from '../domain/discrepancy.js';
import { toleranceToMinor } from '../domain/money.js';
import { UsageError } from '../errors.js';
import type { OperationContext } from './context.js';

export interface StatusChange {
  /** 'open' reopens an acknowledged, resolved or written-off item (a mistake undone). */
  status: 'open' | 'acknowledged' | 'resolved' | 'written_off';
  /** Why; kept in the audit log. */
  note: string;
  /** Who; $PAYRECON_ACTOR or the login name when absent. */
  by?: string;
  /** written_off: a code of `payrecon reasons` (required then, refused otherwise). */
  reason?: string;
  /** A non-negative decimal in major units: refuse items whose |difference| is larger. */
  maxAmount?: string;
}

/**
 * Set the status of every id, or change nothing: UsageError (16) for an unknown id or a bad
 * argument, ConflictError (17) naming who settled an item first (src/db/discrepancies.ts).
 */
export function changeStatus(ctx: OperationContext, ids: number[], change: StatusChange): { by: string; views: DiscrepancyView[] } {
  if (ids.length === 0) throw new UsageError('name at least one discrepancy id');
  if (!change.note.trim()) throw new UsageError('--note must say why (it is kept in the audit log)');
  const db = ctx.db();
  if (change.status === 'open') {
    if (change.reason) throw new UsageError('--reason goes with --status written_off');
    if (change.maxAmount !== undefined) throw new UsageError('--max-amount guards a settlement, not a reopen');
    const by = change.by?.trim() || defaultActor(ctx.env);
    return { by, views: reopenDiscrepancies(db, ids, { note: change.note, by, at: ctx.now().toISOString() }) };
  }
  if (change.status === 'written_off') {
    if (!change.reason) throw new UsageError('--status written_off needs --reason <code>', `codes: ${listReasonCodes(db).map((r) => r.code).join(', ')} (payrecon reasons)`);
    if (!reasonCodeExists(db, change.reason)) {
      throw new UsageError(`unknown reason code "${change.reason}"`, `codes: ${listReasonCodes(db).map((r) => r.code).join(', ')}; add one with payrecon reasons add <code> <description>`);
    }
  } else if (change.reason) {
    throw new UsageError('--reason goes with --status written_off');
  }
  let maxMinorFor: ((currency: string) => bigint) | undefined;
  if (change.maxAmount !== undefined) {
    if (!/^\d+(\.\d+)?$/.test(change.maxAmount.trim())) throw new UsageError(`--max-amount must be a plain non-negative decimal, got "${change.maxAmount}"`);
    const max = new Decimal(change.maxAmount.trim());
    maxMinorFor = (currency) => toleranceToMinor(max, currency);
  }
  const by = change.by?.trim() || defaultActor(ctx.env);
  const views = setDiscrepancyStatus(db, ids, { status: change.status, note: change.note, by, at: ctx.now().toISOString(), reasonCode: change.reason, maxMinorFor });
  return { by, views };
}
