import { describe, expect, test } from 'vitest';
import { classifyPair } from '../../src/matchers/index.js';
import { led, opts, psp } from '../helpers/match-rows.js';

describe('classifyPair', () => {
  const cases = [
    { name: 'identical pair is clean', p: psp('t1', '12.30'), l: led('L1', '12.30'), o: opts(), kind: null, diff: null },
    { name: 'amount beyond zero tolerance', p: psp('t1', '57.28'), l: led('L1', '57.20'), o: opts(), kind: 'amount_mismatch', diff: 8n },
    { name: 'amount within tolerance is clean', p: psp('t1', '57.28'), l: led('L1', '57.20'), o: opts('0.08'), kind: null, diff: null },
    { name: 'amount just beyond tolerance', p: psp('t1', '57.28'), l: led('L1', '57.19'), o: opts('0.08'), kind: 'amount_mismatch', diff: 9n },
    { name: 'JPY amounts have no minor digits', p: psp('t1', '1000', { currency: 'JPY' }), l: led('L1', '999', { currency: 'JPY' }), o: opts(), kind: 'amount_mismatch', diff: 1n },
    { name: 'JPY tolerance of 0.5 rounds down to 0 yen', p: psp('t1', '1000', { currency: 'JPY' }), l: led('L1', '999', { currency: 'JPY' }), o: opts('0.5'), kind: 'amount_mismatch', diff: 1n },
    { name: 'KWD three decimals: 1 fils differs', p: psp('t1', '1.250', { currency: 'KWD' }), l: led('L1', '1.249', { currency: 'KWD' }), o: opts(), kind: 'amount_mismatch', diff: 1n },
    { name: 'KWD within 0.001 tolerance', p: psp('t1', '1.250', { currency: 'KWD' }), l: led('L1', '1.249', { currency: 'KWD' }), o: opts('0.001'), kind: null, diff: null },
    { name: 'wrong currency wins over amount', p: psp('t1', '10.00', { currency: 'USD' }), l: led('L1', '11.00', { currency: 'EUR' }), o: opts(), kind: 'currency_mismatch', diff: null },
    { name: 'fee stated on both sides and different', p: psp('t1', '100.00', { fee: '2.90' }), l: led('L1', '100.00', { fee: '2.50' }), o: opts(), kind: 'fee_mismatch', diff: 40n },
    { name: 'fee only on PSP side is not compared', p: psp('t1', '100.00', { fee: '2.90' }), l: led('L1', '100.00'), o: opts(), kind: null, diff: null },
    { name: 'late booking beyond the window', p: psp('t1', '10.00', { bookedAt: '2025-03-10T23:00:00Z' }), l: led('L1', '10.00', { bookedAt: '2025-03-14T01:00:00Z' }), o: opts(), kind: 'date_out_of_window', diff: 0n },
    { name: 'booking exactly at the window edge', p: psp('t1', '10.00', { bookedAt: '2025-03-10T23:00:00Z' }), l: led('L1', '10.00', { bookedAt: '2025-03-13T01:00:00Z' }), o: opts(), kind: null, diff: null },
    { name: 'zero window: next-day booking is late', p: psp('t1', '10.00'), l: led('L1', '10.00', { bookedAt: '2025-03-11T08:00:00Z' }), o: opts('0', 0), kind: 'date_out_of_window', diff: 0n },
    { name: 'amount beats date in priority', p: psp('t1', '10.00'), l: led('L1', '9.00', { bookedAt: '2025-03-20T08:00:00Z' }), o: opts(), kind: 'amount_mismatch', diff: 100n },
    { name: 'payouts compare magnitudes', p: psp('po1', '-500.00', { type: 'payout' }), l: led('L1', '500.00', { type: 'payout' }), o: opts(), kind: null, diff: null },
    { name: 'payout magnitude differs', p: psp('po1', '-500.00', { type: 'payout' }), l: led('L1', '-499.00', { type: 'payout' }), o: opts(), kind: 'amount_mismatch', diff: 100n },
  ] as const;

  test.each(cases)('$name', ({ p, l, o, kind, diff }) => {
    const f = classifyPair([p], [l], o, 'id');
    expect(f?.kind ?? null).toBe(kind);
    expect(f?.differenceMinor ?? null).toBe(diff);
  });

  test.each([
    ['id', 'paired by PSP reference'],
    ['reference', 'paired by merchant reference'],
    ['split', 'paired by split'],
    ['amount_date', 'paired by amount + date'],
    ['payout_id', 'paired by payout id'],
  ] as const)('the reason names rule %s as "%s"', (rule, label) => {
    const f = classifyPair([psp('t1', '10.00')], [led('L1', '9.00')], opts(), rule);
    expect(f?.reason).toContain(`(${label}: PSP `);
  });

  test('a split group compares the sum of its parts', () => {
    const p = psp('t1', '100.00');
    expect(classifyPair([p], [led('L1', '60.00'), led('L2', '40.00')], opts(), 'split')).toBeNull();
    const f = classifyPair([p], [led('L1', '60.00'), led('L2', '39.00')], opts(), 'split');
    expect(f?.kind).toBe('amount_mismatch');
    expect(f?.differenceMinor).toBe(100n);
  });

  test('the reason lists every difference; the fingerprint names rows and what differs', () => {
    const f = classifyPair([psp('t9', '10.00', { reference: 'ORD-9' })], [led('L9', '9.50', { bookedAt: '2025-03-20T00:00:00Z' })], opts(), 'id')!;
    expect(f.reason).toMatch(/amount differs by 0.50 EUR/);
    expect(f.reason).toMatch(/booked 10 days apart/);
    expect(f.reference).toBe('ORD-9');
    expect(f.fingerprint).toBe('amount_mismatch|psp:stripe:t9|ledger:ledger:L9|1000/950');
    expect(f.severity).toBe('high'); // 5% of the amount
  });

  test('a small amount difference is medium severity', () => {
    const f = classifyPair([psp('t1', '1000.00')], [led('L1', '999.99')], opts(), 'id')!;
    expect(f.severity).toBe('medium');
  });
});
