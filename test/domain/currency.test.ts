/** ISO 4217 minor units from the ISO table (not Intl), and code normalisation. */
import { describe, expect, it } from 'vitest';
import { CurrencyError, isCurrency, minorUnits, normalizeCurrency } from '../../src/domain/currency.js';

describe('minorUnits follows ISO 4217', () => {
  const table: Record<number, string> = {
    0: 'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF',
    2: 'EUR USD GBP CHF SEK CAD AUD CNY INR BRL MXN ZAR',
    3: 'BHD IQD JOD KWD LYD OMR TND',
    4: 'CLF UYW',
  };
  for (const [digits, codes] of Object.entries(table)) {
    for (const code of codes.split(' ')) it(`${code} has ${digits}`, () => expect(minorUnits(code)).toBe(Number(digits)));
  }

  // Node 20's Intl.NumberFormat disagrees with ISO for these; the ISO table wins.
  const intlDisagrees: Array<[string, number]> = [
    ['IQD', 3],
    ['HUF', 2],
    ['IDR', 2],
    ['COP', 2],
    ['PKR', 2],
  ];
  for (const [code, digits] of intlDisagrees) it(`${code} has ${digits} (ISO, not Intl)`, () => expect(minorUnits(code)).toBe(digits));

  it('metals, fund units and test codes are not money', () => {
    for (const code of ['XAU', 'XAG', 'XDR', 'XTS', 'XXX']) expect(() => minorUnits(code)).toThrow(CurrencyError);
  });

  it('unknown codes are refused, naming the code', () => {
    expect(() => minorUnits('ABC')).toThrow(new CurrencyError('"ABC" is not an ISO 4217 currency code'));
  });
});

describe('normalizeCurrency', () => {
  const ok: Array<[string, string]> = [
    ['usd', 'USD'],
    [' EUR ', 'EUR'],
    ['Jpy', 'JPY'],
    ['kwd', 'KWD'],
  ];
  for (const [text, code] of ok) it(`${JSON.stringify(text)} -> ${code}`, () => expect(normalizeCurrency(text)).toBe(code));

  const bad: Array<[string, string]> = [
    ['EURO', 'expected a three-letter ISO 4217 currency code, found "EURO"'],
    ['€', 'expected a three-letter ISO 4217 currency code, found "€"'],
    ['', 'expected a three-letter ISO 4217 currency code, found ""'],
    ['xyz', '"XYZ" is not an ISO 4217 currency code'],
  ];
  for (const [text, message] of bad) it(`rejects ${JSON.stringify(text)}`, () => expect(() => normalizeCurrency(text)).toThrow(new CurrencyError(message)));

  it('isCurrency', () => {
    expect(isCurrency('EUR')).toBe(true);
    expect(isCurrency('XAU')).toBe(false);
  });
});
