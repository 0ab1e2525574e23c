import { describe, expect, it } from 'vitest';
import { manualMatchFinding } from '../../src/matchers/manual.js';
import { led, psp } from '../helpers/match-rows.js';

describe('manualMatchFinding: what a person\'s pairing leaves to explain', () => {
  it.each([
    ['1:1 equal: nothing', [psp('p1', '10.00')], [led('l1', '10.00')], null],
    ['1:2 summing exactly: nothing, whatever the dates', [psp('p1', '10.00', { bookedAt: '2025-01-01T00:00:00Z' })], [led('l1', '4.00'), led('l2', '6.00')], null],
    ['2:2 with a difference: one amount_mismatch, PSP minus ledger', [psp('p1', '42.00'), psp('p2', '150.00')], [led('l1', '42.00'), led('l2', '42.00')], '10800'],
    ['ledger larger: a negative difference', [psp('p1', '9.99')], [led('l1', '10.00')], '-1'],
    ['payouts compare by magnitude', [psp('p1', '-96.80', { type: 'payout' })], [led('l1', '96.80', { type: 'payout' })], null],
  ])('%s', (_name, p, l, diff) => {
    const f = manualMatchFinding(7, p, l);
    if (diff === null) return expect(f).toBeNull();
    expect(f).toMatchObject({ kind: 'amount_mismatch', differenceMinor: BigInt(diff), currency: 'EUR' });
    expect(f!.reason).toMatch(/^manual match 7: /);
    expect(f!.fingerprint).toContain('|manual:7:');
  });

  it('the fingerprint does not depend on the order the rows were named', () => {
    const a = [psp('pa', '1.00'), psp('pb', '2.00')];
    const b = [led('la', '1.00')];
    expect(manualMatchFinding(1, a, b)!.fingerprint).toBe(manualMatchFinding(1, [...a].reverse(), b)!.fingerprint);
  });
});
