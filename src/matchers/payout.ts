/**
 * Does a PSP payout add up? All rows of one payout (Stripe `automatic_payout_id`, Adyen batch)
 * other than the payout row itself net to the amount paid out.
 *
 * Sign convention, defined once: providers disagree on the payout row's sign (Stripe books it
 * as a negative gross leaving the balance, Adyen as a net debit), and a ledger may book it
 * either way, so payouts are compared by magnitude: |sum of the rows' net| = |payout net|.
 * Net is the row's stated net, else gross minus fee, in the settlement currency.
 */
import { formatMinor } from '../domain/money.js';
import { abs, severityOf } from './facts.js';
import type { Finding, MatchRow } from './types.js';

export interface PayoutSummary {
  source: string;
  payoutId: string;
  /** Settlement currency of the payout. */
  currency: string;
  /** The payout row(s) of the batch (a payout and its reversal, if any). */
  payoutRows: MatchRow[];
  /** Sum of the net of every other row of the payout, minor units of `currency`. */
  rowsNetMinor: bigint;
  rowCount: number;
}

/** Net of a row in its settlement currency. */
export function rowNet(r: MatchRow): bigint {
  return r.netMinor ?? r.amountMinor - (r.feeMinor ?? 0n);
}

export function verifyPayout(s: PayoutSummary): Finding | null {
  let payoutNet = 0n;
  for (const r of s.payoutRows) payoutNet += rowNet(r);
  const paid = abs(payoutNet);
  const rows = abs(s.rowsNetMinor);
  if (paid === rows) return null;
  const diff = paid - rows;
  const c = s.currency;
  return {
    kind: 'payout_mismatch',
    severity: severityOf('payout_mismatch'),
    reason: `payout ${s.payoutId} paid ${formatMinor(paid, c)} ${c} but its ${s.rowCount} rows net to ${formatMinor(rows, c)} ${c} (difference ${formatMinor(diff, c)})`,
    currency: c,
    reference: s.payoutId,
    psp: s.payoutRows,
    ledger: [],
    differenceMinor: diff,
    fingerprint: `payout_mismatch|psp:${s.source}:${s.payoutId}|${paid}/${rows}`,
    scopeDate: s.payoutRows[0].bookedAt.slice(0, 10),
  };
}
