/**
 * The filters `discrepancies` and `resolve` share, as one SQL condition over `discrepancies d`:
 * status, kind, run, source, currency, age, size of the difference, reference glob, assignee.
 */
import { Decimal } from 'decimal.js';
import type { DB } from './open.js';
import type { DiscrepancyKind } from '../domain/discrepancy.js';
import { toleranceToMinor } from '../domain/money.js';

export type StatusFilter = 'open' | 'acknowledged' | 'resolved' | 'written_off' | 'closed' | 'live' | 'all';

export interface DiscrepancyFilter {
  /** `live` is open and acknowledged (what is still to be worked); default open. */
  status?: StatusFilter;
  kind?: DiscrepancyKind;
  run?: number;
  /** Either side's source (stripe, adyen, ledger, ...). */
  source?: string;
  currency?: string;
  /** First seen at least this many whole days ago. */
  olderThanDays?: number;
  /** A non-negative decimal in major units: |difference| at most this (items without one never pass). */
  maxAmount?: string;
  /** SQLite GLOB over the reference: `*` any run, `?` one character, `[abc]` a set; case-sensitive. */
  reference?: string;
  assignee?: string;
}

/** True when any filter beyond status and run narrows the selection (what makes a `resolve` bulk). */
export function narrows(f: DiscrepancyFilter): boolean {
  return Boolean(f.kind || f.source || f.currency || f.olderThanDays !== undefined || f.maxAmount !== undefined || f.reference || f.assignee);
}

const DAY_MS = 86_400_000;

export function filterWhere(db: DB, filter: DiscrepancyFilter, now: Date): { where: string; params: Record<string, unknown> } {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  const status = filter.status ?? 'open';
  if (status === 'live') where.push(`d.status IN ('open', 'acknowledged')`);
  else if (status !== 'all') {
    where.push('d.status = @status');
    params.status = status;
  }
  if (filter.kind) {
    where.push('d.kind = @kind');
    params.kind = filter.kind;
  }
  if (filter.run !== undefined) {
    where.push('d.id IN (SELECT discrepancy_id FROM recon_run_discrepancies WHERE run_id = @run)');
    params.run = filter.run;
  }
  if (filter.source) {
    where.push(`(json_extract(d.psp, '$.source') = @source OR json_extract(d.ledger, '$.source') = @source)`);
    params.source = filter.source;
  }
  if (filter.currency) {
    where.push('d.currency = @currency');
    params.currency = filter.currency.toUpperCase();
  }
  if (filter.olderThanDays !== undefined) {
    where.push('d.first_seen_at <= @seenBefore');
    params.seenBefore = new Date(now.getTime() - filter.olderThanDays * DAY_MS).toISOString();
  }
  if (filter.maxAmount !== undefined) {
    // The bound in minor units differs per currency (JPY 0 decimals, KWD 3): one CASE arm per
    // currency present, so the comparison stays exact integer arithmetic in SQL.
    const max = new Decimal(filter.maxAmount);
    const currencies = db.prepare('SELECT DISTINCT currency FROM discrepancies WHERE currency IS NOT NULL').pluck().all() as string[];
    const arms = currencies.map((c, i) => {
      params[`mc${i}`] = c;
      params[`mm${i}`] = toleranceToMinor(max, c);
      return `WHEN @mc${i} THEN @mm${i}`;
    });
    where.push(arms.length ? `d.difference_minor IS NOT NULL AND abs(d.difference_minor) <= CASE d.currency ${arms.join(' ')} END` : '0');
  }
  if (filter.reference) {
    where.push('d.reference GLOB @reference');
    params.reference = filter.reference;
  }
  if (filter.assignee) {
    where.push('d.assignee = @assignee');
    params.assignee = filter.assignee;
  }
  return { where: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}
