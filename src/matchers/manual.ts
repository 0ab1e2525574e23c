/**
 * Rows a person paired (payrecon match, or an accepted proposal). The person vouched for the
 * pairing, so dates and fees are not second-guessed; what remains is money: if the sides do
 * not sum to the same amount, the difference is one amount_mismatch the user can write off.
 * The operation that records a match and the engine's manual stage both call this, so the
 * item created at match time is the one every later run finds again (same fingerprint).
 */
import { formatMinor } from '../domain/money.js';
import { comparableAmount, describeRows, earliestDate, referenceOf, rowsKey, severityOf } from './facts.js';
import type { Finding, MatchRow } from './types.js';

export function manualMatchFinding(matchId: number, psp: MatchRow[], ledger: MatchRow[]): Finding | null {
  const currency = psp[0].currency;
  const pspSum = comparableAmount(psp);
  const ledgerSum = comparableAmount(ledger);
  const diff = pspSum - ledgerSum;
  if (diff === 0n) return null;
  const f = (v: bigint) => `${formatMinor(v, currency)} ${currency}`;
  return {
    kind: 'amount_mismatch',
    severity: severityOf('amount_mismatch', diff, pspSum),
    reason: `manual match ${matchId}: PSP ${f(pspSum)} and ledger ${f(ledgerSum)} differ by ${f(diff)} (PSP ${describeRows(psp)}, ledger ${describeRows(ledger)})`,
    currency,
    reference: referenceOf(psp) ?? referenceOf(ledger),
    psp,
    ledger,
    differenceMinor: diff,
    fingerprint: `amount_mismatch|psp:${rowsKey(psp)}|ledger:${rowsKey(ledger)}|manual:${matchId}:${pspSum}:${ledgerSum}`,
    scopeDate: earliestDate([...psp, ...ledger]),
  };
}
