import { describe, expect, test } from 'vitest';
import { resolveGroup } from '../../src/matchers/index.js';
import { led, opts, psp } from '../helpers/match-rows.js';

describe('resolveGroup', () => {
  test('one PSP row, one ledger entry: a pair', () => {
    const p = psp('t1', '10.00');
    const l = led('L1', '10.00');
    const d = resolveGroup([p], [l], opts(), 'id');
    expect(d.pairings).toEqual([{ rule: 'id', psp: [p], ledger: [l] }]);
  });

  const oneToMany = [
    { name: 'split booking summing exactly', ledger: ['60.00', '40.00'], rule: 'split', finding: undefined, paired: 2 },
    { name: 'split booking in JPY', ledger: ['7000', '3000'], currency: 'JPY', pspAmount: '10000', rule: 'split', finding: undefined, paired: 2 },
    { name: 'booked twice: one duplicate discrepancy', ledger: ['100.00', '100.00'], rule: 'id', finding: 'duplicate', paired: 2 },
    { name: 'booked three times', ledger: ['100.00', '100.00', '100.00'], rule: 'id', finding: 'duplicate', paired: 3 },
    { name: 'one matching entry and an unrelated one', ledger: ['100.00', '7.00'], rule: 'id', finding: undefined, paired: 1 },
    { name: 'parts that do not add up, named by PSP reference', ledger: ['60.00', '30.00'], rule: 'split', finding: undefined, paired: 2 },
  ];
  test.each(oneToMany)('$name', ({ ledger, rule, finding, paired, currency, pspAmount }) => {
    const p = psp('t1', pspAmount ?? '100.00', { currency });
    const ls = ledger.map((a, i) => led(`L${i}`, a, { currency, bookedAt: `2025-03-1${i}T00:00:00Z` }));
    const d = resolveGroup([p], ls, opts(), 'id');
    expect(d.pairings).toHaveLength(1);
    expect(d.pairings[0].rule).toBe(rule);
    expect(d.pairings[0].finding?.kind).toBe(finding);
    expect(d.pairings[0].ledger).toHaveLength(paired);
  });

  test('a duplicate shows the later booking as the ledger side and the surplus as difference', () => {
    const p = psp('t1', '100.00');
    const first = led('L1', '100.00', { bookedAt: '2025-03-10T00:00:00Z' });
    const again = led('L2', '100.00', { bookedAt: '2025-03-11T00:00:00Z' });
    const f = resolveGroup([p], [again, first], opts(), 'id').pairings[0].finding!;
    expect(f.ledger).toEqual([again]);
    expect(f.differenceMinor).toBe(-10000n);
    expect(f.reason).toMatch(/booked 2 times/);
    expect(f.fingerprint).toBe('duplicate|psp:stripe:t1|ledger:ledger:L1+ledger:L2');
  });

  test('by reference, parts that do not add up are left for later stages', () => {
    const d = resolveGroup([psp('t1', '100.00')], [led('L1', '60.00'), led('L2', '30.00')], opts(), 'reference');
    expect(d.pairings).toEqual([]);
    expect(d.notes.length).toBe(3);
  });

  test('two partial captures booked once', () => {
    const ps = [psp('cap1', '30.00'), psp('cap2', '70.00')];
    const d = resolveGroup(ps, [led('L1', '100.00')], opts(), 'id');
    expect(d.pairings[0].rule).toBe('split');
    expect(d.pairings[0].psp).toHaveLength(2);
  });

  test('several PSP rows, one entry equal to one of them', () => {
    const a = psp('re1', '-10.00', { type: 'refund' });
    const b = psp('re2', '-25.00', { type: 'refund' });
    const l = led('L1', '-25.00', { type: 'refund' });
    const d = resolveGroup([a, b], [l], opts(), 'id');
    expect(d.pairings).toEqual([{ rule: 'id', psp: [b], ledger: [l] }]);
    expect(d.notes.map((n) => n.rowId)).toEqual([a.id]);
  });

  test('several PSP rows of the same amount for one entry: ambiguous, nothing paired', () => {
    const d = resolveGroup([psp('a', '10.00'), psp('b', '10.00')], [led('L1', '10.00')], opts(), 'id');
    expect(d.pairings).toEqual([]);
    expect(d.notes.every((n) => n.note.startsWith('ambiguous'))).toBe(true);
  });

  test('many to many pairs only where the amount is unique on both sides', () => {
    const ps = [psp('a', '10.00'), psp('b', '20.00'), psp('c', '20.00')];
    const ls = [led('L1', '10.00'), led('L2', '20.00'), led('L3', '20.00')];
    const d = resolveGroup(ps, ls, opts(), 'id');
    expect(d.pairings.map((p) => [p.psp[0].externalId, p.ledger[0].externalId])).toEqual([['a', 'L1']]);
    expect(d.notes).toHaveLength(4);
  });
});
