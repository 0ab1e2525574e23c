/**
 * Per-row helpers shared by the importers: header lookup by name, and field readers that turn
 * a bad value into a RowError (a rejected row, never a dropped one) whose reason says what was
 * expected.
 */
import { CurrencyError, minorUnits, normalizeCurrency } from '../domain/currency.js';
import { AmountError, formatMinor, parseAmountToMinor, type ParseAmountOptions } from '../domain/money.js';
import { formatUtc, parseIsoTimestamp, TimeError, wallTimeProblem } from '../domain/time.js';
import { InputError } from '../errors.js';

/** A problem with one row: it becomes `{reject: {line, column, reason, raw}}`. */
export class RowError extends Error {
  constructor(
    readonly column: string | undefined,
    reason: string,
  ) {
    super(reason);
  }
}

/** Column indexes looked up once from the header, by name (trimmed; case-insensitive fallback). */
export class Columns {
  private readonly exact = new Map<string, number>();
  private readonly folded = new Map<string, number>();

  constructor(
    readonly names: string[],
    private readonly file: string,
    private readonly line: number,
    private readonly format: string,
  ) {
    names.forEach((raw, i) => {
      const name = raw.trim();
      if (!this.exact.has(name)) this.exact.set(name, i);
      const f = name.toLowerCase();
      if (!this.folded.has(f)) this.folded.set(f, i);
    });
  }

  /** Index of `name`, or -1 when the file does not have that column. */
  index(name: string): number {
    return this.exact.get(name) ?? this.folded.get(name.toLowerCase()) ?? -1;
  }

  /** Index of the first of `names` present, or -1. */
  first(...names: string[]): number {
    for (const n of names) {
      const i = this.index(n);
      if (i !== -1) return i;
    }
    return -1;
  }

  /** An InputError located at the header line. */
  headerError(message: string): InputError {
    return new InputError(message, { file: this.file, line: this.line });
  }

  /** Index of `name`; a missing required column makes the whole file unusable. */
  require(name: string, alternatives: string[] = []): number {
    const i = this.first(name, ...alternatives);
    if (i === -1) {
      const which = alternatives.length ? [name, ...alternatives].map((n) => `"${n}"`).join(' or ') : `"${name}"`;
      throw new InputError(`${this.format} file is missing the required column ${which}; the header has: ${this.names.join(', ')}`, {
        file: this.file,
        line: this.line,
      });
    }
    return i;
  }
}

/** The trimmed value at `i` ('' when the column is absent or the row is short). */
export function cell(fields: string[], i: number): string {
  if (i < 0 || i >= fields.length) return '';
  return fields[i].trim();
}

/** Non-empty trimmed value or null. */
export function optional(fields: string[], i: number): string | null {
  const v = cell(fields, i);
  return v === '' ? null : v;
}

export function required(fields: string[], i: number, column: string, what: string): string {
  const v = cell(fields, i);
  if (v === '') throw new RowError(column, `expected ${what} in "${column}", found an empty value`);
  return v;
}

// Files repeat a handful of currency spellings millions of times: validate each spelling once.
const knownCurrencies = new Map<string, string>();

export function currencyAt(fields: string[], i: number, column: string): string {
  const v = cell(fields, i);
  const hit = knownCurrencies.get(v);
  if (hit !== undefined) return hit;
  if (v === '') throw new RowError(column, `expected a currency code like EUR in "${column}", found an empty value`);
  try {
    const code = normalizeCurrency(v);
    knownCurrencies.set(v, code);
    return code;
  } catch (e) {
    if (e instanceof CurrencyError) {
      throw new RowError(column, `${column}: expected an ISO 4217 currency code like USD, found "${v}"`);
    }
    throw e;
  }
}

/**
 * The common shape, `-123.45` with exactly the currency's decimals (or `1000` for JPY), read
 * straight to minor units: the same bigint parseAmountToMinor gives, without its trim, regex
 * and slicing (three amounts a row on million-row files). A file's own separators are honoured:
 * `decimal` is the character before the decimals, and `group` (a char code, or -1 for none) may
 * stand between groups of three integer digits, as in `155.389,08`. Anything else: undefined,
 * and the full parser decides (and says what is wrong).
 */
function plainMinor(t: string, exponent: number, decimal = 46 /* . */, group = -1): bigint | undefined {
  const n = t.length;
  const start = n > 0 && t.charCodeAt(0) === 45 /* - */ ? 1 : 0;
  const dot = exponent === 0 ? n : n - exponent - 1;
  if (dot <= start) return undefined;
  if (exponent > 0 && (t.charCodeAt(dot) !== decimal || !digitsAt(t, dot + 1, n))) return undefined;
  let whole: string;
  if (group === -1 || t.indexOf(String.fromCharCode(group), start) === -1) {
    if (dot - start > 15 || !digitsAt(t, start, dot)) return undefined;
    whole = t.slice(0, dot);
  } else {
    // 1 to 3 digits, then groups of a separator and three digits up to the decimals.
    const head = (dot - start) % 4;
    if (head === 0 || dot - start > 19 || !digitsAt(t, start, start + head)) return undefined;
    whole = t.slice(0, start + head);
    for (let i = start + head; i < dot; i += 4) {
      if (t.charCodeAt(i) !== group || !digitsAt(t, i + 1, i + 4)) return undefined;
      whole += t.slice(i + 1, i + 4);
    }
  }
  return BigInt(exponent === 0 ? whole : whole + t.slice(dot + 1));
}

/** plainMinor with a file's separators: a one-character group that is not the decimal separator. */
function fastWith(text: string, exponent: number, opts: ParseAmountOptions): bigint | undefined {
  const decimal = opts.decimal === ',' ? 44 : 46;
  if (!opts.group) return plainMinor(text, exponent, decimal);
  if (opts.group.length !== 1 || opts.group.charCodeAt(0) === decimal) return undefined;
  return plainMinor(text, exponent, decimal, opts.group.charCodeAt(0));
}

/** Parse a decimal amount of a currency whose exponent is `exponent`, or throw a RowError. */
export function amountText(text: string, column: string, exponent: number, opts?: ParseAmountOptions): bigint {
  const v = opts === undefined ? plainMinor(text, exponent) : fastWith(text, exponent, opts);
  if (v !== undefined) return v;
  try {
    return parseAmountToMinor(text, exponent, opts);
  } catch (e) {
    if (e instanceof AmountError) throw new RowError(column, `${column}: ${e.message}`);
    throw e;
  }
}

/**
 * A row that states gross, fee and net must add up: net = gross - fee (fee positive = a cost),
 * all in `currency`. Otherwise the row is rejected naming the three figures, because which of
 * them is wrong cannot be told from the row.
 */
export function checkNet(gross: bigint, fee: bigint, net: bigint, currency: string, column: string): void {
  if (gross - fee === net) return;
  const f = (v: bigint) => formatMinor(v, currency);
  throw new RowError(
    column,
    `gross ${f(gross)} - fee ${f(fee)} = ${f(gross - fee)} ${currency}, but the row states net ${f(net)}; expected net = gross - fee`,
  );
}

export function exponentOf(currency: string): number {
  return minorUnits(currency);
}

/** Run a time parser, turning its error into a RowError naming the column. */
export function timeAt<T>(column: string, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof TimeError) throw new RowError(column, `${column}: ${e.message}`);
    throw e;
  }
}

// Days repeat across rows (thousands of rows a day): each distinct date is checked once.
const checkedDates = new Map<string, boolean>();

function digitsAt(t: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = t.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function realDate(date: string): boolean {
  let ok = checkedDates.get(date);
  if (ok === undefined) {
    const wall = { year: Number(date.slice(0, 4)), month: Number(date.slice(5, 7)), day: Number(date.slice(8, 10)), hour: 0, minute: 0, second: 0 };
    ok = wallTimeProblem(wall) === null;
    if (checkedDates.size > 100_000) checkedDates.clear();
    checkedDates.set(date, ok);
  }
  return ok;
}

/**
 * An ISO-8601 timestamp (trimmed text) as the store keeps it, `YYYY-MM-DDTHH:MM:SSZ`: the same
 * result, and the same RowError for a bad value, as formatUtc(parseIsoTimestamp(text)).
 * Why: that parse was the largest per-row cost of a ledger import after the insert. A UTC
 * value already in the stored shape (`2025-03-03`, `2025-03-03 14:02:11`, `...T14:02:11Z`)
 * is only checked, its date once per distinct day; anything else takes the full parser.
 */
export function utcTimestamp(text: string, column: string): string {
  const n = text.length;
  if (n === 10 || n === 19 || (n === 20 && text.charCodeAt(19) === 90 /* Z */)) {
    if (digitsAt(text, 0, 4) && text.charCodeAt(4) === 45 && digitsAt(text, 5, 7) && text.charCodeAt(7) === 45 && digitsAt(text, 8, 10)) {
      const date = text.slice(0, 10);
      if (n === 10) {
        if (realDate(date)) return `${date}T00:00:00Z`;
      } else {
        const sep = text.charCodeAt(10);
        if (
          (sep === 32 || sep === 84) /* ' ' or T */ &&
          digitsAt(text, 11, 13) && text.charCodeAt(13) === 58 && digitsAt(text, 14, 16) && text.charCodeAt(16) === 58 && digitsAt(text, 17, 19) &&
          text.slice(11, 13) <= '23' && text.slice(14, 16) <= '59' && text.slice(17, 19) <= '59' &&
          realDate(date)
        ) {
          return `${date}T${text.slice(11, 19)}Z`;
        }
      }
    }
  }
  return formatUtc(timeAt(column, () => parseIsoTimestamp(text)));
}
