/** Money: exact parsing to minor units, PayPal-style rescaling and printing, table-driven. */
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import {
  AmountError,
  formatMinor,
  formatMinorWithExponent,
  parseAmountToMinor,
  parseMoney,
  rescaleMinor,
  toleranceToMinor,
  type ParseAmountOptions,
} from '../../src/domain/money.js';

describe('parseAmountToMinor', () => {
  const ok: Array<[string, number, ParseAmountOptions, bigint]> = [
    ['12.30', 2, {}, 1230n],
    ['12.3', 2, {}, 1230n],
    ['12', 2, {}, 1200n],
    ['12.300', 2, {}, 1230n], // trailing zeros are not extra decimals
    [' 12.30 ', 2, {}, 1230n],
    ['-0.05', 2, {}, -5n],
    ['+7', 2, {}, 700n],
    ['.5', 2, {}, 50n],
    ['-.5', 2, {}, -50n],
    ['5.', 2, {}, 500n],
    ['0', 2, {}, 0n],
    ['-0.00', 2, {}, 0n],
    ['1000', 0, {}, 1000n], // JPY
    ['1000.00', 0, {}, 1000n],
    ['-1000', 0, {}, -1000n],
    ['1.250', 3, {}, 1250n], // KWD
    ['0.001', 3, {}, 1n],
    ['1.2345', 4, {}, 12345n], // CLF
    ['123456789012345678.99', 2, {}, 12345678901234567899n], // beyond 2^53: still exact
    ['12,30', 2, { decimal: ',' }, 1230n],
    ['-0,5', 2, { decimal: ',' }, -50n],
    ['1,234.56', 2, { group: ',' }, 123456n],
    ['1,234,567.8', 2, { group: ',' }, 123456780n],
    ['1.234,56', 2, { decimal: ',', group: '.' }, 123456n],
    ['-1.234.567,00', 2, { decimal: ',', group: '.' }, -123456700n],
    ["1'234.50", 2, { group: "'" }, 123450n],
    ['999', 2, { group: ',' }, 99900n], // a separator is allowed, not required
  ];
  for (const [text, exp, opts, minor] of ok) {
    it(`${JSON.stringify(text)} (exponent ${exp}${opts.decimal ? `, decimal ${opts.decimal}` : ''}${opts.group ? `, group ${opts.group}` : ''}) -> ${minor}`, () => {
      expect(parseAmountToMinor(text, exp, opts)).toBe(minor);
    });
  }

  const bad: Array<[string, number, ParseAmountOptions, string]> = [
    ['N/A', 2, {}, 'expected a decimal amount like 12.30, found "N/A"'],
    ['1,234.5.6', 2, {}, 'expected a decimal amount like 12.30, found "1,234.5.6"'],
    ['1e3', 2, {}, 'expected a decimal amount like 12.30, found "1e3"'],
    ['12,30', 2, {}, 'expected a decimal amount like 12.30, found "12,30"'],
    ['$12.30', 2, {}, 'expected a decimal amount like 12.30, found "$12.30"'],
    ['--1', 2, {}, 'expected a decimal amount like 12.30, found "--1"'],
    ['', 2, {}, 'expected an amount, found an empty value'],
    ['   ', 2, {}, 'expected an amount, found an empty value'],
    ['12.345', 2, {}, 'amount "12.345" has 3 decimals; the currency allows 2'],
    ['1000.5', 0, {}, 'amount "1000.5" has 1 decimal; the currency allows 0'],
    ['1.2345', 3, {}, 'amount "1.2345" has 4 decimals; the currency allows 3'],
    ['12.30', 2, { decimal: ',' }, 'expected a decimal-comma amount, found "12.30"'],
    ['5.00', 2, { decimal: ',', group: '.' }, 'expected "." only between groups of three digits (like 1.234,50), found "5.00"'],
    ['1,23', 2, { group: ',' }, 'expected "," only between groups of three digits (like 1,234.50), found "1,23"'],
    ['1234,567.00', 2, { group: ',' }, 'expected "," only between groups of three digits (like 1,234.50), found "1234,567.00"'],
    ['1.234,5.6', 2, { decimal: ',', group: '.' }, 'expected "." only between groups of three digits (like 1.234,50), found "1.234,5.6"'],
  ];
  for (const [text, exp, opts, message] of bad) {
    it(`rejects ${JSON.stringify(text)}${opts.group ? ` (group ${opts.group})` : ''}: ${message}`, () => {
      expect(() => parseAmountToMinor(text, exp, opts)).toThrow(new AmountError(message));
    });
  }

  it('round-trips formatMinorWithExponent for a spread of values and exponents', () => {
    for (const exp of [0, 2, 3, 4]) {
      for (const v of [0n, 1n, -1n, 9n, 10n, 99n, 100n, 101n, -12345n, 987654321987654321n]) {
        expect(parseAmountToMinor(formatMinorWithExponent(v, exp), exp)).toBe(v);
      }
    }
  });
});

describe('parseMoney uses the currency exponent', () => {
  const cases: Array<[string, string, bigint]> = [
    ['12.30', 'EUR', 1230n],
    ['1000', 'JPY', 1000n],
    ['1.250', 'KWD', 1250n],
    ['1.2345', 'CLF', 12345n],
  ];
  for (const [text, cur, minor] of cases) it(`${text} ${cur}`, () => expect(parseMoney(text, cur)).toBe(minor));
  it('JPY with decimals is rejected', () => expect(() => parseMoney('10.5', 'JPY')).toThrow('allows 0'));
});

describe('rescaleMinor (PayPal writes every amount x100)', () => {
  const ok: Array<[bigint, string, bigint]> = [
    [5200n, 'USD', 5200n],
    [500000n, 'JPY', 5000n],
    [-150000n, 'JPY', -1500n],
    [0n, 'JPY', 0n],
    [1250n, 'KWD', 12500n],
    [1n, 'CLF', 100n],
  ];
  for (const [v, cur, out] of ok) it(`${v} -> ${out} ${cur}`, () => expect(rescaleMinor(v, 2, cur)).toBe(out));
  it('a JPY value that is not a whole number of yen is refused, saying so', () => {
    expect(() => rescaleMinor(123456n, 2, 'JPY')).toThrow(new AmountError('amount 1234.56 JPY has more decimals than JPY allows (0)'));
    expect(() => rescaleMinor(-150n, 2, 'JPY')).toThrow(AmountError);
  });
});

describe('formatMinor', () => {
  const cases: Array<[bigint, string, string]> = [
    [1230n, 'EUR', '12.30'],
    [5n, 'EUR', '0.05'],
    [-5n, 'USD', '-0.05'],
    [-1230n, 'USD', '-12.30'],
    [0n, 'USD', '0.00'],
    [1000n, 'JPY', '1000'],
    [-1000n, 'JPY', '-1000'],
    [0n, 'JPY', '0'],
    [1250n, 'KWD', '1.250'],
    [-1n, 'KWD', '-0.001'],
    [12345n, 'CLF', '1.2345'],
    [12345678901234567899n, 'EUR', '123456789012345678.99'],
  ];
  for (const [minor, cur, text] of cases) it(`${minor} ${cur} -> ${text}`, () => expect(formatMinor(minor, cur)).toBe(text));
});

describe('toleranceToMinor rounds down to whole minor units', () => {
  const cases: Array<[string, string, bigint]> = [
    ['0.05', 'EUR', 5n],
    ['0.059', 'EUR', 5n],
    ['0.005', 'EUR', 0n],
    ['1', 'JPY', 1n],
    ['0.5', 'JPY', 0n],
    ['0.0015', 'KWD', 1n],
  ];
  for (const [tol, cur, minor] of cases) it(`${tol} ${cur}`, () => expect(toleranceToMinor(new Decimal(tol), cur)).toBe(minor));
});
