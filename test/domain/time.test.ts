/** Time helpers: ISO, offsets, zone abbreviations, IANA zones across DST, formats, impossible dates. */
import { describe, expect, it } from 'vitest';
import { compileDateFormat } from '../../src/domain/date-format.js';
import {
  formatUtc,
  parseInZoneAbbreviation,
  parseIsoTimestamp,
  parseOffset,
  parseTimestampWithOffset,
  parseTimeZone,
  TimeError,
  wallTimeToUtc,
  zoneOffsetAt,
  ZONE_ABBREVIATIONS,
  type WallTime,
} from '../../src/domain/time.js';

const utc = (ms: number) => formatUtc(ms);

describe('formatUtc', () => {
  const cases: Array<[number, string]> = [
    [0, '1970-01-01T00:00:00Z'],
    [-1, '1969-12-31T23:59:59Z'],
    [Date.UTC(2024, 1, 29, 12, 0, 0), '2024-02-29T12:00:00Z'],
    [Date.UTC(2025, 11, 31, 23, 59, 59, 999), '2025-12-31T23:59:59Z'],
    [Date.UTC(2000, 2, 1), '2000-03-01T00:00:00Z'],
    [Date.UTC(9999, 11, 31, 23, 59, 59), '9999-12-31T23:59:59Z'],
  ];
  for (const [ms, text] of cases) it(text, () => expect(formatUtc(ms)).toBe(text));
  it('agrees with Date#toISOString over a sweep of instants', () => {
    for (let ms = -2e12; ms < 4e12; ms += 7_777_777_777) expect(formatUtc(ms)).toBe(new Date(ms).toISOString().slice(0, 19) + 'Z');
  });
});

describe('parseIsoTimestamp (no offset = UTC)', () => {
  const ok: Array<[string, string]> = [
    ['2025-03-03', '2025-03-03T00:00:00Z'],
    ['2025-03-03T14:02:11Z', '2025-03-03T14:02:11Z'],
    ['2025-03-03 14:02:11', '2025-03-03T14:02:11Z'],
    ['2025-03-03T14:02', '2025-03-03T14:02:00Z'],
    ['2025-03-03T14:02:11.999', '2025-03-03T14:02:11Z'],
    ['2025-03-03T10:00:00.000', '2025-03-03T10:00:00Z'],
    ['2025-03-03T14:02:11+01:00', '2025-03-03T13:02:11Z'],
    ['2025-03-03T01:00:00+0200', '2025-03-02T23:00:00Z'],
    ['2025-12-31T20:00:00-05:00', '2026-01-01T01:00:00Z'],
    ['2025-03-03T14:02:11.5-05:30', '2025-03-03T19:32:11Z'],
    ['2024-02-29', '2024-02-29T00:00:00Z'],
    ['2000-02-29', '2000-02-29T00:00:00Z'],
  ];
  for (const [text, out] of ok) it(`${text} -> ${out}`, () => expect(utc(parseIsoTimestamp(text))).toBe(out));

  const bad: Array<[string, RegExp]> = [
    ['2025-02-30', /expected a real calendar date and time, found "2025-02-30" \(day 30 does not exist in 2025-02\)/],
    ['2025-02-29', /day 29 does not exist in 2025-02/],
    ['1900-02-29', /day 29 does not exist in 1900-02/],
    ['2025-04-31', /day 31 does not exist/],
    ['2025-13-01', /month 13 does not exist/],
    ['2025-03-03T24:00:00', /hour 24 does not exist/],
    ['2025-03-03T12:60:00', /minute 60 does not exist/],
    ['2025-03-03T12:00:60', /second 60 does not exist/],
    ['03/03/2025', /expected an ISO-8601 date or date-time like 2025-03-03T14:02:11Z, found "03\/03\/2025"/],
    ['2025-3-3', /expected an ISO-8601/],
    ['2025-03-03T14:02:11+25:00', /is not a UTC offset/],
    ['', /expected an ISO-8601/],
  ];
  for (const [text, msg] of bad) it(`rejects ${JSON.stringify(text)}`, () => expect(() => parseIsoTimestamp(text)).toThrow(msg));
  it('throws TimeError', () => expect(() => parseIsoTimestamp('2025-02-30')).toThrow(TimeError));
});

describe('parseOffset', () => {
  const cases: Array<[string, number | null]> = [
    ['Z', 0],
    ['+01:00', 60],
    ['+0100', 60],
    ['-08', -480],
    ['-0800', -480],
    ['+05:30', 330],
    ['+5:30', null],
    ['+19:00', null],
    ['CET', null],
  ];
  for (const [text, minutes] of cases) it(`${text} -> ${minutes}`, () => expect(parseOffset(text)).toBe(minutes));
});

describe('parseTimestampWithOffset (PayPal)', () => {
  const cases: Array<[string, string]> = [
    ['2025/03/03 08:14:02 -0800', '2025-03-03T16:14:02Z'],
    ['2024/12/31 23:30:00 -0800', '2025-01-01T07:30:00Z'],
    ['2025/07/01 00:30:00 +0200', '2025-06-30T22:30:00Z'],
    ['2025-03-03 08:14:02 -08:00', '2025-03-03T16:14:02Z'],
  ];
  for (const [text, out] of cases) it(`${text} -> ${out}`, () => expect(utc(parseTimestampWithOffset(text))).toBe(out));
  it('requires the offset', () => expect(() => parseTimestampWithOffset('2025/03/03 08:14:02')).toThrow(/expected a date-time with offset like 2025\/03\/03 08:14:02 -0800/));
  it('rejects impossible dates', () => expect(() => parseTimestampWithOffset('2025/02/29 08:14:02 -0800')).toThrow(/day 29 does not exist/));
});

describe('parseInZoneAbbreviation (Adyen)', () => {
  const cases: Array<[string, string, string]> = [
    ['2025-03-03 10:15:22', 'CET', '2025-03-03T09:15:22Z'],
    ['2025-07-01 00:30:00', 'CEST', '2025-06-30T22:30:00Z'],
    ['2025-03-03 10:00:00', 'cet', '2025-03-03T09:00:00Z'],
    ['2025-03-03 10:00:00', 'GMT', '2025-03-03T10:00:00Z'],
    ['2025-07-01 10:00:00', 'BST', '2025-07-01T09:00:00Z'],
    ['2025-03-03 10:00:00', 'EET', '2025-03-03T08:00:00Z'],
    ['2025-03-03 10:00:00', 'PST', '2025-03-03T18:00:00Z'],
    ['2025-07-01 10:00:00', 'PDT', '2025-07-01T17:00:00Z'],
    ['2025-03-03 10:00:00', 'EST', '2025-03-03T15:00:00Z'],
    ['2025-03-03 10:00:00', 'CST', '2025-03-03T16:00:00Z'],
    ['2025-03-03 10:00:00', 'IST', '2025-03-03T04:30:00Z'],
    ['2025-03-03 10:00:00', 'JST', '2025-03-03T01:00:00Z'],
    ['2025-01-15 10:00:00', 'AEDT', '2025-01-14T23:00:00Z'],
    ['2025-03-03 10:00:00', 'SGT', '2025-03-03T02:00:00Z'],
  ];
  for (const [text, abbr, out] of cases) it(`${text} ${abbr} -> ${out}`, () => expect(utc(parseInZoneAbbreviation(text, abbr))).toBe(out));

  it('knows every abbreviation the brief lists', () => {
    const listed = 'CET CEST GMT BST UTC EET EEST WET WEST PST PDT MST MDT CST CDT EST EDT AEST AEDT JST SGT HKT IST'.split(' ');
    expect(Object.keys(ZONE_ABBREVIATIONS).sort()).toEqual(listed.sort());
  });
  it('an unknown abbreviation says which are known', () => {
    expect(() => parseInZoneAbbreviation('2025-03-03 10:00:00', 'XYZ')).toThrow(/unknown time zone abbreviation "XYZ"; expected one of UTC GMT/);
  });
  it('rejects impossible dates', () => expect(() => parseInZoneAbbreviation('2025-06-31 10:00:00', 'CEST')).toThrow(/day 31 does not exist in 2025-06/));
});

describe('IANA zones, correct across DST', () => {
  const w = (text: string): WallTime => {
    const [d, t] = text.split(' ');
    const [year, month, day] = d.split('-').map(Number);
    const [hour, minute, second] = t.split(':').map(Number);
    return { year, month, day, hour, minute, second };
  };
  const cases: Array<[string, string, string, string]> = [
    ['Europe/Berlin', '2025-01-15 12:00:00', '2025-01-15T11:00:00Z', 'winter, +01:00'],
    ['Europe/Berlin', '2025-07-15 12:00:00', '2025-07-15T10:00:00Z', 'summer, +02:00'],
    ['Europe/Berlin', '2025-03-30 01:59:59', '2025-03-30T00:59:59Z', 'last second before spring forward'],
    ['Europe/Berlin', '2025-03-30 02:30:00', '2025-03-30T01:30:00Z', 'in the spring gap: moved forward (03:30 CEST)'],
    ['Europe/Berlin', '2025-03-30 03:00:00', '2025-03-30T01:00:00Z', 'first summer time'],
    ['Europe/Berlin', '2025-10-26 02:30:00', '2025-10-26T00:30:00Z', 'fall back, twice-occurring: the earlier'],
    ['Europe/Berlin', '2025-10-26 03:00:00', '2025-10-26T02:00:00Z', 'after fall back'],
    ['America/New_York', '2025-03-09 02:30:00', '2025-03-09T07:30:00Z', 'US spring gap'],
    ['America/New_York', '2025-11-02 01:30:00', '2025-11-02T05:30:00Z', 'US fall back: the earlier (EDT)'],
    ['Australia/Sydney', '2025-04-06 02:30:00', '2025-04-05T15:30:00Z', 'southern fall back: the earlier (AEDT)'],
    ['Asia/Kolkata', '2025-03-03 10:00:00', '2025-03-03T04:30:00Z', 'half-hour offset, no DST'],
    ['UTC', '2025-03-03 10:00:00', '2025-03-03T10:00:00Z', 'UTC'],
  ];
  for (const [zone, wall, out, why] of cases) {
    it(`${zone} ${wall} -> ${out} (${why})`, () => expect(utc(wallTimeToUtc(w(wall), parseTimeZone(zone)))).toBe(out));
  }
  it('a fixed offset', () => expect(utc(wallTimeToUtc(w('2025-07-15 12:00:00'), parseTimeZone('+01:00')))).toBe('2025-07-15T11:00:00Z'));
  it('zoneOffsetAt', () => {
    expect(zoneOffsetAt('Europe/Berlin', Date.UTC(2025, 0, 15))).toBe(60);
    expect(zoneOffsetAt('Europe/Berlin', Date.UTC(2025, 6, 15))).toBe(120);
    expect(zoneOffsetAt('America/Los_Angeles', Date.UTC(2025, 0, 15))).toBe(-480);
  });
  it('an unknown zone is refused', () => {
    expect(() => parseTimeZone('Mars/Olympus_Mons')).toThrow(new TimeError('"Mars/Olympus_Mons" is not an IANA time zone (like Europe/Berlin) or an offset (like +01:00)'));
  });
});

describe('compileDateFormat', () => {
  const cases: Array<[string, string, WallTime]> = [
    ['DD.MM.YYYY HH:mm:ss', '03.03.2025 14:02:11', { year: 2025, month: 3, day: 3, hour: 14, minute: 2, second: 11 }],
    ['D/M/YYYY', '3/7/2025', { year: 2025, month: 7, day: 3, hour: 0, minute: 0, second: 0 }],
    ['YYYYMMDD', '20250703', { year: 2025, month: 7, day: 3, hour: 0, minute: 0, second: 0 }],
    ['YYYY-MM-DD[T]HH:mm:ss.SSS', '2025-07-03T09:05:00.120', { year: 2025, month: 7, day: 3, hour: 9, minute: 5, second: 0 }],
    ['MM/DD/YYYY H:mm', '07/03/2025 9:05', { year: 2025, month: 7, day: 3, hour: 9, minute: 5, second: 0 }],
  ];
  for (const [fmt, text, wall] of cases) it(`${fmt}: ${text}`, () => expect(compileDateFormat(fmt).parse(text)).toEqual(wall));

  it('knows whether it carries a time', () => {
    expect(compileDateFormat('DD.MM.YYYY').hasTime).toBe(false);
    expect(compileDateFormat('DD.MM.YYYY HH:mm').hasTime).toBe(true);
  });
  it('text that does not fit the format', () => expect(() => compileDateFormat('DD.MM.YYYY').parse('2025-03-03')).toThrow('expected a date like DD.MM.YYYY, found "2025-03-03"'));
  it('impossible dates', () => expect(() => compileDateFormat('DD.MM.YYYY').parse('29.02.2025')).toThrow(/day 29 does not exist in 2025-02/));
  it('a format without year, month or day is refused', () => {
    expect(() => compileDateFormat('DD.MM')).toThrow(/has no year/);
    expect(() => compileDateFormat('YYYY-DD')).toThrow(/has no month/);
  });
  it('a format naming a field twice is refused', () => expect(() => compileDateFormat('YYYY-MM-DD MM')).toThrow(/names the month twice/));
});

describe('zoneOffsetAt remembers steady quarter hours', () => {
  it('agrees with Intl at every instant sampled around the year\'s changes, in zones with odd offsets and odd change times', async () => {
    const { zoneOffsetAt: cached, offsetFromIntl } = await import('../../src/domain/time.js');
    const zones = ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'America/St_Johns', 'Pacific/Chatham', 'Europe/Dublin', 'Africa/Casablanca'];
    const spans: Array<[string, number]> = [
      ['2025-03-08', 24],
      ['2025-04-05', 3],
      ['2025-09-27', 10],
      ['2025-10-25', 10],
      ['1995-09-20', 12], // Lord Howe and others changed on other rules then
    ];
    let checked = 0;
    let changes = 0;
    for (const zone of zones) {
      let previous: number | null = null;
      for (const [day, days] of spans) {
        const from = Date.parse(`${day}T00:00:00Z`);
        for (let t = from; t < from + days * 86_400_000; t += 97_000) {
          const want = offsetFromIntl(zone, t);
          expect(cached(zone, t), `${zone} ${new Date(t).toISOString()}`).toBe(want);
          if (previous !== null && want !== previous) changes++;
          previous = want;
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(100_000);
    // The spans do cross changes (else the test would prove nothing about them).
    expect(changes).toBeGreaterThan(15);
  });
});
