/** Option values shared by several commands, validated once: bad values are usage errors (exit 16). */
import { Decimal } from 'decimal.js';
import { UsageError } from '../errors.js';
import { CSV_DIALECT_NAMES, DEFAULT_CSV_DIALECT, type CsvDialectName } from '../report/csv-dialect.js';

/**
 * A `--fail-on a,b` list (or repeated `--fail-on a --fail-on b`) checked against the kinds the
 * command knows. `none` alone is a report-only run: an empty set, so no finding sets a bit
 * (errors still exit 16 and up).
 */
export function parseFailOn<K extends string>(value: string | readonly string[] | undefined, allowed: readonly K[]): Set<K> | undefined {
  if (value === undefined) return undefined;
  const kinds = [value]
    .flat()
    .flatMap((v) => v.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  if (kinds.includes('none')) {
    if (kinds.length > 1) throw new UsageError(`--fail-on none means no kind sets a bit: it cannot be combined with ${kinds.filter((k) => k !== 'none').join(', ')}`);
    return new Set();
  }
  const bad = kinds.filter((k) => !(allowed as readonly string[]).includes(k));
  if (kinds.length === 0) throw new UsageError(`--fail-on needs at least one kind (or none); known: ${allowed.join(', ')}`);
  if (bad.length) {
    throw new UsageError(`--fail-on: unknown kind ${bad.map((b) => `"${b}"`).join(', ')}; known: ${allowed.join(', ')}, none`);
  }
  return new Set(kinds as K[]);
}

/** A calendar date `YYYY-MM-DD` that exists. */
export function parseDateOption(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  if (!m || !d || d.toISOString().slice(0, 10) !== value) {
    throw new UsageError(`${name} must be a date like 2025-03-31, got "${value}"`);
  }
  return value;
}

/**
 * A non-negative decimal such as `0.05`, exact: at most 15 digits before the point and 6 after
 * (a tolerance past 10^15 major units matches anything and would not fit the store's 64-bit
 * integers once scaled to minor units).
 */
export function parseDecimalOption(name: string, value: string): Decimal {
  if (!/^\d+(\.\d+)?$/.test(value.trim())) {
    throw new UsageError(`${name} must be a non-negative decimal like 0.05, got "${value}"`);
  }
  if (!/^0*\d{1,15}(\.\d{1,6}0*)?$/.test(value.trim())) {
    throw new UsageError(`${name} must have at most 15 digits before the decimal point and 6 after, got "${value}"`);
  }
  return new Decimal(value.trim());
}

/** A whole number of days (or other unit) >= 0, at most 999999. */
export function parseWholeOption(name: string, value: string): number {
  if (!/^\d{1,6}$/.test(value.trim())) throw new UsageError(`${name} must be a whole number up to 999999, got "${value}"`);
  return Number(value.trim());
}

/**
 * `--csv-dialect`, else $PAYRECON_CSV_DIALECT (a team in a decimal-comma locale sets it once),
 * else the default. Commander checks the option's value; the variable is checked here.
 */
export function parseCsvDialect(value: string | undefined, env: NodeJS.ProcessEnv): CsvDialectName {
  const chosen = value ?? (env.PAYRECON_CSV_DIALECT?.trim() || undefined);
  if (chosen === undefined) return DEFAULT_CSV_DIALECT;
  if (!(CSV_DIALECT_NAMES as readonly string[]).includes(chosen)) {
    const from = value === undefined ? 'PAYRECON_CSV_DIALECT' : '--csv-dialect';
    throw new UsageError(`${from}: unknown CSV dialect "${chosen}"; known: ${CSV_DIALECT_NAMES.join(', ')}`);
  }
  return chosen as CsvDialectName;
}

/** The dialect for a report written to `path`, checked only when that report is a CSV. */
export function csvDialectFor(path: string | undefined, value: string | undefined, env: NodeJS.ProcessEnv): CsvDialectName | undefined {
  return path && /\.csv$/i.test(path) ? parseCsvDialect(value, env) : undefined;
}
