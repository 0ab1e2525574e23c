/**
 * `--period` (like hledger's -p): a year `2025`, a quarter `2025-Q1`, a month `2025-03` or a
 * day `2025-03-15`, as the inclusive booking-date range it covers. Pure; bad text is null
 * (the command turns it into a usage error naming the forms).
 */
export interface DateRange {
  /** YYYY-MM-DD, inclusive. */
  from: string;
  /** YYYY-MM-DD, inclusive. */
  to: string;
}

export const PERIOD_FORMS = '2025, 2025-Q1, 2025-03 or 2025-03-15';

const iso = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10);
/** The last day of month `m` (1-12) of year `y`: day 0 of the next month. */
const lastDay = (y: number, m: number) => iso(y, m + 1, 0);

export function parsePeriod(text: string): DateRange | null {
  const t = text.trim();
  let m: RegExpExecArray | null;
  if ((m = /^(\d{4})$/.exec(t))) return { from: `${m[1]}-01-01`, to: `${m[1]}-12-31` };
  if ((m = /^(\d{4})-[Qq]([1-4])$/.exec(t))) {
    const y = Number(m[1]);
    const first = (Number(m[2]) - 1) * 3 + 1;
    return { from: iso(y, first, 1), to: lastDay(y, first + 2) };
  }
  if ((m = /^(\d{4})-(\d{2})$/.exec(t))) {
    const [y, mo] = [Number(m[1]), Number(m[2])];
    return mo >= 1 && mo <= 12 ? { from: iso(y, mo, 1), to: lastDay(y, mo) } : null;
  }
  if ((m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t))) {
    const day = iso(Number(m[1]), Number(m[2]), Number(m[3]));
    return day === t ? { from: day, to: day } : null; // 2025-02-30 is no day
  }
  return null;
}
