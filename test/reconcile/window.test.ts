/**
 * A windowed run (--from/--to) selects through indexes (src/reconcile/rows.ts, migration 015)
 * instead of scanning the store. What it finds must not change: identifiers pair across the
 * window's edge in both directions, through a PSP row's own id and through its aliases, and a
 * payout in the window is checked against every row of its batch, however early they were booked.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeScope, narrowScope } from '../../src/reconcile/rows.js';
import { reconcile } from '../../src/operations/reconcile.js';
import { parseReconcileOptions, type ReconcileOptions } from '../../src/commands/reconcile.js';
import type { ReconcileDocument } from '../../src/domain/discrepancy.js';
import { documentOf, TestStore, type RowSpec } from '../helpers/test-store.js';

let store: TestStore | undefined;
afterEach(() => {
  store?.close();
  store = undefined;
});

/**
 * Clean pairs booked in January: with them the night is a small share of the store and is
 * selected through the (side, booked_at) index (narrowScope); without them it is most of the store
 * and scanned. Both ways must find the same.
 */
const HISTORY: RowSpec[] = Array.from({ length: 40 }, (_, i) => [
  { side: 'psp' as const, id: `txn_h${i}`, amount: `${i + 1}.00`, at: `2025-01-${String((i % 28) + 1).padStart(2, '0')}` },
  { side: 'ledger' as const, id: `L-h${i}`, pspReference: `txn_h${i}`, amount: `${i + 1}.00`, at: `2025-01-${String((i % 28) + 1).padStart(2, '0')}` },
]).flat();
let withHistory = false;

async function run(rows: RowSpec[], opts: ReconcileOptions): Promise<ReconcileDocument> {
  store = new TestStore().add(...(withHistory ? HISTORY : []), ...rows);
  const ctx = store.context();
  try {
    return documentOf(await reconcile(ctx, parseReconcileOptions(opts)));
  } finally {
    ctx.close();
  }
}

const found = (d: ReconcileDocument) => d.discrepancies.map((x) => `${x.kind} ${x.psp?.id ?? '-'} ${x.ledger?.id ?? '-'}`).sort();
const night = { from: '2025-03-30', to: '2025-03-30' };

describe.each([
  ['scanned (the night is most of the store)', false],
  ['through the index (a month of history before it)', true],
])('%s', (_mode, history) => {
  beforeEach(() => {
    withHistory = history;
  });

describe('a windowed run pairs across the edge of its window', () => {
  it.each([
    ['a PSP row of the night booked by the ledger two weeks later, by its id', { pspReference: 'txn_1', at: '2025-04-14' }],
    ['... by its alias', { pspReference: 'ch_1', at: '2025-04-14' }],
    ['a PSP row of the night booked by the ledger two weeks earlier, by its id', { pspReference: 'txn_1', at: '2025-03-16' }],
  ])('%s: one late booking, not two missing items', async (_name, ledger) => {
    const doc = await run(
      [
        { side: 'psp', id: 'txn_1', aliases: ['ch_1'], amount: '120.00', at: '2025-03-30' },
        { side: 'ledger', id: 'L-1', amount: '120.00', ...ledger },
      ],
      night,
    );
    expect(found(doc)).toEqual(['date_out_of_window txn_1 L-1']);
  });

  it.each([
    ['by its id', 'txn_9'],
    ['by its alias', 'ch_9'],
  ])('an entry of the night naming a PSP row from three weeks before, %s, is a late booking', async (_name, ref) => {
    const doc = await run(
      [
        { side: 'psp', id: 'txn_9', aliases: ['ch_9'], amount: '75.00', at: '2025-03-09' },
        { side: 'ledger', id: 'L-9', pspReference: ref, amount: '75.00', at: '2025-03-30' },
      ],
      night,
    );
    expect(found(doc)).toEqual(['date_out_of_window txn_9 L-9']);
  });

  it('an entry and a PSP row both outside the window are not the run\'s business', async () => {
    const doc = await run(
      [
        { side: 'psp', id: 'txn_1', amount: '10.00', at: '2025-03-30' },
        { side: 'ledger', id: 'L-1', pspReference: 'txn_1', amount: '10.00', at: '2025-03-30' },
        { side: 'psp', id: 'txn_old', amount: '99.00', at: '2025-03-01' },
        { side: 'ledger', id: 'L-late', pspReference: 'txn_old', amount: '98.00', at: '2025-04-20' },
      ],
      night,
    );
    expect(found(doc)).toEqual([]);
  });
});

describe('a payout in the window is checked against its whole batch', () => {
  const batch = (lastAmount: string): RowSpec[] => [
    { side: 'psp', id: 'txn_a', amount: '100.00', fee: '3.20', net: '96.80', payoutId: 'po_1', at: '2025-03-20' },
    { side: 'psp', id: 'txn_b', amount: lastAmount, fee: '1.75', net: (Number(lastAmount) - 1.75).toFixed(2), payoutId: 'po_1', at: '2025-03-28' },
    { side: 'psp', id: 'txn_po', type: 'payout', amount: '-145.05', net: '-145.05', aliases: ['po_1'], at: '2025-03-30' },
    { side: 'ledger', id: 'L-po', type: 'payout', amount: '-145.05', pspReference: 'po_1', at: '2025-03-30' },
  ];
  it('rows from ten and two days before add up: nothing found', async () => {
    expect(found(await run(batch('50.00'), night))).toEqual([]);
  });
  it('one row of the batch off by a cent: payout_mismatch', async () => {
    const doc = await run(batch('50.01'), night);
    expect(doc.discrepancies.map((d) => d.kind)).toEqual(['payout_mismatch']);
    expect(doc.discrepancies[0].difference).toBe('-0.01'); // the batch's rows net 0.01 more than the payout paid
  });
});
});

describe('narrowScope: the index for a night, a scan for most of the store', () => {
  it.each([
    ['no window', undefined, undefined, true, false],
    ['one night of a month', '2025-03-30', '2025-03-30', true, true],
    ['one night of a store holding only it', '2025-03-30', '2025-03-30', false, false],
    ['the whole quarter', '2025-01-01', '2025-03-31', true, false],
  ])('%s', (_name, from, to, history, narrow) => {
    withHistory = history;
    store = new TestStore().add(...(withHistory ? HISTORY : []), { side: 'psp', id: 'n1', amount: '1.00', at: '2025-03-30' });
    expect(narrowScope(store.db, makeScope(from, to, 3)).narrow).toBe(narrow);
  });
});
