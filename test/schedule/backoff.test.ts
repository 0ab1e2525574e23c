import { describe, expect, it } from 'vitest';
import { parseRetryAfter, retryDelay } from '../../src/schedule/backoff.js';

const policy = { baseMs: 100, maxMs: 1000 };

describe('retryDelay: exponential backoff with full jitter', () => {
  // attempt, random, expected delay
  const cases: Array<[number, number, number | undefined, number]> = [
    [1, 0.999, undefined, 99], // ceiling 100
    [2, 0.5, undefined, 100], // ceiling 200
    [3, 0.5, undefined, 200], // ceiling 400
    [5, 0.999, undefined, 999], // ceiling capped at 1000
    [50, 0.5, undefined, 500], // no overflow for long outages
    [1, 0, undefined, 0], // full jitter reaches down to zero
    [1, 0.1, 700, 700], // Retry-After wins when longer
    [1, 0.1, 5000, 1000], // ...but never beyond the cap
  ];
  it.each(cases)('attempt %i, random %f, retry-after %s -> %i ms', (attempt, r, retryAfter, expected) => {
    expect(retryDelay(policy, attempt, () => r, retryAfter)).toBe(expected);
  });
});

describe('parseRetryAfter', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  it.each([
    ['120', 120_000],
    ['Thu, 01 Jan 2026 00:00:30 GMT', 30_000],
    ['soon', undefined],
    [null, undefined],
  ] as Array<[string | null, number | undefined]>)('%s', (h, ms) => expect(parseRetryAfter(h, now)).toBe(ms));
});
