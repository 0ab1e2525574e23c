/**
 * ISO 4217 currencies and their minor units, from the `currency-codes` package (the ISO
 * table). Not from Intl.NumberFormat: on Node 20 it disagrees with ISO for about 30 codes.
 */
import cc from 'currency-codes';

// ISO lists these codes with minor units "N.A.": metals, bond units, SDR, test and "no currency".
// The package reports 0 for them, so they are excluded explicitly: nothing is settled in gold.
const NOT_MONEY = new Set(['XAU', 'XAG', 'XPD', 'XPT', 'XBA', 'XBB', 'XBC', 'XBD', 'XDR', 'XSU', 'XUA', 'XTS', 'XXX']);

const cache = new Map<string, number>();

export class CurrencyError extends Error {}

/** Normalise a currency code as files write it (`usd`, ` EUR `) to upper case, or throw. */
export function normalizeCurrency(text: string): string {
  const code = text.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(code)) throw new CurrencyError(`expected a three-letter ISO 4217 currency code, found "${text}"`);
  minorUnits(code);
  return code;
}

/** The ISO 4217 exponent of `code` (upper case). Throws CurrencyError for an unknown code. */
export function minorUnits(code: string): number {
  const hit = cache.get(code);
  if (hit !== undefined) return hit;
  const rec = NOT_MONEY.has(code) ? undefined : cc.code(code);
  if (!rec) throw new CurrencyError(`"${code}" is not an ISO 4217 currency code`);
  cache.set(code, rec.digits);
  return rec.digits;
}

export function isCurrency(code: string): boolean {
  try {
    minorUnits(code);
    return true;
  } catch {
    return false;
  }
}
