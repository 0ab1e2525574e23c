/**
 * Small pure facts about rows that every matcher needs: identity keys, sums, calendar-day
 * distance, type compatibility and the severity policy. One place, so stages agree.
 */
import { toleranceToMinor } from '../domain/money.js';
import type { Decimal } from 'decimal.js';
import type { DiscrepancyKind, Severity } from '../domain/discrepancy.js';
import type { MatchRow } from './types.js';

/** `source:externalId`: a row's identity that survives re-imports (store ids do not matter). */
export function rowKey(r: MatchRow): string {
  return `${r.source}:${r.externalId}`;
}

/** Identity of a set of rows, order-independent. */
export function rowsKey(rows: MatchRow[]): string {
  return rows.map(rowKey).sort().join('+');
}

export function sumAmounts(rows: MatchRow[]): bigint {
  let s = 0n;
  for (const r of rows) s += r.amountMinor;
  return s;
}

/** The one currency of `rows`, or null when they mix currencies. */
export function singleCurrency(rows: MatchRow[]): string | null {
  const c = rows[0]?.currency ?? null;
  return rows.every((r) => r.currency === c) ? c : null;
}

const DAY_MS = 86_400_000;

/** Calendar days between two UTC timestamps (by date, ignoring time of day), absolute. */
export function dayDistance(a: string, b: string): number {
  const da = Date.parse(a.slice(0, 10) + 'T00:00:00Z');
  const db = Date.parse(b.slice(0, 10) + 'T00:00:00Z');
  return Math.abs(Math.round((da - db) / DAY_MS));
}

/**
 * Rows of these types may pair. The ledger's vocabulary is the PSP's (charge, refund,
 * chargeback, chargeback_reversal, fee, payout, adjustment), so compatible means equal: a
 * refund never pays off a charge even when an Adyen refund row shares the payment's reference.
 */
export function typesCompatible(a: string, b: string): boolean {
  return a === b;
}

/** Payouts are compared by magnitude: providers and ledgers disagree on the sign of money leaving. */
export function comparableAmount(rows: MatchRow[]): bigint {
  const s = sumAmounts(rows);
  return rows.every((r) => r.type === 'payout') && s < 0n ? -s : s;
}

export function toleranceFor(tolerance: Decimal, currency: string): bigint {
  return toleranceToMinor(tolerance, currency);
}

export function abs(v: bigint): bigint {
  return v < 0n ? -v : v;
}

/**
 * Severity policy (docs/reconcile.md): anything that may mean money is missing or misbooked
 * is high; an amount difference of at most 1% of the PSP amount is medium; fee differences and
 * rows that could not be read are medium; a booking outside the date window is low.
 */
export function severityOf(kind: DiscrepancyKind, differenceMinor: bigint | null = null, pspAmountMinor: bigint | null = null): Severity {
  switch (kind) {
    case 'missing_in_ledger':
    case 'missing_in_psp':
    case 'currency_mismatch':
    case 'duplicate':
    case 'payout_mismatch':
    case 'payout_not_deposited':
    case 'unexplained_deposit':
      return 'high';
    case 'deposit_mismatch':
      return 'medium';
    case 'amount_mismatch':
      if (differenceMinor === null || pspAmountMinor === null || pspAmountMinor === 0n) return 'high';
      return abs(differenceMinor) * 100n > abs(pspAmountMinor) ? 'high' : 'medium';
    case 'fee_mismatch':
    case 'rejected_row':
      return 'medium';
    case 'date_out_of_window':
      return 'low';
  }
}

/** The row's reference for display: the merchant reference, else the PSP reference. */
export function referenceOf(rows: MatchRow[]): string | null {
  for (const r of rows) if (r.reference) return r.reference;
  for (const r of rows) if (r.pspReference) return r.pspReference;
  return null;
}

/** `L-1 (ledger.csv:5)` style labels for reasons. */
export function describeRows(rows: MatchRow[]): string {
  return rows.map((r) => `${r.externalId} (${r.file}:${r.line})`).join(', ');
}

export function earliestDate(rows: MatchRow[]): string | null {
  let d: string | null = null;
  for (const r of rows) if (d === null || r.bookedAt < d) d = r.bookedAt;
  return d ? d.slice(0, 10) : null;
}
