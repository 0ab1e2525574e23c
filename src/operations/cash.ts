/**
 * Cash: what the latest reconcile run found of the PSP payouts at the bank, and what the bank
 * accounts received. Shown by reports (the HTML cash section) and after `reconcile`.
 */
import { cashSummary, type CashSummary } from '../db/bank-deposits.js';
import { formatMinor } from '../domain/money.js';
import type { CashSection } from '../report/types.js';
import type { OperationContext } from './context.js';

/** The cash figures, or null when no bank statement was imported (the bank leg is optional). */
export function cashOverview(ctx: OperationContext): CashSection | null {
  const c = cashSummary(ctx.db());
  return c.accounts.length ? cashSectionOf(c) : null;
}

/** The store's cash figures as a report shows them (decimal strings; in transit = the rest). */
export function cashSectionOf(c: CashSummary): CashSection {
  const f = (m: bigint, cur: string) => formatMinor(m, cur);
  return {
    accounts: c.accounts.map((a) => ({
      account: a.account,
      currency: a.currency,
      statements: a.statements,
      credits: a.credits,
      credits_amount: f(a.credits_minor, a.currency),
      paired: a.paired,
      paired_amount: f(a.paired_minor, a.currency),
      unexplained_amount: f(a.credits_minor - a.paired_minor, a.currency),
    })),
    payouts: c.payouts.map((p) => ({
      currency: p.currency,
      payouts: p.payouts,
      payouts_amount: f(p.payouts_minor, p.currency),
      found: p.found,
      found_amount: f(p.found_minor, p.currency),
      not_deposited: p.not_deposited,
      not_deposited_amount: f(p.not_deposited_minor, p.currency),
      in_transit: Math.max(0, p.payouts - p.found - p.not_deposited),
      in_transit_amount: f(p.payouts_minor - p.found_minor - p.not_deposited_minor, p.currency),
    })),
  };
}
