import { describe, expect, it } from 'vitest';
import { diffFindings, fingerprint } from '../../src/schedule/fingerprint.js';

const disc = {
  id: 41,
  kind: 'amount_mismatch',
  currency: 'EUR',
  reference: 'ORD-2002',
  psp: { id: '8815000000000002', amount: '57.28', source: 'adyen', file: '/in/a.csv', line: 3 },
  ledger: { id: 'L-9912', amount: '57.20', source: 'ledger', file: '/in/l.csv', line: 88 },
  difference: '0.08',
};

describe('fingerprint: the same finding is the same, whatever run reported it', () => {
  const same: Array<[string, unknown]> = [
    ['another database id', { ...disc, id: 97 }],
    ['another import file and line', { ...disc, psp: { ...disc.psp, file: '/in/b.csv', line: 9 } }],
    ['keys in another order', Object.fromEntries(Object.entries(disc).reverse())],
    ['aged, with a status', { ...disc, age_days: 4, status: 'open', first_seen_run: 2 }],
  ];
  it.each(same)('unchanged: %s', (_n, variant) => expect(fingerprint(variant)).toBe(fingerprint(disc)));

  const different: Array<[string, unknown]> = [
    ['the amount changed', { ...disc, psp: { ...disc.psp, amount: '57.29' }, difference: '0.09' }],
    ['another PSP row', { ...disc, psp: { ...disc.psp, id: '8815000000000003' } }],
    ['another kind', { ...disc, kind: 'fee_mismatch' }],
  ];
  it.each(different)('changed: %s', (_n, variant) => expect(fingerprint(variant)).not.toBe(fingerprint(disc)));
});

describe('diffFindings', () => {
  const a = { path: '/a', kind: 'changed', attributes: ['sha256'] };
  const b = { path: '/b', kind: 'added' };
  const c = { path: '/c', kind: 'removed' };
  const cases: Array<[string, unknown[], unknown[], string[], number]> = [
    // name, alerted before, this run, fresh paths, gone count
    ['first run: all fresh', [], [a, b], ['/a', '/b'], 0],
    ['nothing new', [a, b], [a, b], [], 0],
    ['one new, one gone', [a, b], [a, c], ['/c'], 1],
    ['duplicates in one run collapse', [], [a, a], ['/a'], 0],
    ['everything gone', [a], [], [], 1],
  ];
  it.each(cases)('%s', (_n, before, now, freshPaths, gone) => {
    const d = diffFindings(now, new Set(before.map(fingerprint)));
    expect(d.fresh.map((f) => (f.item as { path: string }).path)).toEqual(freshPaths);
    expect(d.gone).toHaveLength(gone);
  });
});
