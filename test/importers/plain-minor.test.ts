/** The importers' amount fast path gives exactly what parseAmountToMinor gives, errors included. */
import { describe, expect, it } from 'vitest';
import { parseAmountToMinor } from '../../src/domain/money.js';
import { amountText, RowError } from '../../src/importers/row.js';

function outcome(f: () => bigint): string {
  try {
    return `ok ${f()}`;
  } catch (e) {
    if (e instanceof RowError) return `RowError(${e.column}): ${e.message}`;
    throw e;
  }
}

const CASES: Array<[string, number]> = [
  ['120.00', 2], ['-20.00', 2], ['0.00', 2], ['-0.00', 2], ['0.05', 2], ['8524.80', 2], ['999999999999999.99', 2],
  ['1000', 0], ['-1000', 0], ['0', 0], ['1.250', 3], ['-0.001', 3], ['007.10', 2],
  // not the plain shape: the full parser decides
  ['12.3', 2], ['12.300', 2], ['12.345', 2], ['12', 2], ['.50', 2], ['-.50', 2], ['+1.00', 2], [' 1.00', 2], ['1.00 ', 2],
  ['1,00', 2], ['1.0.0', 2], ['12.30', 0], ['-', 2], ['', 2], ['1e3', 0], ['--1.00', 2], ['1-.00', 2], ['12.3a', 2],
  ['1234567890123456.00', 2], ['12345678901234567890', 0],
];

describe('amountText fast path', () => {
  it.each(CASES)('%j with exponent %i matches parseAmountToMinor', (text, exponent) => {
    const full = outcome(() => {
      try {
        return parseAmountToMinor(text, exponent);
      } catch (e) {
        throw new RowError('gross', `gross: ${(e as Error).message}`);
      }
    });
    expect(outcome(() => amountText(text, 'gross', exponent))).toBe(full);
    expect(outcome(() => amountText(text, 'gross', exponent, { decimal: '.' }))).toBe(full);
  });

  it('a decimal-comma or grouped file still takes the full parser', () => {
    expect(amountText('116,22', 'net', 2, { decimal: ',' })).toBe(11622n);
    expect(outcome(() => amountText('116.22', 'net', 2, { decimal: ',' }))).toMatch(/expected a decimal-comma amount/);
    expect(amountText('1,234.50', 'amount', 2, { group: ',' })).toBe(123450n);
  });
});
