/**
 * Classify rows that a stage paired: clean (null), or the one discrepancy that names the most
 * important difference. Priority: currency, amount, fee, date; the reason lists every
 * difference found so nothing is hidden behind the headline kind.
 */
import { formatMinor } from '../domain/money.js';
import type { DiscrepancyKind } from '../domain/discrepancy.js';
import {
  abs,
  comparableAmount,
  dayDistance,
  describeRows,
  earliestDate,
  referenceOf,
  rowsKey,
  severityOf,
  singleCurrency,
  toleranceFor,
} from './facts.js';
import type { Finding, MatchOptions, MatchRow, MatchRule } from './types.js';

interface Difference {
  kind: DiscrepancyKind;
  text: string;
  /** What differs, as it goes into the fingerprint. */
  detail: string;
  differenceMinor: bigint | null;
}

/**
 * How each rule reads in a reason ("paired by ..."). Spelled out per rule, not derived from the
 * rule name: payout_id is the PSP payout (batch) id, not "payout + id". A Record, so a new rule
 * without a label does not compile.
 */
export const RULE_LABELS: Record<MatchRule, string> = {
  manual: 'manual match',
  id: 'PSP reference',
  reference: 'merchant reference',
  split: 'split',
  amount_date: 'amount + date',
  payout_id: 'payout id',
};

export function classifyPair(psp: MatchRow[], ledger: MatchRow[], opts: MatchOptions, rule: MatchRule): Finding | null {
  const diffs = differences(psp, ledger, opts);
  if (diffs.length === 0) return null;
  const head = diffs[0];
  const currency = singleCurrency(psp) ?? psp[0].currency;
  const pspAmount = comparableAmount(psp);
  const how = `paired by ${RULE_LABELS[rule]}`;
  return {
    kind: head.kind,
    severity: severityOf(head.kind, head.differenceMinor, pspAmount),
    reason: `${diffs.map((d) => d.text).join('; ')} (${how}: PSP ${describeRows(psp)}, ledger ${describeRows(ledger)})`,
    currency,
    reference: referenceOf(psp) ?? referenceOf(ledger),
    psp,
    ledger,
    differenceMinor: head.differenceMinor,
    fingerprint: `${head.kind}|psp:${rowsKey(psp)}|ledger:${rowsKey(ledger)}|${head.detail}`,
    scopeDate: earliestDate(psp),
  };
}

/** Every difference between the two sides, most important first. */
export function differences(psp: MatchRow[], ledger: MatchRow[], opts: MatchOptions): Difference[] {
  const out: Difference[] = [];
  const pc = singleCurrency(psp);
  const lc = singleCurrency(ledger);
  if (pc === null || lc === null || pc !== lc) {
    const a = pc ?? psp.map((r) => r.currency).join('/');
    const b = lc ?? ledger.map((r) => r.currency).join('/');
    out.push({ kind: 'currency_mismatch', text: `currency differs: PSP ${a}, ledger ${b}`, detail: `${a}/${b}`, differenceMinor: null });
  } else {
    const p = comparableAmount(psp);
    const l = comparableAmount(ledger);
    const diff = p - l;
    if (abs(diff) > toleranceFor(opts.tolerance, pc)) {
      out.push({
        kind: 'amount_mismatch',
        text: `amount differs by ${formatMinor(diff, pc)} ${pc}: PSP ${formatMinor(p, pc)}, ledger ${formatMinor(l, pc)}`,
        detail: `${p}/${l}`,
        differenceMinor: diff,
      });
    }
  }
  const fee = feeDifference(psp, ledger);
  if (fee) out.push(fee);
  let worst = 0;
  for (const p of psp) for (const l of ledger) worst = Math.max(worst, dayDistance(p.bookedAt, l.bookedAt));
  if (worst > opts.dateWindowDays) {
    const pd = earliestDate(psp);
    const ld = earliestDate(ledger);
    out.push({
      kind: 'date_out_of_window',
      text: `booked ${worst} days apart (PSP ${pd}, ledger ${ld}; window ${opts.dateWindowDays} days)`,
      detail: `${pd}/${ld}`,
      differenceMinor: pc !== null && pc === lc ? comparableAmount(psp) - comparableAmount(ledger) : null,
    });
  }
  return out;
}

/**
 * Fees compare only one PSP row against one ledger row that both state a fee in the same
 * currency (the PSP fee is in the settlement currency). Fees are never within tolerance:
 * the tolerance is for amounts rounded by FX, fees are exact on both sides.
 */
function feeDifference(psp: MatchRow[], ledger: MatchRow[]): Difference | null {
  if (psp.length !== 1 || ledger.length !== 1) return null;
  const p = psp[0];
  const l = ledger[0];
  if (p.feeMinor === null || l.feeMinor === null) return null;
  const feeCurrency = p.settlementCurrency ?? p.currency;
  if (feeCurrency !== l.currency || p.feeMinor === l.feeMinor) return null;
  const diff = p.feeMinor - l.feeMinor;
  return {
    kind: 'fee_mismatch',
    text: `fee differs by ${formatMinor(diff, feeCurrency)} ${feeCurrency}: PSP ${formatMinor(p.feeMinor, feeCurrency)}, ledger ${formatMinor(l.feeMinor, feeCurrency)}`,
    detail: `${p.feeMinor}/${l.feeMinor}`,
    differenceMinor: diff,
  };
}
