import { describe, expect, test } from 'vitest';
import { dayDistance, matchSplit, missingFinding, pickUniquePairs, rejectedFinding, severityOf, verifyPayout } from '../../src/matchers/index.js';
import { led, opts, psp } from '../helpers/match-rows.js';

describe('matchSplit (by reference, parts summing exactly)', () => {
  const cases = [
    { name: 'one charge booked in two lines', p: ['100.00'], l: ['70.00', '30.00'], ok: true },
    { name: 'two partial captures booked once', p: ['40.00', '60.00'], l: ['100.00'], ok: true },
    { name: 'off by a cent is not a split', p: ['100.00'], l: ['70.00', '29.99'], ok: false },
    { name: 'a plain pair is not a split', p: ['100.00'], l: ['100.00'], ok: false },
    { name: 'many to many is never guessed', p: ['50.00', '50.00'], l: ['60.00', '40.00'], ok: false },
  ];
  test.each(cases)('$name', ({ p, l, ok }) => {
    const r = matchSplit(
      p.map((a, i) => psp(`p${i}`, a)),
      l.map((a, i) => led(`l${i}`, a)),
    );
    expect(r !== null).toBe(ok);
    if (r) expect(r.rule).toBe('split');
  });

  test('parts in another currency do not count', () => {
    expect(matchSplit([psp('p', '100.00')], [led('a', '70.00'), led('b', '30.00', { currency: 'USD' })])).toBeNull();
  });
});

describe('pickUniquePairs (amount + currency + date window)', () => {
  test('unique on both sides: paired', () => {
    const p = psp('t1', '42.00');
    const l = led('L1', '42.00');
    const d = pickUniquePairs([[p, l]], 3);
    expect(d.pairings).toHaveLength(1);
    expect(d.notes).toEqual([]);
  });

  test('two ledger candidates: nothing guessed, both sides told why', () => {
    const p = psp('t1', '42.00');
    const a = led('L1', '42.00');
    const b = led('L2', '42.00');
    const d = pickUniquePairs([[p, a], [p, b]], 3);
    expect(d.pairings).toEqual([]);
    const byRow = new Map(d.notes.map((n) => [n.rowId, n.note]));
    expect(byRow.get(p.id)).toMatch(/ambiguous: 2 ledger candidates with 42.00 EUR within 3 days \(L1, L2\)/);
    expect(byRow.get(a.id)).toMatch(/ambiguous/);
    expect(byRow.get(b.id)).toMatch(/ambiguous/);
  });

  test('a contested row does not block an unrelated unique pair', () => {
    const p1 = psp('t1', '42.00');
    const p2 = psp('t2', '42.00');
    const l1 = led('L1', '42.00');
    const p3 = psp('t3', '7.00');
    const l3 = led('L3', '7.00');
    const d = pickUniquePairs([[p1, l1], [p2, l1], [p3, l3]], 3);
    expect(d.pairings.map((x) => x.psp[0].externalId)).toEqual(['t3']);
  });
});

describe('verifyPayout (|sum of rows net| = |payout net|)', () => {
  const cases = [
    { name: 'Stripe: payout row gross negative, rows net positive', payout: psp('po_1', '-216.22', { type: 'payout', net: '-216.22' }), rowsNet: 21622n, ok: true },
    { name: 'Adyen: MerchantPayout net debit equals credits minus debits', payout: psp('batch:118', '-98.35', { type: 'payout', net: '-98.35' }), rowsNet: 9835n, ok: true },
    { name: 'ledger-style positive payout row', payout: psp('po_2', '50.00', { type: 'payout' }), rowsNet: 5000n, ok: true },
    { name: 'payout short by 1.00', payout: psp('po_3', '-215.22', { type: 'payout', net: '-215.22' }), rowsNet: 21622n, ok: false },
    { name: 'JPY payout that does not add up', payout: psp('po_4', '-9000', { type: 'payout', currency: 'JPY', net: '-9000' }), rowsNet: 10000n, ok: false },
  ];
  test.each(cases)('$name', ({ payout, rowsNet, ok }) => {
    const f = verifyPayout({ source: 'stripe', payoutId: payout.externalId, currency: payout.currency, payoutRows: [payout], rowsNetMinor: rowsNet, rowCount: 3 });
    expect(f === null).toBe(ok);
    if (f) {
      expect(f.kind).toBe('payout_mismatch');
      expect(f.severity).toBe('high');
      expect(f.reason).toContain(payout.externalId);
    }
  });

  test('difference is paid minus what the rows net to', () => {
    const p = psp('po_3', '-215.22', { type: 'payout', net: '-215.22' });
    const f = verifyPayout({ source: 'stripe', payoutId: 'po_3', currency: 'EUR', payoutRows: [p], rowsNetMinor: 21622n, rowCount: 3 })!;
    expect(f.differenceMinor).toBe(-100n);
    expect(f.fingerprint).toBe('payout_mismatch|psp:stripe:po_3|21522/21622');
  });
});

describe('leftovers', () => {
  test('missing in ledger: difference is the PSP amount, reason says what was looked for', () => {
    const f = missingFinding(psp('t1', '12.30', { reference: 'ORD-1' }), opts(), ['ambiguous: 2 ledger candidates']);
    expect(f.kind).toBe('missing_in_ledger');
    expect(f.differenceMinor).toBe(1230n);
    expect(f.reason).toMatch(/no ledger entry books t1 .*reference ORD-1.*; ambiguous: 2 ledger candidates/);
  });

  test('missing at the PSP: difference is minus the ledger amount', () => {
    const f = missingFinding(led('L1', '1.250', { currency: 'KWD' }), opts());
    expect(f.kind).toBe('missing_in_psp');
    expect(f.differenceMinor).toBe(-1250n);
    expect(f.fingerprint).toBe('missing_in_psp|ledger:ledger:L1|KWD:1250');
  });

  test('rejected row names file, line and reason', () => {
    const f = rejectedFinding({ id: 4, side: 'ledger', source: 'ledger', file: 'ledger.csv', line: 17, column: 'amount', reason: 'expected a decimal amount like 12.30, found "N/A"' });
    expect(f.kind).toBe('rejected_row');
    expect(f.reason).toMatch(/ledger\.csv:17 \(column amount\).*N\/A/);
    expect(f.fingerprint).toBe('rejected_row|reject:4');
  });
});

describe('facts', () => {
  test.each([
    ['2025-03-10T23:59:59Z', '2025-03-11T00:00:00Z', 1],
    ['2025-03-31T12:00:00Z', '2025-04-03T01:00:00Z', 3],
    ['2025-02-28T00:00:00Z', '2025-03-01T00:00:00Z', 1],
    ['2025-03-30T00:00:00Z', '2025-03-30T23:00:00Z', 0],
  ])('dayDistance(%s, %s) = %i calendar days', (a, b, n) => {
    expect(dayDistance(a, b)).toBe(n);
    expect(dayDistance(b, a)).toBe(n);
  });

  test.each([
    ['missing_in_ledger', 'high'],
    ['missing_in_psp', 'high'],
    ['currency_mismatch', 'high'],
    ['duplicate', 'high'],
    ['payout_mismatch', 'high'],
    ['fee_mismatch', 'medium'],
    ['rejected_row', 'medium'],
    ['date_out_of_window', 'low'],
  ] as const)('%s is %s severity', (kind, sev) => {
    expect(severityOf(kind)).toBe(sev);
  });
});
