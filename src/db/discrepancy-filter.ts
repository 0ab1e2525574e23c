/**
 * The filters `discrepancies` and `resolve` share, as one SQL condition over `discrepancies d`:
 * status, kind, run, source, currency, age, size of the difference, reference glob, assignee.
 */
import { Decimal } from 'decimal.js';
import type { DB } from './open.js';
import { globMatch, jsonField, NEVER } from './sql.js';
import type { DiscrepancyKind } from '../domain/discrepancy.js';
import { toleranceToMinor } from '../domain/money.js';

export type StatusFilter = 'open' | 'acknowledged' | 'resolved' | 'written_off' | 'closed' | 'live' | 'all';

/** A filter value, or several (`--kind a,b`): an item passes when it matches any of them. */
export type OneOrMore<T> = T | readonly T[];

export interface DiscrepancyFilter {
  /** `live` is open and acknowledged (what is still to be worked); default open. */
  status?: OneOrMore<StatusFilter>;
  kind?: OneOrMore<DiscrepancyKind>;
  run?: number;
  /** Either side's source (stripe, adyen, ledger, ...). */
  source?: OneOrMore<string>;
  currency?: OneOrMore<string>;
  /** First seen at least this many whole days ago. */
  olderThanDays?: number;
  /** A non-negative decimal in major units: |difference| at most this (items without one never pass). */
  maxAmount?: string;
  /** A glob over the reference (SQLite's GLOB, src/db/sql.ts globMatch): `*` any run, `?` one character, `[abc]` a set; case-sensitive. */
  reference?: string;
  assignee?: string;
  /** Booking dates (scope_date, YYYY-MM-DD) from and to, inclusive: `--from/--to` or `--period`. */
  from?: string;
  to?: string;
}

/** True when any filter beyond status and run narrows the selection (what makes a `resolve` bulk). */
export function narrows(f: DiscrepancyFilter): boolean {
  return Boolean(many(f.kind).length || many(f.source).length || many(f.currency).length || f.olderThanDays !== undefined || f.maxAmount !== undefined || f.reference || f.assignee || f.from || f.to);
}

const DAY_MS = 86_400_000;

function many<T>(v: OneOrMore<T> | undefined): readonly T[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v as T];
}

/** `@name0, @name1, ...` for an IN list, the values put into params. */
function inList(params: Record<string, unknown>, name: string, values: readonly unknown[]): string {
  return values.map((v, i) => ((params[`${name}${i}`] = v), `@${name}${i}`)).join(', ');
}

export function filterWhere(db: DB, filter: DiscrepancyFilter, now: Date): { where: string; params: Record<string, unknown> } {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  const status = many(filter.status ?? 'open');
  if (!status.includes('all')) {
    const statuses = [...new Set(status.flatMap((s) => (s === 'live' ? ['open', 'acknowledged'] : [s])))];
    where.push(`d.status IN (${inList(params, 'status', statuses)})`);
  }
  const kinds = many(filter.kind);
  if (kinds.length) where.push(`d.kind IN (${inList(params, 'kind', kinds)})`);
  if (filter.run !== undefined) {
    where.push('d.id IN (SELECT discrepancy_id FROM recon_run_discrepancies WHERE run_id = @run)');
    params.run = filter.run;
  }
  const sources = many(filter.source);
  if (sources.length) {
    const list = inList(params, 'source', sources);
    where.push(`(${jsonField(db, 'd.psp', 'source')} IN (${list}) OR ${jsonField(db, 'd.ledger', 'source')} IN (${list}))`);
  }
  const currencies = many(filter.currency);
  if (currencies.length) where.push(`d.currency IN (${inList(params, 'currency', currencies.map((c) => c.toUpperCase()))})`);
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
      return `WHEN @mc${i} THEN CAST(@mm${i} AS BIGINT)`;
    });
    where.push(arms.length ? `d.difference_minor IS NOT NULL AND abs(d.difference_minor) <= CASE d.currency ${arms.join(' ')} END` : NEVER);
  }
  if (filter.reference) {
    const glob = globMatch(db, 'd.reference', '@reference', filter.reference);
    where.push(glob.sql);
    params.reference = glob.value;
  }
  if (filter.assignee) {
    where.push('d.assignee = @assignee');
    params.assignee = filter.assignee;
  }
  if (filter.from) {
    where.push('d.scope_date >= @fromDate');
    params.fromDate = filter.from;
  }
  if (filter.to) {
    where.push('d.scope_date <= @toDate');
    params.toDate = filter.to;
  }
  return { where: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}
