/**
 * Triage: acknowledging or resolving discrepancies with a note, all named items in one audited
 * transaction or none. Called by `payrecon resolve` and by the TUI.
 */
import { defaultActor } from '../db/audit.js';
import { setDiscrepancyStatus } from '../db/discrepancies.js';
import type { DiscrepancyView } from '../domain/discrepancy.js';
import { UsageError } from '../errors.js';
import type { OperationContext } from './context.js';

export interface StatusChange {
  status: 'acknowledged' | 'resolved';
  /** Why; kept in the audit log. */
  note: string;
  /** Who; $PAYRECON_ACTOR or the login name when absent. */
  by?: string;
}

/** Set the status of every id, or change nothing (UsageError, 16, naming each id that cannot change). */
export function changeStatus(ctx: OperationContext, ids: number[], change: StatusChange): { by: string; views: DiscrepancyView[] } {
  if (ids.length === 0) throw new UsageError('name at least one discrepancy id');
  if (!change.note.trim()) throw new UsageError('--note must say why (it is kept in the audit log)');
  const by = change.by?.trim() || defaultActor(ctx.env);
  const views = setDiscrepancyStatus(ctx.db(), ids, { status: change.status, note: change.note, by, at: ctx.now().toISOString() });
  return { by, views };
}
