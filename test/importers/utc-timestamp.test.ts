/** The importers' timestamp fast path gives exactly what the full ISO parser gives, errors included. */
import { describe, expect, it } from 'vitest';
import { formatUtc, parseIsoTimestamp } from '../../src/domain/time.js';
import { RowError, timeAt, utcTimestamp } from '../../src/importers/row.js';

function viaParser(text: string, column: string): string {
  return formatUtc(timeAt(column, () => parseIsoTimestamp(text)));
}

function outcome(f: () => string): string {
  try {
    return f();
  } catch (e) {
    if (e instanceof RowError) return `RowError(${e.column}): ${e.message}`;
    throw e;
  }
}

describe('utcTimestamp', () => {
  it.each([
    ['2025-03-03', '2025-03-03T00:00:00Z'],
    ['2025-03-03 14:02:11', '2025-03-03T14:02:11Z'],
    ['2025-03-03T14:02:11', '2025-03-03T14:02:11Z'],
    ['2025-03-03T14:02:11Z', '2025-03-03T14:02:11Z'],
    ['2024-02-29', '2024-02-29T00:00:00Z'],
    ['2025-12-31 23:59:59', '2025-12-31T23:59:59Z'],
    ['0001-01-01', '0001-01-01T00:00:00Z'],
    ['0099-06-15 12:00:00', '0099-06-15T12:00:00Z'],
    ['2025-03-03T14:02:11+01:00', '2025-03-03T13:02:11Z'], // an offset: the full parser applies it
    ['2025-03-03 14:02', '2025-03-03T14:02:00Z'],
    ['2025-03-03 14:02:11z', '2025-03-03T14:02:11Z'],
    ['2025-03-03T14:02:11.250Z', '2025-03-03T14:02:11Z'],
  ])('%s -> %s', (text, expected) => {
    expect(utcTimestamp(text, 'booked_at')).toBe(expected);
    expect(utcTimestamp(text, 'booked_at')).toBe(viaParser(text, 'booked_at'));
  });

  it.each([
    '2025-02-29',
    '2025-13-01',
    '2025-00-10',
    '2025-04-31',
    '0000-01-01',
    '2025-03-03 24:00:00',
    '2025-03-03 23:60:00',
    '2025-03-03 23:59:60',
    '2025-03-03x14:02:11',
    '2025/03/03',
    '20250303',
    '2025-3-03',
    'yesterday',
    '',
  ])('rejects %j with the full parser\'s reason', (text) => {
    const got = outcome(() => utcTimestamp(text, 'created_utc'));
    expect(got).toMatch(/^RowError\(created_utc\): created_utc: /);
    expect(got).toBe(outcome(() => viaParser(text, 'created_utc')));
  });

  it('a valid day stays valid and an invalid one invalid when seen again (the per-day memo)', () => {
    for (let i = 0; i < 3; i++) {
      expect(utcTimestamp('2024-02-29 10:00:00', 'c')).toBe('2024-02-29T10:00:00Z');
      expect(outcome(() => utcTimestamp('2023-02-29 10:00:00', 'c'))).toMatch(/day 29 does not exist/);
    }
  });
});
