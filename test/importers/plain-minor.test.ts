/** The importers' amount fast path gives exactly what parseAmountToMinor gives, errors included. */
import { describe, expect, it } from 'vitest';
import { parseAmountToMinor, type ParseAmountOptions } from '../../src/domain/money.js';
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

  it('a decimal-comma or grouped file reads its common shapes the same way', () => {
    expect(amountText('116,22', 'net', 2, { decimal: ',' })).toBe(11622n);
    expect(outcome(() => amountText('116.22', 'net', 2, { decimal: ',' }))).toMatch(/expected a decimal-comma amount/);
    expect(amountText('1,234.50', 'amount', 2, { group: ',' })).toBe(123450n);
    expect(amountText('155.389,08', 'Haben', 2, { decimal: ',', group: '.' })).toBe(15538908n);
  });

  const SEPARATED: Array<[string, number]> = [
    ['155.389,08', 2], ['-155.389,08', 2], ['4.661,67', 2], ['1.234.567,89', 2], ['999.999.999.999.999,99', 2], ['0,05', 2], ['-0,00', 2],
    ['1234,56', 2], ['12,30', 2], ['1.234', 0], ['1.234.567', 0], ['-1.234', 0], ['0.123,00', 2], ['1.000,250', 3],
    // not the common shape: the full parser decides, errors included
    ['12.34,56', 2], ['1234.567,00', 2], ['.123,00', 2], ['1..234,00', 2], ['1.23,00', 2], ['1.2345,00', 2], ['1.234,5', 2],
    ['1.234,567', 2], ['1.234,500', 2], ['+1.234,00', 2], [' 1.234,00', 2], ['1.234,00 ', 2], ['1,234.00', 2], ['1.234.', 0],
    ['1.234,0a', 2], ['-', 2], ['', 2], ['1.234.567.890.123.456,00', 2], ['12', 2], ['1.234,00', 0], ['1 234,00', 2],
  ];
  const SEPARATORS: ParseAmountOptions[] = [
    { decimal: ',', group: '.' },
    { decimal: ',' },
    { decimal: '.', group: ',' },
    { decimal: ',', group: ' ' },
    { decimal: '.', group: "'" },
    { decimal: ',', group: ',' },
    { decimal: ',', group: '..' },
  ];

  it.each(SEPARATED)('%j with exponent %i matches parseAmountToMinor under every file convention', (text, exponent) => {
    for (const opts of SEPARATORS) {
      // The same text in this convention: '.' and ',' swapped where the file's decimal is '.'.
      const t = opts.decimal === '.' ? text.replace(/[.,]/g, (c) => (c === '.' ? ',' : '.')) : text;
      const full = outcome(() => {
        try {
          return parseAmountToMinor(t, exponent, opts);
        } catch (e) {
          throw new RowError('amount', `amount: ${(e as Error).message}`);
        }
      });
      expect(outcome(() => amountText(t, 'amount', exponent, opts)), `${t} ${JSON.stringify(opts)}`).toBe(full);
    }
  });

  it('agrees with parseAmountToMinor on 20,000 random grouped and ungrouped amounts', () => {
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const chars = '0123456789.,-';
    for (let i = 0; i < 20_000; i++) {
      let t = '';
      const len = 1 + rnd(14);
      for (let k = 0; k < len; k++) t += rnd(4) === 0 ? chars[rnd(chars.length)] : chars[rnd(10)];
      const exponent = rnd(4);
      const opts = SEPARATORS[rnd(3)];
      const full = outcome(() => {
        try {
          return parseAmountToMinor(t, exponent, opts);
        } catch (e) {
          throw new RowError('amount', `amount: ${(e as Error).message}`);
        }
      });
      expect(outcome(() => amountText(t, 'amount', exponent, opts)), `${t} ${exponent} ${JSON.stringify(opts)}`).toBe(full);
    }
  });
});
