import { describe, expect, it } from 'vitest';
import { layoutColumns, nextSort, sortItems, type SortOrder } from '../../src/ui/triage-columns.js';
import { view } from '../helpers/report-sample.js';

const ids = (order: SortOrder, items = sample()) => sortItems(items, order).map((i) => i.id);

function sample() {
  return [
    view({ id: 1, kind: 'amount_mismatch', reference: 'ORD-10', difference: '-100.00', age_days: 3 }),
    view({ id: 2, kind: 'currency_mismatch', reference: 'ORD-9', difference: null, currency: null, age_days: 30 }),
    view({ id: 3, kind: 'duplicate', reference: null, psp: null, ledger: null, difference: '99.99', age_days: 3, status: 'acknowledged' }),
    view({ id: 4, kind: 'amount_mismatch', reference: 'ord-2', difference: '0.01', age_days: 12, assignee: 'bob' }),
  ];
}

describe('sortItems', () => {
  it.each<[string, SortOrder, number[]]>([
    ['id ascending', { column: 'id', dir: 'asc' }, [1, 2, 3, 4]],
    ['id descending', { column: 'id', dir: 'desc' }, [4, 3, 2, 1]],
    ['kind, ties by id', { column: 'kind', dir: 'asc' }, [1, 4, 2, 3]],
    // Natural order (ORD-2 before ORD-10), case folded; an item without a reference shows its
    // row id, and one with neither goes last.
    ['reference', { column: 'reference', dir: 'asc' }, [4, 2, 1, 3]],
    ['reference reversed keeps the blank last', { column: 'reference', dir: 'desc' }, [1, 2, 4, 3]],
    // Largest difference first whatever its sign, as decimals; no difference (a currency mismatch) last.
    ['difference, largest first', { column: 'difference', dir: 'desc' }, [1, 3, 4, 2]],
    ['difference, smallest first', { column: 'difference', dir: 'asc' }, [4, 3, 1, 2]],
    ['age, oldest first', { column: 'age', dir: 'desc' }, [2, 4, 1, 3]],
    ['status: open before acknowledged', { column: 'status', dir: 'asc' }, [1, 2, 4, 3]],
    ['owner: the owned first, the rest after', { column: 'owner', dir: 'asc' }, [4, 1, 2, 3]],
  ])('%s', (_name, order, expected) => {
    expect(ids(order)).toEqual(expected);
  });

  it('compares differences within a currency only: currencies A to Z, then largest first', () => {
    const mixed = [view({ id: 1, difference: '1.00', currency: 'EUR' }), view({ id: 2, difference: '-100', currency: 'JPY' }), view({ id: 3, difference: '5.00', currency: 'EUR' })];
    expect(ids({ column: 'difference', dir: 'desc' }, mixed)).toEqual([3, 1, 2]);
    expect(ids({ column: 'difference', dir: 'asc' }, mixed)).toEqual([1, 3, 2]);
  });

  it('compares money exactly, beyond what a JS number holds', () => {
    const big = [view({ id: 1, difference: '90071992547409.93' }), view({ id: 2, difference: '90071992547409.92' })];
    expect(ids({ column: 'difference', dir: 'asc' }, big)).toEqual([2, 1]);
  });
});

describe('nextSort', () => {
  it('moves to the next column in its first direction, and wraps round', () => {
    const shown = ['id', 'kind', 'difference', 'age'] as const;
    expect(nextSort({ column: 'id', dir: 'desc' }, [...shown])).toEqual({ column: 'kind', dir: 'asc' });
    expect(nextSort({ column: 'kind', dir: 'asc' }, [...shown])).toEqual({ column: 'difference', dir: 'desc' });
    expect(nextSort({ column: 'age', dir: 'desc' }, [...shown])).toEqual({ column: 'id', dir: 'asc' });
  });
});

describe('layoutColumns', () => {
  const width = (cols: ReturnType<typeof layoutColumns>) => 2 + cols.reduce((n, c) => n + c.width + 1, -1);

  it('sizes each column to its widest cell (or header) and gives the reason the rest of the line', () => {
    const cols = layoutColumns(sample(), 120);
    const w = Object.fromEntries(cols.map((c) => [c.id, c.width]));
    expect(w.id).toBe(3); // "ID" and room for the sort arrow
    expect(w.kind).toBe('currency_mismatch'.length);
    expect(w.difference).toBe('-100.00 EUR'.length);
    expect(w.owner).toBe('OWNER'.length + 1);
    expect(width(cols)).toBe(120);
  });

  it('shows no owner column when nobody owns a listed item', () => {
    const cols = layoutColumns(sample().map((i) => ({ ...i, assignee: null })), 120);
    expect(cols.map((c) => c.id)).toEqual(['id', 'kind', 'reference', 'difference', 'age', 'status', 'reason']);
  });

  it('a long reference shrinks, then the reason goes, to fit a narrow terminal', () => {
    const items = [view({ id: 1, reference: 'R'.repeat(80) })];
    expect(layoutColumns(items, 200).find((c) => c.id === 'reference')!.width).toBe(80);
    const narrow = layoutColumns(items, 59);
    expect(narrow.map((c) => c.id)).not.toContain('reason');
    expect(width(narrow)).toBeLessThanOrEqual(59);
    expect(narrow.find((c) => c.id === 'reference')!.width).toBeGreaterThanOrEqual(9);
  });

  it('measures wide characters by the cells they take', () => {
    const cols = layoutColumns([view({ id: 1, reference: '注文番号12' })], 120);
    expect(cols.find((c) => c.id === 'reference')!.width).toBe('REFERENCE'.length + 1);
    const wide = layoutColumns([view({ id: 1, reference: '注文番号注文番号12' })], 120);
    expect(wide.find((c) => c.id === 'reference')!.width).toBe(18);
  });
});
