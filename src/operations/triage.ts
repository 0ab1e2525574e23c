/**
 * Working many items at once: `resolve` by ids or by the filters `discrepancies` takes, with
 * a new status (acknowledge, resolve, write off against a reason) and/or an owner, all in one
 * transaction, one audit entry per item and change. A selection by filters is a bulk change:
 * the command shows how many items it will change and needs --yes (or --dry-run to list them).
 */
import { defaultActor } from '../db/audit.js';
import { getDiscrepancyViews, selectDiscrepancyIds, setAssignee } from '../db/discrepancies.js';
import { narrows, type DiscrepancyFilter, type OneOrMore } from '../db/discrepancy-filter.js';
import { translateDbError } from '../db/open.js';
import type { DiscrepancyView } from '../domain/discrepancy.js';
import { UsageError } from '../errors.js';
import type { OperationContext } from './context.js';
import { changeStatus, type StatusChange } from './resolve.js';

export interface TriageRequest {
  /** Named items; empty for a selection by filters. */
  ids: number[];
  /** Bulk: the items to change (only live ones: open and acknowledged). */
  filter?: Omit<DiscrepancyFilter, 'status'> & { status?: OneOrMore<'open' | 'acknowledged'> };
  /** The change of status, if any (note required then). */
  change?: StatusChange;
  /** A new owner for every selected item. */
  assign?: string;
  by?: string;
}

/** Which items a request names: its ids, or the live items its filters select. */
export function selectItems(ctx: OperationContext, req: TriageRequest): { ids: number[]; bulk: boolean } {
  if (req.ids.length && req.filter && narrows(req.filter)) throw new UsageError('name discrepancy ids or select them with filters, not both');
  if (req.ids.length) return { ids: [...new Set(req.ids)], bulk: false };
  if (!req.filter || !(narrows(req.filter) || req.filter.status)) {
    throw new UsageError('name discrepancy ids, or select items with filters (--kind --source --currency --older-than --max-amount --reference --assignee)');
  }
  return { ids: selectDiscrepancyIds(ctx.db(), { ...req.filter, status: req.filter.status ?? 'live' }, ctx.now()), bulk: true };
}

export function previewItems(ctx: OperationContext, ids: number[]): DiscrepancyView[] {
  return getDiscrepancyViews(ctx.db(), ids, ctx.now());
}

export interface TriageResult {
  by: string;
  views: DiscrepancyView[];
  /** Items whose owner changed. */
  assigned: number[];
}

/** Apply the request to `ids` (from selectItems): all or nothing. */
export function applyTriage(ctx: OperationContext, ids: number[], req: TriageRequest): TriageResult {
  if (!req.change && req.assign === undefined) throw new UsageError('nothing to do: give --status (with --note) and/or --assign');
  const db = ctx.db();
  const by = req.by?.trim() || req.change?.by?.trim() || defaultActor(ctx.env);
  const at = ctx.now().toISOString();
  const run = db.transaction(() => {
    const assigned = req.assign !== undefined ? setAssignee(db, ids, req.assign.trim() || null, { by, at }) : [];
    const views = req.change ? changeStatus(ctx, ids, { ...req.change, by }).views : getDiscrepancyViews(db, ids, ctx.now());
    return { by, views, assigned };
  });
  try {
    return run.immediate();
  } catch (err) {
    throw translateDbError(err, db.name);
  }
}
