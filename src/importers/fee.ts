/**
 * Fees stated finer than the currency's minor unit.
 *
 * Interchange and scheme fees are percentages of the amount, and providers that itemise them
 * (Adyen's Commission/Markup/Scheme Fees/Interchange, Checkout.com's deduction) may state them
 * with more decimals than the currency has (`0.0425` USD). Such a row is not wrong: the money
 * that moved (gross and net) is still in whole minor units, and the fee is what lies between.
 * So a fee is read exactly at its own scale, and its minor-unit figure is
 *
 * - the fee itself when it is whole minor units (then net = gross - fee is checked exactly);
 * - gross - net when the row states both in the fee's currency and the exact fee lies within
 *   one minor unit of it (the provider rounded the sum of its components: the figure that
 *   explains the money is kept); a fee further away contradicts the row, which is rejected
 *   naming the exact figures;
 * - otherwise (no net, or a converted row) the exact fee rounded half to even.
 *
 * The exact component values are never lost: every imported row keeps its original fields
 * (the `raw` column, docs/database.md).
 */
import { formatMinor } from '../domain/money.js';
import { amountText, checkNet, RowError } from './row.js';

/** More decimals than any provider documents for a fee component: a garbled value, not a fee. */
export const MAX_FEE_DECIMALS = 8;

/** A fee as `scaled / 10^scale` of the currency's major unit (scale >= the currency's exponent). */
export interface ExactFee {
  scaled: bigint;
  scale: number;
}

/** Decimals that count (trailing zeros do not: "12.300" EUR has two). No regex: a row has four fee columns. */
function decimalsOf(raw: string): number {
  const text = raw.trimEnd();
  const dot = text.indexOf('.');
  if (dot === -1) return 0;
  let end = text.length;
  while (end > dot + 1 && text.charCodeAt(end - 1) === 48 /* 0 */) end--;
  return end - dot - 1;
}

/**
 * Sum of the stated fee components (`[column, text]`, empty texts skipped) at the finest scale
 * any of them uses, never coarser than `exponent`; null when no component is stated. Each is
 * read by amountText (its fast path for the usual whole-cent fee, its errors naming the column).
 */
export function exactFee(parts: ReadonlyArray<readonly [string, string]>, exponent: number): ExactFee | null {
  let scale = exponent;
  let stated = 0;
  for (const [column, text] of parts) {
    if (text.trim() === '') continue;
    stated++;
    const places = decimalsOf(text);
    if (places > MAX_FEE_DECIMALS) {
      throw new RowError(column, `${column}: amount "${text.trim()}" has ${places} decimals; a fee may have at most ${MAX_FEE_DECIMALS}`);
    }
    if (places > scale) scale = places;
  }
  if (stated === 0) return null;
  let scaled = 0n;
  for (const [column, text] of parts) if (text.trim() !== '') scaled += amountText(text, column, scale);
  return { scaled, scale };
}

/** The fee in whole minor units when it is one, else undefined. */
export function wholeMinor(fee: ExactFee, exponent: number): bigint | undefined {
  const unit = 10n ** BigInt(fee.scale - exponent);
  return fee.scaled % unit === 0n ? fee.scaled / unit : undefined;
}

/** Round half to even to whole minor units. */
export function roundHalfEven(fee: ExactFee, exponent: number): bigint {
  const unit = 10n ** BigInt(fee.scale - exponent);
  const q = fee.scaled / unit; // truncates toward zero
  const r = fee.scaled - q * unit;
  const twice = (r < 0n ? -r : r) * 2n;
  if (twice < unit || (twice === unit && q % 2n === 0n)) return q;
  return fee.scaled < 0n ? q - 1n : q + 1n;
}

/** The exact fee as a decimal string (`0.0425`). */
export function formatExact(fee: ExactFee): string {
  const neg = fee.scaled < 0n;
  const digits = (neg ? -fee.scaled : fee.scaled).toString().padStart(fee.scale + 1, '0');
  const whole = digits.slice(0, digits.length - fee.scale);
  const frac = digits.slice(digits.length - fee.scale);
  return `${neg ? '-' : ''}${whole}${fee.scale > 0 ? '.' + frac : ''}`;
}

/**
 * The fee's minor-unit figure for a row, checked against gross and net when the row states them
 * in the fee's currency (`gross`/`net` null when it does not), per the rules above.
 */
export function settleFee(
  fee: ExactFee,
  gross: bigint | null,
  net: bigint | null,
  currency: string,
  exponent: number,
  column: string,
): bigint {
  const whole = wholeMinor(fee, exponent);
  if (gross === null || net === null) return whole ?? roundHalfEven(fee, exponent);
  if (whole !== undefined) {
    checkNet(gross, whole, net, currency, column);
    return whole;
  }
  const unit = 10n ** BigInt(fee.scale - exponent);
  const exactNet = gross * unit - fee.scaled;
  const gap = exactNet - net * unit;
  if (gap < unit && gap > -unit) return gross - net;
  const f = (v: bigint) => formatMinor(v, currency);
  throw new RowError(
    column,
    `gross ${f(gross)} - fee ${formatExact(fee)} = ${formatExact({ scaled: exactNet, scale: fee.scale })} ${currency}, but the row states net ${f(net)}; expected net within one minor unit of gross - fee`,
  );
}
