/**
 * Split bookings among rows the earlier stages left: one PSP row booked as several ledger
 * lines, or several PSP rows (partial captures) booked as one line, recognised by a shared
 * merchant reference, currency and type when the parts sum exactly. Exactly: a split that
 * is off by a cent is not evidence enough to claim rows that might belong elsewhere.
 */
import type { MatchRow, Pairing } from './types.js';
import { singleCurrency, sumAmounts } from './facts.js';

/** `psp` and `ledger` share one reference, currency and type. */
export function matchSplit(psp: MatchRow[], ledger: MatchRow[]): Pairing | null {
  if (psp.length === 0 || ledger.length === 0) return null;
  if (psp.length === 1 && ledger.length === 1) return null; // a plain pair is not a split
  if (psp.length > 1 && ledger.length > 1) return null; // many-to-many: which part is whose?
  if (singleCurrency(psp) === null || singleCurrency(psp) !== singleCurrency(ledger)) return null;
  if (sumAmounts(psp) !== sumAmounts(ledger)) return null;
  return { rule: 'split', psp, ledger };
}
