/**
 * What every parsed item goes through before it is stored, whichever importer made it: a
 * reject reason is one escaped line of bounded length, and no amount, fee or net is past
 * MAX_ROW_MINOR (a rejected row, bit 8, instead of a value the store cannot hold). Pure, so it
 * runs wherever the parsing does (src/importers/parse-worker.ts or the import operation).
 */
import { amountOutOfBounds, formatMinorWithExponent, MAX_ROW_MINOR } from '../domain/money.js';
import { printable } from '../output.js';
import { MAX_FIELD_CHARS, MAX_RECORD_CHARS } from './csv.js';
import type { ParseItem } from './types.js';

/** The longest reject reason kept: reasons may quote a cell, and a cell may be a megabyte. */
const MAX_REASON_CHARS = 500;

export function checked(item: ParseItem): ParseItem {
  if ('reject' in item) {
    const reason = printable(item.reject.reason);
    if (reason === item.reject.reason && reason.length <= MAX_REASON_CHARS) return item;
    return { reject: { ...item.reject, reason: reason.length > MAX_REASON_CHARS ? reason.slice(0, MAX_REASON_CHARS) + '...' : reason } };
  }
  const tx = item.tx;
  const over = amountOutOfBounds({ amount: tx.amountMinor, fee: tx.feeMinor, net: tx.netMinor });
  if (!over) return item;
  return {
    reject: {
      line: tx.line,
      column: over,
      reason: `${over}: larger than any amount payrecon accepts (at most ${formatMinorWithExponent(MAX_ROW_MINOR, 0)} minor units per row; a dropped decimal point?)`,
      raw: tx.raw,
    },
  };
}

/** The rejected row standing for a record the CSV reader would not hold (src/importers/csv.ts). */
export function oversizedReject(line: number): ParseItem {
  return {
    reject: {
      line,
      reason: `a field is longer than ${MAX_FIELD_CHARS} characters (or the record longer than ${MAX_RECORD_CHARS}); the row was not read`,
      raw: [],
    },
  };
}
