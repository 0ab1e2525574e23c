/**
 * The human summary: counts by kind and currency, and the ten largest differences by absolute
 * value (ties by id), whatever order the items come in.
 */
import { describe, expect, test } from 'vitest';
import { Chalk } from 'chalk';
import type { DiscrepancyItem, DiscrepancyKind, ReconcileDocument } from '../../src/domain/discrepancy.js';
import { formatSummary } from '../../src/reconcile/summary.js';

const plain = new Chalk({ level: 0 });

function item(id: number, kind: DiscrepancyKind, difference: string | null, currency: string | null = 'EUR'): DiscrepancyItem {
  return { id, kind, severity: 'high', reason: `r${id}`, currency, reference: null, psp: null, ledger: null, difference };
}

function doc(items: DiscrepancyItem[]): ReconcileDocument {
  const by_kind: Partial<Record<DiscrepancyKind, number>> = {};
  for (const d of items) by_kind[d.kind] = (by_kind[d.kind] ?? 0) + 1;
  return { run: 3, exit_code: 4, window: { from: null, to: null }, counts: { psp: 20, ledger: 20, matched: 5, discrepancies: items.length }, by_kind, discrepancies: items };
}

describe('formatSummary', () => {
  test('the ten largest differences by absolute value, ties by id, then how many more', () => {
    const items = [
      item(1, 'missing_in_ledger', '5.00'),
      item(2, 'missing_in_psp', '-700.00'),
      item(3, 'amount_mismatch', '0.01'),
      item(4, 'currency_mismatch', null, null),
      item(5, 'amount_mismatch', '-12.50', 'USD'),
      item(6, 'missing_in_ledger', '12.50', 'USD'),
      item(7, 'missing_in_ledger', '1000', 'JPY'),
      item(8, 'missing_in_psp', '-3.00'),
      item(9, 'fee_mismatch', '-0.15'),
      item(10, 'missing_in_ledger', '99.99'),
      item(11, 'missing_in_ledger', '100.00'),
      item(12, 'missing_in_ledger', '0.02'),
      item(13, 'missing_in_ledger', '2.00'),
      item(14, 'rejected_row', null, null),
    ];
    // Reverse the order too: the result must not depend on the order items arrive in.
    for (const list of [items, [...items].reverse()]) {
      const lines = formatSummary(doc(list), plain);
      const top = lines.slice(lines.indexOf('largest differences (PSP minus ledger):') + 1);
      expect(top.map((l) => l.match(/^ {2}#(\d+) /)?.[1] ?? l)).toEqual(['7', '2', '11', '10', '5', '6', '1', '8', '13', '9', '  ... 4 more: payrecon discrepancies (or --json)']);
      expect(lines).toContain('  #2 missing_in_psp -700.00 EUR r2');
    }
  });

  test('counts per kind and currency, in kind order', () => {
    const lines = formatSummary(doc([item(1, 'missing_in_ledger', '5.00'), item(2, 'missing_in_ledger', '1', 'USD'), item(3, 'amount_mismatch', '1'), item(4, 'missing_in_ledger', '2')]), plain);
    expect(lines.filter((l) => /^ {2}[a-z]/.test(l) && !l.startsWith('  #'))).toEqual([
      '  missing_in_ledger        3  (EUR 2, USD 1)',
      '  amount_mismatch          1  (EUR 1)',
    ]);
  });

  test('no items: everything matched', () => {
    expect(formatSummary(doc([]), plain).at(-1)).toBe('everything in scope matched');
  });
});
