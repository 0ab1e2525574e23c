/**
 * Pure date/time helpers for settlement files. Everything ends as a UTC instant, printed as
 * `YYYY-MM-DDTHH:MM:SSZ` (second precision: no provider's matching needs more). Providers
 * write local wall times in three ways (a numeric offset, a zone abbreviation, an IANA zone
 * implied by the export), so there is one parser for each. No dependency: IANA offsets come
 * from Intl, which carries the tz database.
 */

export class TimeError extends Error {}

/** A local calendar date and time as a file writes it (month 1-12). */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Why `w` is not a real calendar date/time, or null when it is. */
export function wallTimeProblem(w: WallTime): string | null {
  if (w.year < 1 || w.year > 9999) return `year ${w.year} is out of range`;
  if (w.month < 1 || w.month > 12) return `month ${w.month} does not exist`;
  const dim = w.month === 2 && isLeap(w.year) ? 29 : DAYS_IN_MONTH[w.month - 1];
  if (w.day < 1 || w.day > dim) return `day ${w.day} does not exist in ${w.year}-${pad2(w.month)}`;
  if (w.hour > 23) return `hour ${w.hour} does not exist`;
  if (w.minute > 59) return `minute ${w.minute} does not exist`;
  if (w.second > 59) return `second ${w.second} does not exist`;
  return null;
}

/** Throw TimeError naming `text` when `w` is not a real calendar date/time. */
export function checkWall(w: WallTime, text: string): void {
  const problem = wallTimeProblem(w);
  if (problem) throw new TimeError(`expected a real calendar date and time, found "${text}" (${problem})`);
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function wallToUtcMs(w: WallTime): number {
  const ms = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  // Date.UTC maps years 0-99 to 1900-1999; files never mean that, and wallTimeProblem rejects year 0.
  return w.year < 100 ? new Date(ms).setUTCFullYear(w.year) : ms;
}

/** A UTC instant (epoch milliseconds) as `YYYY-MM-DDTHH:MM:SSZ`. */
export function formatUtc(ms: number): string {
  // Integer civil-from-days (H. Hinnant) instead of Date#toISOString: this runs once per row
  // of million-row files and toISOString was the largest single cost in a Stripe import.
  const secs = Math.floor(ms / 1000);
  const days = Math.floor(secs / 86400);
  const sod = secs - days * 86400;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const h = Math.floor(sod / 3600);
  const mi = Math.floor((sod % 3600) / 60);
  const sec = sod % 60;
  return `${String(y).padStart(4, '0')}-${pad2(m)}-${pad2(d)}T${pad2(h)}:${pad2(mi)}:${pad2(sec)}Z`;
}

/** An offset such as `Z`, `+01:00`, `+0100`, `-08` in minutes east of UTC, or null when it is not one. */
export function parseOffset(text: string): number | null {
  if (text === 'Z' || text === 'z') return 0;
  const m = /^([+-])(\d{2})(?::?(\d{2}))?$/.exec(text);
  if (!m) return null;
  const h = Number(m[2]);
  const min = m[3] === undefined ? 0 : Number(m[3]);
  if (h > 18 || min > 59) return null;
  return (m[1] === '-' ? -1 : 1) * (h * 60 + min);
}

// Date, or date and time (`T` or a space), optional seconds and fraction, optional offset.
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d{1,9})?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/;

/** An ISO-8601 date or date-time split into its wall time and its offset (null when it has none). */
export interface IsoParts {
  wall: WallTime;
  hasTime: boolean;
  offsetMinutes: number | null;
}

/** Split an ISO-8601 date or date-time; throws TimeError naming what was expected. */
export function parseIsoParts(text: string): IsoParts {
  const t = text.trim();
  const m = ISO.exec(t);
  if (!m) throw new TimeError(`expected an ISO-8601 date or date-time like 2025-03-03T14:02:11Z, found "${text}"`);
  const wall: WallTime = {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: m[4] === undefined ? 0 : Number(m[4]),
    minute: m[5] === undefined ? 0 : Number(m[5]),
    second: m[6] === undefined ? 0 : Number(m[6]),
  };
  checkWall(wall, text);
  const offsetMinutes = m[7] === undefined ? null : parseOffset(m[7]);
  if (m[7] !== undefined && offsetMinutes === null) {
    throw new TimeError(`"${m[7]}" in "${text}" is not a UTC offset; expected Z or +HH:MM`);
  }
  return { wall, hasTime: m[4] !== undefined, offsetMinutes };
}

/**
 * ISO-8601 date or date-time -> epoch ms. No offset means UTC; an offset is applied. A space
 * may stand for the `T` (Stripe, SQL exports). Fractions of a second are dropped.
 */
export function parseIsoTimestamp(text: string): number {
  const p = parseIsoParts(text);
  return wallToUtcMs(p.wall) - (p.offsetMinutes ?? 0) * 60_000;
}

// PayPal: `2025/03/03 08:14:02 -0800`; dashes accepted too.
const WITH_OFFSET = /^(\d{4})[/-](\d{2})[/-](\d{2})[T ](\d{2}):(\d{2}):(\d{2})\s*(Z|[+-]\d{2}:?\d{2})$/;

/** `YYYY/MM/DD HH:MM:SS ±HHMM` (PayPal) -> epoch ms. The offset is required. */
export function parseTimestampWithOffset(text: string): number {
  const m = WITH_OFFSET.exec(text.trim());
  if (!m) throw new TimeError(`expected a date-time with offset like 2025/03/03 08:14:02 -0800, found "${text}"`);
  const w = wallFromMatch(m);
  checkWall(w, text);
  const offset = parseOffset(m[7]);
  if (offset === null) throw new TimeError(`"${m[7]}" in "${text}" is not a UTC offset; expected like -0800`);
  return wallToUtcMs(w) - offset * 60_000;
}

function wallFromMatch(m: RegExpExecArray): WallTime {
  return {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4]),
    minute: Number(m[5]),
    second: Number(m[6]),
  };
}

/**
 * Zone abbreviations Adyen writes in its TimeZone column, as minutes east of UTC. An
 * abbreviation names one offset, so no DST rule is applied. Ambiguous ones take the reading
 * a payments file most likely means: CST = US Central (not China), IST = India (not Ireland
 * or Israel).
 */
export const ZONE_ABBREVIATIONS: Readonly<Record<string, number>> = {
  UTC: 0,
  GMT: 0,
  WET: 0,
  WEST: 60,
  BST: 60,
  CET: 60,
  CEST: 120,
  EET: 120,
  EEST: 180,
  IST: 330,
  SGT: 480,
  HKT: 480,
  JST: 540,
  AEST: 600,
  AEDT: 660,
  EST: -300,
  EDT: -240,
  CST: -360,
  CDT: -300,
  MST: -420,
  MDT: -360,
  PST: -480,
  PDT: -420,
};

/**
 * Minutes east of UTC of an abbreviation (any case), or undefined. Own keys only: the text
 * comes from a file, and `constructor` or `__proto__` must not reach Object's.
 */
export function zoneOffsetMinutes(abbreviation: string): number | undefined {
  const abbr = abbreviation.trim().toUpperCase();
  return Object.hasOwn(ZONE_ABBREVIATIONS, abbr) ? ZONE_ABBREVIATIONS[abbr] : undefined;
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})$/;

/** `YYYY-MM-DD HH:MM:SS` in a zone abbreviation such as CET (Adyen) -> epoch ms. */
export function parseInZoneAbbreviation(text: string, abbreviation: string): number {
  const offset = zoneOffsetMinutes(abbreviation);
  if (offset === undefined) {
    throw new TimeError(
      `unknown time zone abbreviation "${abbreviation}"; expected one of ${Object.keys(ZONE_ABBREVIATIONS).join(' ')}`,
    );
  }
  const m = LOCAL.exec(text.trim());
  if (!m) throw new TimeError(`expected a date-time like 2025-03-03 10:15:22, found "${text}"`);
  const w = wallFromMatch(m);
  checkWall(w, text);
  return wallToUtcMs(w) - offset * 60_000;
}

/** A time zone a file's local times are in: a fixed offset or an IANA zone. */
export type TimeZoneSpec = { offsetMinutes: number } | { iana: string };

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** `Europe/Berlin`, `UTC` or `+01:00` -> a TimeZoneSpec. Throws TimeError for anything else. */
export function parseTimeZone(text: string): TimeZoneSpec {
  const offset = parseOffset(text);
  if (offset !== null) return { offsetMinutes: offset };
  try {
    formatterFor(text);
  } catch {
    throw new TimeError(`"${text}" is not an IANA time zone (like Europe/Berlin) or an offset (like +01:00)`);
  }
  return { iana: text };
}

/** Offsets known to hold for a whole quarter hour, by zone and quarter hour since the epoch. */
const QUARTER = 15 * 60_000;
const steadyOffsets = new Map<string, Map<number, number>>();
const MAX_CACHED_QUARTERS = 200_000;

/**
 * Offset of IANA `zone` at instant `ms`, in minutes east of UTC. Asking Intl costs two or three
 * formatToParts calls a timestamp (a fifth of a million-row mapped import's CPU, measured), so
 * a quarter hour whose start and end have the same offset is remembered: offsets change a few
 * times a year, never twice within fifteen minutes. A quarter hour holding a change is asked
 * about each time.
 */
export function zoneOffsetAt(zone: string, ms: number): number {
  const q = Math.floor(ms / QUARTER);
  let known = steadyOffsets.get(zone);
  const hit = known?.get(q);
  if (hit !== undefined) return hit;
  const here = offsetFromIntl(zone, ms);
  if (offsetFromIntl(zone, q * QUARTER) === here && offsetFromIntl(zone, (q + 1) * QUARTER - 1000) === here) {
    if (!known) steadyOffsets.set(zone, (known = new Map()));
    if (known.size >= MAX_CACHED_QUARTERS) known.clear();
    known.set(q, here);
  }
  return here;
}

/** The same, asked of Intl every time (the reference zoneOffsetAt is tested against). */
export function offsetFromIntl(zone: string, ms: number): number {
  let y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  for (const p of formatterFor(zone).formatToParts(new Date(ms))) {
    if (p.type === 'year') y = Number(p.value);
    else if (p.type === 'month') mo = Number(p.value);
    else if (p.type === 'day') d = Number(p.value);
    else if (p.type === 'hour') h = Number(p.value);
    else if (p.type === 'minute') mi = Number(p.value);
    else if (p.type === 'second') s = Number(p.value);
  }
  const asUtc = wallToUtcMs({ year: y, month: mo, day: d, hour: h, minute: mi, second: s });
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
}

/**
 * A wall time in `zone` -> epoch ms. Across DST the answer follows the usual "compatible"
 * rule (as Temporal and java.time do): a time that occurs twice (clocks go back) is the
 * earlier instant; a time that never occurs (clocks go forward) is moved forward by the gap.
 */
export function wallTimeToUtc(w: WallTime, zone: TimeZoneSpec): number {
  const local = wallToUtcMs(w);
  if ('offsetMinutes' in zone) return local - zone.offsetMinutes * 60_000;
  const DAY = 86_400_000;
  const before = zoneOffsetAt(zone.iana, local - DAY);
  const after = zoneOffsetAt(zone.iana, local + DAY);
  const candidates: number[] = [];
  for (const off of before === after ? [before] : [before, after]) {
    const t = local - off * 60_000;
    if (zoneOffsetAt(zone.iana, t) === off) candidates.push(t);
  }
  if (candidates.length > 0) return Math.min(...candidates);
  return local - before * 60_000;
}

/** A calendar date with no time of day is a day, not an instant: it becomes that date at 00:00Z. */
export function dateOnlyToUtc(w: WallTime): number {
  return wallToUtcMs({ ...w, hour: 0, minute: 0, second: 0 });
}
