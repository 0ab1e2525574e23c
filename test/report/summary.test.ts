import { describe, expect, it } from 'vitest';
import { ageBuckets, amountAtRisk, openByKindSeverity, riskByCurrency, sourceOf } from '../../src/report/summary.js';
import { sampleRows, view } from '../helpers/report-sample.js';

describe('amountAtRisk', () => {
  it.each([
    ['difference when both sides exist', view({ difference: '-0.08' }), { currency: 'EUR', minor: 8n }],
    ['the PSP amount when the ledger side is missing', view({ ledger: null, difference: null, currency: 'KWD', psp: { id: 'p', amount: '1.250', source: 's', file: 'f', line: 1 } }), { currency: 'KWD', minor: 1250n }],
    ['the ledger amount when the PSP side is missing', view({ psp: null, difference: null, currency: 'JPY', ledger: { id: 'l', amount: '-1000', source: 'ledger', file: 'f', line: 1 } }), { currency: 'JPY', minor: 1000n }],
    ['nothing for a rejected row', view({ psp: null, ledger: null, difference: null, currency: null }), null],
  ])('%s', (_name, row, expected) => {
    expect(amountAtRisk(row)).toEqual(expected);
  });
});

describe('aggregations', () => {
  const rows = sampleRows();
  it('risk per currency counts only unresolved items, exactly', () => {
    const risk = riskByCurrency([...rows, view({ id: 99, difference: '0.02' })]);
    const eur = risk.find((r) => r.currency === 'EUR')!;
    expect(eur.total).toBe(10n); // 0.08 + 0.02; the resolved 44 is left out
    expect(eur.count).toBe(2);
  });
  it('age buckets', () => {
    expect(ageBuckets(rows).map((b) => b.count)).toEqual([1, 1, 1, 0, 1]); // 0, 3, 12, 100 days; 44 resolved
  });
  it('open by kind and severity', () => {
    expect(openByKindSeverity(rows)).toEqual([
      { kind: 'missing_in_ledger', bySeverity: { high: 1, medium: 0, low: 0 }, total: 1 },
      { kind: 'missing_in_psp', bySeverity: { high: 0, medium: 0, low: 1 }, total: 1 },
      { kind: 'amount_mismatch', bySeverity: { high: 0, medium: 1, low: 0 }, total: 1 },
      { kind: 'rejected_row', bySeverity: { high: 1, medium: 0, low: 0 }, total: 1 },
    ]);
  });
  it('provider is the PSP side source, else the ledger source', () => {
    expect(rows.map(sourceOf)).toEqual(['adyen', 'stripe', 'ledger', 'adyen', 'unknown']);
  });
});
