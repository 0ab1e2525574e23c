/**
 * Pure aggregations that several formats share: counts by kind, provider and severity, money
 * at risk per currency (exact, in minor units) and the age of unresolved items.
 */
import type { DiscrepancyKind, Severity } from '../domain/discrepancy.js';
import { DISCREPANCY_KINDS } from '../domain/discrepancy.js';
import { formatMinor, parseMoney } from '../domain/money.js';
import type { ReportRow } from './types.js';

export const SEVERITIES: readonly Severity[] = ['high', 'medium', 'low'];

/** Age buckets of unresolved items, in days since first seen (upper bound inclusive). */
export const AGE_BUCKETS: ReadonlyArray<{ label: string; max: number }> = [
  { label: '0-1 d', max: 1 },
  { label: '2-7 d', max: 7 },
  { label: '8-30 d', max: 30 },
  { label: '31-90 d', max: 90 },
  { label: '> 90 d', max: Infinity },
];

export function isUnresolved(row: ReportRow): boolean {
  // Called several times per row of 100,000: a comparison, not a Set lookup.
  return row.status === 'open' || row.status === 'acknowledged';
}

/** The provider (source) a discrepancy belongs to: the PSP side's, else the ledger side's. */
export function sourceOf(row: ReportRow): string {
  return row.psp?.source ?? row.ledger?.source ?? 'unknown';
}

/** The currency a discrepancy is counted in. */
export function currencyOf(row: ReportRow): string | null {
  return row.currency ?? row.psp?.currency ?? row.ledger?.currency ?? null;
}

/**
 * Money at risk: the absolute difference when both sides exist in one currency, else the
 * absolute amount of the side that exists (PSP first). Null when there is no amount (e.g. a
 * rejected row) or it cannot be read exactly in its currency.
 */
export function amountAtRisk(row: ReportRow): { currency: string; minor: bigint } | null {
  const side = row.psp ?? row.ledger;
  const text = row.difference ?? side?.amount ?? null;
  const currency = row.difference !== null ? currencyOf(row) : (side?.currency ?? currencyOf(row));
  if (text === null || currency === null) return null;
  try {
    const minor = parseMoney(text, currency);
    return { currency, minor: minor < 0n ? -minor : minor };
  } catch {
    return null;
  }
}

export interface SplitCount {
  unresolved: number;
  settled: number;
}

/** Per key: how many are still unresolved and how many were resolved or closed, one row at a time. */
export function addSplit(m: Map<string, SplitCount>, k: string, r: ReportRow): void {
  const e = m.get(k) ?? { unresolved: 0, settled: 0 };
  if (isUnresolved(r)) e.unresolved++;
  else e.settled++;
  m.set(k, e);
}

export interface CurrencyRisk {
  currency: string;
  total: bigint;
  count: number;
  byKind: Map<DiscrepancyKind, bigint>;
}

/** Money at risk of unresolved rows per currency, largest count first. */
export function riskByCurrency(rows: ReportRow[]): CurrencyRisk[] {
  const m = new Map<string, CurrencyRisk>();
  for (const r of rows) addRisk(m, r);
  return sortRisk(m);
}

/** riskByCurrency, one row at a time (then sortRisk). */
export function addRisk(m: Map<string, CurrencyRisk>, r: ReportRow): void {
  if (!isUnresolved(r)) return;
  const risk = amountAtRisk(r);
  if (!risk) return;
  const e = m.get(risk.currency) ?? { currency: risk.currency, total: 0n, count: 0, byKind: new Map() };
  e.total += risk.minor;
  e.count++;
  e.byKind.set(r.kind, (e.byKind.get(r.kind) ?? 0n) + risk.minor);
  m.set(risk.currency, e);
}

export function sortRisk(m: Map<string, CurrencyRisk>): CurrencyRisk[] {
  return [...m.values()].sort((a, b) => b.count - a.count || a.currency.localeCompare(b.currency));
}

/** Unresolved rows per age bucket. */
export function ageBuckets(rows: ReportRow[]): Array<{ label: string; count: number }> {
  const counts = AGE_BUCKETS.map((b) => ({ label: b.label, count: 0 }));
  for (const r of rows) addAge(counts, r);
  return counts;
}

/** ageBuckets, one row at a time, into counts shaped like AGE_BUCKETS. */
export function addAge(counts: Array<{ label: string; count: number }>, r: ReportRow): void {
  if (!isUnresolved(r)) return;
  const i = AGE_BUCKETS.findIndex((b) => r.age_days <= b.max);
  counts[i].count++;
}

/** Unresolved rows per kind and severity, for the headline table (kinds with none left out). */
export function openByKindSeverity(rows: ReportRow[]): Array<{ kind: DiscrepancyKind; bySeverity: Record<Severity, number>; total: number }> {
  const m = new Map<DiscrepancyKind, Record<Severity, number>>();
  for (const r of rows) addOpenBySeverity(m, r);
  return listOpenBySeverity(m);
}

/** openByKindSeverity, one row at a time (then listOpenBySeverity). */
export function addOpenBySeverity(m: Map<DiscrepancyKind, Record<Severity, number>>, r: ReportRow): void {
  if (!isUnresolved(r)) return;
  const e = m.get(r.kind) ?? { high: 0, medium: 0, low: 0 };
  e[r.severity]++;
  m.set(r.kind, e);
}

export function listOpenBySeverity(
  m: Map<DiscrepancyKind, Record<Severity, number>>,
): Array<{ kind: DiscrepancyKind; bySeverity: Record<Severity, number>; total: number }> {
  return DISCREPANCY_KINDS.filter((k) => m.has(k)).map((kind) => {
    const bySeverity = m.get(kind)!;
    return { kind, bySeverity, total: bySeverity.high + bySeverity.medium + bySeverity.low };
  });
}
