/**
 * Money as payrecon holds it: a signed bigint of minor units plus an ISO 4217 currency whose
 * exponent says where the decimal point goes (JPY 0, EUR 2, KWD 3). Amounts are parsed from
 * their text by exact digit arithmetic (checked against decimal.js by a property test; it is
 * ~10x faster on million-row files) and never pass through a JavaScript number.
 */
import { Decimal as BaseDecimal } from 'decimal.js';

// decimal.js rounds arithmetic results to 20 significant digits by default; money needs exactness
// far past that (a 17-digit amount with 4 decimals is already 21 digits).
const Decimal = BaseDecimal.clone({ precision: 100 });
import { minorUnits } from './currency.js';
import { quoted } from '../output.js';

/** Which of a row's money fields is past MAX_ROW_MINOR, if any. */
export function amountOutOfBounds(values: { amount: bigint; fee: bigint | null; net: bigint | null }): 'amount' | 'fee' | 'net' | undefined {
  for (const k of ['amount', 'fee', 'net'] as const) {
    const v = values[k];
    if (v !== null && (v > MAX_ROW_MINOR || v < -MAX_ROW_MINOR)) return k;
  }
  return undefined;
}

export interface Money {
  minor: bigint;
  currency: string;
}

export class AmountError extends Error {}

/**
 * The largest amount (fee, net) one row may carry, in minor units: 10^17 - 1, i.e.
 * 999,999,999,999,999.99 EUR. A row past it is rejected. Why a bound: the store keeps minor
 * units in SQLite's 64-bit integers, and the engine compares and subtracts two rows' amounts
 * in SQL; with every row under 10^17 no such expression can leave 64 bits (totals over many
 * rows are summed in two halves and joined as bigint, see src/reconcile/workspace.ts).
 * A real amount never comes near it; a dropped decimal point or a corrupt cell does.
 */
export const MAX_ROW_MINOR = 10n ** 17n - 1n;

/** Digits an amount text may have at all: past this it cannot fit any bound, and BigInt of a megabyte of digits is slow. */
const MAX_AMOUNT_DIGITS = 40;

export interface ParseAmountOptions {
  /** The decimal separator of the text: '.' (default) or ','. */
  decimal?: '.' | ',';
  /** Thousands separator to strip, when the file uses one (for example ',' or ' ' or "'"). */
  group?: string;
}

// A plain decimal: optional sign, digits, optional fraction. No exponent, no grouping, no
// currency symbols. Anything else is rejected with a reason, never guessed.
const PLAIN_DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/**
 * Parse `text` as an exact amount with at most `exponent` decimals and return minor units.
 * Throws AmountError saying what was expected when the text is not such an amount.
 */
export function parseAmountToMinor(text: string, exponent: number, opts: ParseAmountOptions = {}): bigint {
  let t = text.trim();
  if (t === '') throw new AmountError('expected an amount, found an empty value');
  if (opts.group && t.includes(opts.group)) t = ungroup(t, text, opts.group, opts.decimal ?? '.');
  if (opts.decimal === ',') {
    if (t.includes('.')) throw new AmountError(`expected a decimal-comma amount, found ${quoted(text)}`);
    t = t.replace(',', '.');
  }
  if (!PLAIN_DECIMAL.test(t)) {
    throw new AmountError(`expected a decimal amount like 12.30, found ${quoted(text)}`);
  }
  if (t.length > MAX_AMOUNT_DIGITS) {
    throw new AmountError(`amount ${quoted(text, 30)} has more digits than any amount payrecon accepts (at most ${MAX_ROW_MINOR} minor units)`);
  }
  // Exact digit shuffling instead of decimal.js: same result, ~10x faster, and an import
  // parses several amounts per row of million-row files.
  const dot = t.indexOf('.');
  const whole = dot === -1 ? t : t.slice(0, dot);
  let frac = dot === -1 ? '' : t.slice(dot + 1);
  if (frac.length > exponent) {
    const places = frac.replace(/0+$/, '').length; // trailing zeros are not decimals ("12.300" EUR)
    if (places > exponent) {
      throw new AmountError(`amount ${quoted(text)} has ${places} decimal${places === 1 ? '' : 's'}; the currency allows ${exponent}`);
    }
    frac = frac.slice(0, exponent);
  }
  return BigInt((whole === '' || whole === '+' || whole === '-' ? whole + '0' : whole) + frac.padEnd(exponent, '0'));
}

// A group separator is only believed between groups of three integer digits: with "." as the
// thousands separator, "5.00" is a mistake (a decimal point), not five hundred.
function ungroup(t: string, text: string, group: string, decimal: string): string {
  const cut = t.indexOf(decimal);
  const int = cut === -1 ? t : t.slice(0, cut);
  const rest = cut === -1 ? '' : t.slice(cut);
  const parts = int.replace(/^[+-]/, '').split(group);
  const ok =
    !rest.includes(group) && /^\d{1,3}$/.test(parts[0]) && parts.slice(1).every((p) => /^\d{3}$/.test(p));
  if (!ok) {
    throw new AmountError(
      `expected "${group}" only between groups of three digits (like 1${group}234${decimal}50), found ${quoted(text)}`,
    );
  }
  return int.split(group).join('') + rest;
}

/** Parse an amount of `currency` (its ISO 4217 exponent) to minor units. */
export function parseMoney(text: string, currency: string, opts: ParseAmountOptions = {}): bigint {
  return parseAmountToMinor(text, minorUnits(currency), opts);
}

/**
 * Minor units scaled by a fixed exponent that is not the currency's (PayPal scales by 100
 * whatever the currency) converted to the currency's own minor units. Throws when that would
 * lose precision (e.g. JPY given with a non-zero fraction).
 */
export function rescaleMinor(value: bigint, fromExponent: number, currency: string): bigint {
  const to = minorUnits(currency);
  if (to === fromExponent) return value;
  if (to > fromExponent) return value * 10n ** BigInt(to - fromExponent);
  const div = 10n ** BigInt(fromExponent - to);
  if (value % div !== 0n) {
    throw new AmountError(
      `amount ${formatMinorWithExponent(value, fromExponent)} ${currency} has more decimals than ${currency} allows (${to})`,
    );
  }
  return value / div;
}

/** Minor units as a decimal string in major units: 1230n EUR -> "12.30", 1000n JPY -> "1000". */
export function formatMinor(minor: bigint, currency: string): string {
  return formatMinorWithExponent(minor, minorUnits(currency));
}

export function formatMinorWithExponent(minor: bigint, exponent: number): string {
  const neg = minor < 0n;
  const abs = (neg ? -minor : minor).toString();
  if (exponent === 0) return (neg ? '-' : '') + abs;
  const padded = abs.padStart(exponent + 1, '0');
  const intPart = padded.slice(0, padded.length - exponent);
  const frac = padded.slice(padded.length - exponent);
  return `${neg ? '-' : ''}${intPart}.${frac}`;
}

/** A user-given tolerance such as "0.05" in major units of `currency`, as minor units (rounded down). */
export function toleranceToMinor(tolerance: BaseDecimal, currency: string): bigint {
  return BigInt(tolerance.times(new Decimal(10).pow(minorUnits(currency))).floor().toFixed(0));
}
