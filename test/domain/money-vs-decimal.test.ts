/**
 * parseAmountToMinor does exact digit arithmetic for speed (several amounts per row of
 * million-row files). This proves it agrees with decimal.js, the reference, on every input
 * class: signs, leading/trailing zeros, no integer part, too many decimals, each exponent.
 */
import { Decimal as DefaultDecimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { AmountError, parseAmountToMinor } from '../../src/domain/money.js';

// decimal.js rounds to 20 significant digits by default: 17 integer digits and 4 decimals
// already exceed that. The reference needs headroom to be a reference at all.
const Decimal = DefaultDecimal.clone({ precision: 100 });

function reference(text: string, exponent: number): bigint | 'error' {
  const t = text.trim();
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(t)) return 'error';
  const d = new Decimal(t);
  if (d.decimalPlaces() > exponent) return 'error';
  return BigInt(d.times(new Decimal(10).pow(exponent)).toFixed(0));
}

// A small deterministic PRNG so a failure is reproducible.
function rng(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

function randomAmount(r: () => number): string {
  const sign = ['', '', '-', '+'][Math.floor(r() * 4)];
  const digits = (n: number) => Array.from({ length: n }, () => String(Math.floor(r() * 10))).join('');
  const whole = r() < 0.1 ? '' : digits(1 + Math.floor(r() * 18));
  const hasDot = r() < 0.8;
  const frac = hasDot ? digits(Math.floor(r() * 6)) + (r() < 0.2 ? '000' : '') : '';
  const s = sign + whole + (hasDot ? '.' + frac : '');
  return s === sign || s === sign + '.' ? sign + '0' : s;
}

describe('parseAmountToMinor agrees with decimal.js', () => {
  it('on 20,000 random amounts across exponents 0-4', () => {
    const r = rng(42);
    for (let i = 0; i < 20_000; i++) {
      const text = randomAmount(r);
      const exponent = Math.floor(r() * 5);
      const want = reference(text, exponent);
      let got: bigint | 'error';
      try {
        got = parseAmountToMinor(text, exponent);
      } catch (e) {
        expect(e).toBeInstanceOf(AmountError);
        got = 'error';
      }
      expect({ text, exponent, got }).toEqual({ text, exponent, got: want });
    }
  });

  it.each([
    ['0.10', 2, 10n],
    ['-0.5', 2, -50n],
    ['.5', 2, 50n],
    ['12.300', 2, 1230n],
    ['1000', 0, 1000n],
    ['1.250', 3, 1250n],
    ['99999999999999999.99', 2, 9999999999999999999n],
  ])('%s with exponent %i is %s minor units, as decimal.js says', (text, exp, minor) => {
    expect(parseAmountToMinor(text, exp)).toBe(minor);
    expect(reference(text, exp)).toBe(minor);
  });
});
