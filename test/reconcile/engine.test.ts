/**
 * The engine over a real (temporary) store, rows inserted directly: each discrepancy kind,
 * open items across runs, and the run's atomicity.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { parseReconcileOptions, type ReconcileOptions } from '../../src/commands/reconcile.js';
import type { CommandContext } from '../../src/context.js';
import { reconcile as reconcileOperation } from '../../src/operations/reconcile.js';
import { listDiscrepancies, matchedTotals, setDiscrepancyStatus } from '../../src/db/discrepancies.js';
import type { ReconcileDocument } from '../../src/domain/discrepancy.js';
import { documentOf, TestStore, type RowSpec } from '../helpers/test-store.js';

let store: TestStore | undefined;

/** What `payrecon reconcile` does with its options: parse them (16 when wrong), then reconcile. */
function reconcile(ctx: CommandContext, opts: ReconcileOptions): Promise<ReconcileDocument> {
  return Promise.resolve()
    .then(() => reconcileOperation(ctx, parseReconcileOptions(opts)))
    .then(documentOf);
}
afterEach(() => {
  store?.close();
  store = undefined;
});

async function run(rows: RowSpec[], params: Parameters<typeof reconcile>[1] = {}): Promise<ReconcileDocument> {
  store = new TestStore().add(...rows);
  const ctx = store.context();
  try {
    return await reconcile(ctx, params);
  } finally {
    ctx.close();
  }
}

async function again(params: Parameters<typeof reconcile>[1] = {}, now?: Date): Promise<ReconcileDocument> {
  const ctx = store!.context({ now });
  try {
    return await reconcile(ctx, params);
  } finally {
    ctx.close();
  }
}

const kinds = (d: ReconcileDocument) => d.discrepancies.map((x) => x.kind).sort();

describe('one scenario per kind', () => {
  const cases: Array<{ name: string; rows: RowSpec[]; params?: Parameters<typeof reconcile>[1]; kinds: string[]; exit: number; matched: number }> = [
    {
      name: 'exact id through an alias, clean',
      rows: [
        { side: 'psp', id: 'txn_1', aliases: ['ch_1'], amount: '120.00', currency: 'USD' },
        { side: 'ledger', id: 'L-1', pspReference: 'ch_1', amount: '120.00', currency: 'USD', at: '2025-03-11' },
      ],
      kinds: [],
      exit: 0,
      matched: 1,
    },
    {
      name: 'missing in ledger and missing at PSP',
      rows: [
        { side: 'psp', id: 'txn_1', amount: '10.00', reference: 'A' },
        { side: 'ledger', id: 'L-9', amount: '99.00', reference: 'B' },
      ],
      kinds: ['missing_in_ledger', 'missing_in_psp'],
      exit: 3,
      matched: 0,
    },
    {
      name: 'amount mismatch by PSP reference',
      rows: [
        { side: 'psp', id: '8815000000000002', amount: '57.28', reference: 'ORD-2002', source: 'adyen' },
        { side: 'ledger', id: 'L-9912', pspReference: '8815000000000002', amount: '57.20', reference: 'ORD-2002' },
      ],
      kinds: ['amount_mismatch'],
      exit: 4,
      matched: 0,
    },
    {
      name: 'amount within tolerance by merchant reference',
      rows: [
        { side: 'psp', id: 't1', amount: '57.28', reference: 'ORD-1' },
        { side: 'ledger', id: 'L-1', amount: '57.25', reference: 'ORD-1' },
      ],
      params: { amountTolerance: '0.05' },
      kinds: [],
      exit: 0,
      matched: 1,
    },
    {
      name: 'wrong currency by reference',
      rows: [
        { side: 'psp', id: 't1', amount: '10.00', currency: 'USD', reference: 'ORD-1' },
        { side: 'ledger', id: 'L-1', amount: '10.00', currency: 'EUR', reference: 'ORD-1' },
      ],
      kinds: ['currency_mismatch'],
      exit: 4,
      matched: 0,
    },
    {
      name: 'fee stated on both sides and different',
      rows: [
        { side: 'psp', id: 't1', amount: '100.00', fee: '2.90', pspReference: undefined, reference: 'ORD-1' },
        { side: 'ledger', id: 'L-1', amount: '100.00', fee: '2.50', reference: 'ORD-1' },
      ],
      kinds: ['fee_mismatch'],
      exit: 4,
      matched: 0,
    },
    {
      name: 'late booking by PSP reference',
      rows: [
        { side: 'psp', id: 't1', amount: '10.00', at: '2025-03-03' },
        { side: 'ledger', id: 'L-1', amount: '10.00', pspReference: 't1', at: '2025-03-12' },
      ],
      kinds: ['date_out_of_window'],
      exit: 4,
      matched: 0,
    },
    {
      name: 'booked twice: one duplicate, nothing missing',
      rows: [
        { side: 'psp', id: 't1', amount: '10.00' },
        { side: 'ledger', id: 'L-1', amount: '10.00', pspReference: 't1' },
        { side: 'ledger', id: 'L-2', amount: '10.00', pspReference: 't1', at: '2025-03-11' },
      ],
      kinds: ['duplicate'],
      exit: 4,
      matched: 0,
    },
    {
      name: 'booked twice by reference only',
      rows: [
        { side: 'psp', id: 't1', amount: '10.00', reference: 'ORD-7' },
        { side: 'ledger', id: 'L-1', amount: '10.00', reference: 'ORD-7' },
        { side: 'ledger', id: 'L-2', amount: '10.00', reference: 'ORD-7', at: '2025-03-11' },
      ],
      kinds: ['duplicate'],
      exit: 4,
      matched: 0,
    },
    {
      name: 'split booking by reference matches',
      rows: [
        { side: 'psp', id: 't1', amount: '100.00', reference: 'ORD-5' },
        { side: 'ledger', id: 'L-1', amount: '70.00', reference: 'ORD-5' },
        { side: 'ledger', id: 'L-2', amount: '30.00', reference: 'ORD-5' },
      ],
      kinds: [],
      exit: 0,
      matched: 1,
    },
    {
      name: 'two partial captures booked once',
      rows: [
        { side: 'psp', id: 'cap1', amount: '40.00', reference: 'ORD-6' },
        { side: 'psp', id: 'cap2', amount: '60.00', reference: 'ORD-6' },
        { side: 'ledger', id: 'L-1', amount: '100.00', reference: 'ORD-6' },
      ],
      kinds: [],
      exit: 0,
      matched: 2,
    },
    {
      name: 'amount + date unique pairs; JPY and KWD',
      rows: [
        { side: 'psp', id: 't1', amount: '5000', currency: 'JPY' },
        { side: 'ledger', id: 'L-1', amount: '5000', currency: 'JPY', at: '2025-03-12' },
        { side: 'psp', id: 't2', amount: '1.250', currency: 'KWD' },
        { side: 'ledger', id: 'L-2', amount: '1.250', currency: 'KWD', at: '2025-03-11' },
      ],
      params: { autoConfirm: '40' },
      kinds: [],
      exit: 0,
      matched: 2,
    },
    {
      // Issue 11: by default amount + date alone (confidence 40) is below --auto-confirm (50).
      name: 'amount + date pairings are proposals by default: both rows stay open with their bits',
      rows: [
        { side: 'psp', id: 't1', amount: '5000', currency: 'JPY' },
        { side: 'ledger', id: 'L-1', amount: '5000', currency: 'JPY', at: '2025-03-12' },
      ],
      kinds: ['missing_in_ledger', 'missing_in_psp'],
      exit: 3,
      matched: 0,
    },
    {
      name: 'references that both exist and differ are never paired by amount, at any confidence',
      rows: [
        { side: 'psp', id: 'ch_1234', amount: '10.00', reference: 'ORD-00001234' },
        { side: 'ledger', id: 'L-1', amount: '10.00', reference: 'ORD-X00005678', at: '2025-03-11' },
      ],
      params: { autoConfirm: '0' },
      kinds: ['missing_in_ledger', 'missing_in_psp'],
      exit: 3,
      matched: 0,
    },
    {
      name: 'a ledger PSP id naming none of the row\'s ids is never paired by amount, at any confidence',
      rows: [
        { side: 'psp', id: 'ch_1234', aliases: ['txn_1234'], amount: '10.00' },
        { side: 'ledger', id: 'L-1', amount: '10.00', pspReference: 'ch_x5678', at: '2025-03-11' },
      ],
      params: { autoConfirm: '0' },
      kinds: ['missing_in_ledger', 'missing_in_psp'],
      exit: 3,
      matched: 0,
    },
    {
      name: 'one reference missing is no contradiction: paired by amount at --auto-confirm 40',
      rows: [
        { side: 'psp', id: 'ch_1234', amount: '10.00', reference: 'ORD-1' },
        { side: 'ledger', id: 'L-1', amount: '10.00', at: '2025-03-11' },
      ],
      params: { autoConfirm: '40' },
      kinds: [],
      exit: 0,
      matched: 1,
    },
    {
      name: 'ambiguous amount-only candidates are reported, not guessed',
      rows: [
        { side: 'psp', id: 't1', amount: '42.00' },
        { side: 'ledger', id: 'L-1', amount: '42.00', at: '2025-03-11' },
        { side: 'ledger', id: 'L-2', amount: '42.00', at: '2025-03-12' },
      ],
      kinds: ['missing_in_ledger', 'missing_in_psp', 'missing_in_psp'],
      exit: 3,
      matched: 0,
    },
    {
      name: 'a Stripe payout that does not add up',
      rows: [
        { side: 'psp', id: 'txn_a', amount: '100.00', fee: '3.20', net: '96.80', payoutId: 'po_1', pspReference: undefined },
        { side: 'psp', id: 'txn_b', amount: '50.00', fee: '1.75', net: '48.25', payoutId: 'po_1' },
        { side: 'psp', id: 'txn_po', type: 'payout', amount: '-146.05', net: '-146.05', aliases: ['po_1'], payoutId: 'po_1', at: '2025-03-12' },
        { side: 'ledger', id: 'L-a', amount: '100.00', pspReference: 'txn_a' },
        { side: 'ledger', id: 'L-b', amount: '50.00', pspReference: 'txn_b' },
        { side: 'ledger', id: 'L-po', type: 'payout', amount: '-146.05', pspReference: 'po_1', at: '2025-03-12' },
      ],
      kinds: ['payout_mismatch'],
      exit: 4,
      matched: 3,
    },
    {
      name: 'a payout that adds up, booked positive in the ledger, matched by amount',
      rows: [
        { side: 'psp', id: 'txn_a', amount: '100.00', fee: '3.20', net: '96.80', payoutId: 'po_1' },
        { side: 'psp', id: 'txn_po', type: 'payout', amount: '-96.80', net: '-96.80', aliases: ['po_1'], at: '2025-03-12' },
        { side: 'ledger', id: 'L-a', amount: '100.00', pspReference: 'txn_a' },
        { side: 'ledger', id: 'L-po', type: 'payout', amount: '96.80', at: '2025-03-13' },
      ],
      params: { autoConfirm: '40' },
      kinds: [],
      exit: 0,
      matched: 2,
    },
  ];

  test.each(cases)('$name', async ({ rows, params, kinds: expected, exit, matched }) => {
    const doc = await run(rows, params);
    expect(kinds(doc)).toEqual(expected);
    expect(doc.exit_code).toBe(exit);
    expect(doc.counts.matched).toBe(matched);
  });

  test('a reference with one leftover row each side pairs them; shared by more on a side, it pairs nothing', async () => {
    const doc = await run([
      { side: 'psp', id: 't7', amount: '10.00', reference: 'ORD-7', at: '2025-03-03' },
      { side: 'ledger', id: 'L-7', amount: '10.05', reference: 'ORD-7', at: '2025-03-03' },
      { side: 'psp', id: 't8a', amount: '11.00', reference: 'ORD-8', at: '2025-03-04' },
      { side: 'psp', id: 't8b', amount: '12.00', reference: 'ORD-8', at: '2025-03-05' },
      { side: 'ledger', id: 'L-8', amount: '33.00', reference: 'ORD-8', at: '2025-03-05' },
      { side: 'psp', id: 't9', amount: '14.00', reference: 'ORD-9', at: '2025-03-06' },
      { side: 'ledger', id: 'L-9', amount: '15.00', reference: 'ORD-9', type: 'refund', at: '2025-03-06' },
    ]);
    expect(doc.discrepancies.map((d) => [d.kind, d.psp?.id ?? null, d.ledger?.id ?? null]).sort()).toEqual(
      [
        ['amount_mismatch', 't7', 'L-7'],
        ['missing_in_ledger', 't8a', null],
        ['missing_in_ledger', 't8b', null],
        ['missing_in_ledger', 't9', null],
        ['missing_in_psp', null, 'L-8'],
        ['missing_in_psp', null, 'L-9'],
      ].sort(),
    );
    expect(doc.discrepancies.find((d) => d.kind === 'amount_mismatch')?.reason).toContain('paired by merchant reference');
  });

  test('a crowd of equal amounts is not paired by amount, and says so', async () => {
    const rows: RowSpec[] = [];
    for (let i = 0; i < 51; i++) {
      rows.push({ side: 'psp', id: `sub-${i}`, amount: '9.99', at: '2025-03-10' });
      rows.push({ side: 'ledger', id: `L-sub-${i}`, amount: '9.99', at: '2025-03-10' });
    }
    const doc = await run(rows);
    expect(doc.counts.matched).toBe(0);
    expect(doc.discrepancies).toHaveLength(102);
    expect(doc.discrepancies[0].reason).toMatch(/not paired by amount: 51 unmatched rows on one side share 9.99 EUR/);
  });

  test('the ambiguous item names its candidates in the reason', async () => {
    const doc = await run(cases.find((c) => c.name.startsWith('ambiguous'))!.rows);
    const m = doc.discrepancies.find((d) => d.kind === 'missing_in_ledger')!;
    expect(m.reason).toMatch(/ambiguous: 2 ledger candidates with 42.00 EUR within 3 days \(L-1, L-2\)/);
  });

  test('sides, difference and amounts are decimal strings', async () => {
    const doc = await run(cases.find((c) => c.name === 'amount mismatch by PSP reference')!.rows);
    expect(doc.discrepancies[0]).toMatchObject({
      kind: 'amount_mismatch',
      currency: 'EUR',
      reference: 'ORD-2002',
      psp: { id: '8815000000000002', amount: '57.28', source: 'adyen', file: 'adyen.csv' },
      ledger: { id: 'L-9912', amount: '57.20', source: 'ledger', file: 'ledger.csv' },
      difference: '0.08',
    });
  });

  test('matched totals per currency', async () => {
    const doc = await run(cases.find((c) => c.name.startsWith('amount + date'))!.rows, { autoConfirm: '40' });
    expect(matchedTotals(store!.db, doc.run)).toEqual([
      { currency: 'JPY', count: 1, amount: '5000' },
      { currency: 'KWD', count: 1, amount: '1.250' },
    ]);
  });
});

describe('open items across runs', () => {
  const base: RowSpec[] = [
    { side: 'psp', id: 't1', amount: '10.00', at: '2025-03-03' },
    { side: 'psp', id: 't2', amount: '25.00', reference: 'ORD-2', at: '2025-03-05' },
    { side: 'ledger', id: 'L-2', amount: '25.10', pspReference: 't2', at: '2025-03-05' },
  ];

  test('a re-run with no new data keeps the same ids; it is idempotent', async () => {
    const first = await run(base);
    const second = await again();
    expect(second.discrepancies.map((d) => [d.id, d.kind])).toEqual(first.discrepancies.map((d) => [d.id, d.kind]));
    expect(second.run).toBe(first.run + 1);
  });

  test('the late booking arrives: the open item closes, audited, and ages stop', async () => {
    const first = await run(base);
    const missing = first.discrepancies.find((d) => d.kind === 'missing_in_ledger')!;
    store!.add({ side: 'ledger', id: 'L-1', amount: '10.00', pspReference: 't1', at: '2025-03-04' });
    const second = await again({}, new Date('2025-04-03T06:00:00Z'));
    expect(second.discrepancies.map((d) => d.kind)).toEqual(['amount_mismatch']);
    const all = listDiscrepancies(store!.db, { status: 'all' }, new Date('2025-04-05T06:00:00Z'));
    expect(all.find((d) => d.id === missing.id)).toMatchObject({ status: 'closed', age_days: 2 });
    const persisting = all.find((d) => d.kind === 'amount_mismatch')!;
    expect(persisting).toMatchObject({ status: 'open', first_seen_run: first.run, age_days: 4 });
    const audit = store!.db.prepare(`SELECT action, subject FROM audit_log WHERE action = 'auto_close'`).all();
    expect(audit).toEqual([{ action: 'auto_close', subject: `discrepancy ${missing.id}` }]);
  });

  test('resolved items persist resolved and stop setting bits; acknowledged still set them', async () => {
    const first = await run(base);
    const amount = first.discrepancies.find((d) => d.kind === 'amount_mismatch')!;
    const missing = first.discrepancies.find((d) => d.kind === 'missing_in_ledger')!;
    setDiscrepancyStatus(store!.db, [amount.id], { status: 'resolved', note: 'bank fee, booked separately', by: 'ana', at: '2025-04-01T07:00:00Z' });
    setDiscrepancyStatus(store!.db, [missing.id], { status: 'acknowledged', note: 'asking finance', by: 'ana', at: '2025-04-01T07:00:00Z' });
    const second = await again();
    expect(second.exit_code).toBe(1);
    expect(second.discrepancies.map((d) => d.id)).toEqual([missing.id]);
    const views = listDiscrepancies(store!.db, { status: 'all' }, new Date());
    expect(views.find((d) => d.id === amount.id)).toMatchObject({ status: 'resolved', note: 'bank fee, booked separately', resolved_by: 'ana' });
    expect(views.find((d) => d.id === missing.id)?.status).toBe('acknowledged');
  });

  test('--fail-on narrows the bits; findings still appear', async () => {
    const doc = await run(base, { failOn: ['amount_mismatch'] });
    expect(doc.exit_code).toBe(4);
    expect(kinds(doc)).toEqual(['amount_mismatch', 'missing_in_ledger']);
  });

  test('a windowed run does not close items outside its window', async () => {
    await run([...base, { side: 'psp', id: 't9', amount: '9.00', at: '2025-02-10' }]);
    const march = await again({ from: '2025-03-01', to: '2025-03-31' });
    expect(march.window).toEqual({ from: '2025-03-01', to: '2025-03-31' });
    expect(march.counts.psp).toBe(2);
    const feb = listDiscrepancies(store!.db, { status: 'open' }, new Date()).filter((d) => d.psp?.id === 't9');
    expect(feb).toHaveLength(1);
  });

  test('an identifier pairs across the window edge in both directions', async () => {
    const doc = await run(
      [
        { side: 'psp', id: 't-feb', amount: '10.00', at: '2025-02-27' },
        { side: 'ledger', id: 'L-feb', amount: '10.00', pspReference: 't-feb', at: '2025-03-02' },
        { side: 'psp', id: 't-late', amount: '20.00', at: '2025-03-30' },
        { side: 'ledger', id: 'L-late', amount: '20.00', pspReference: 't-late', at: '2025-04-20' },
      ],
      { from: '2025-03-01', to: '2025-03-31' },
    );
    expect(doc.discrepancies.map((d) => [d.kind, d.psp?.id, d.ledger?.id])).toEqual([['date_out_of_window', 't-late', 'L-late']]);
  });

  test('a windowed run does not pair a PSP row with a ledger entry that names another PSP row, nor close it', async () => {
    // L-B, booked just after --to, names txn_B (outside the window): it belongs to txn_B and must
    // not be paired by amount and date with the unbooked txn_A inside the window.
    const full = await run([
      { side: 'psp', id: 'txn_A', amount: '40.00', at: '2025-03-09' },
      { side: 'psp', id: 'txn_B', amount: '40.00', at: '2025-03-11' },
      { side: 'ledger', id: 'L-B', amount: '40.00', pspReference: 'txn_B', at: '2025-03-11' },
    ]);
    expect(full.discrepancies.map((d) => [d.kind, d.psp?.id])).toEqual([['missing_in_ledger', 'txn_A']]);
    const missing = full.discrepancies[0];
    const windowed = await again({ from: '2025-03-01', to: '2025-03-09' });
    expect(windowed.discrepancies.map((d) => [d.id, d.kind, d.psp?.id, d.ledger?.id])).toEqual([[missing.id, 'missing_in_ledger', 'txn_A', undefined]]);
    const open = listDiscrepancies(store!.db, { status: 'open' }, new Date()).map((d) => d.id);
    expect(open).toEqual([missing.id]);
    expect(store!.db.prepare(`SELECT count(*) FROM audit_log WHERE action = 'auto_close'`).pluck().get()).toBe(0);
  });

  test('a windowed run does not report a pair that lies wholly after the window, even when it differs', async () => {
    const doc = await run(
      [
        { side: 'psp', id: 'txn_A', amount: '40.00', at: '2025-03-09' },
        { side: 'psp', id: 'txn_B', amount: '41.00', at: '2025-03-11' },
        { side: 'ledger', id: 'L-B', amount: '40.00', pspReference: 'txn_B', at: '2025-03-11' },
      ],
      { from: '2025-03-01', to: '2025-03-09' },
    );
    expect(doc.discrepancies.map((d) => [d.kind, d.psp?.id, d.ledger?.id])).toEqual([['missing_in_ledger', 'txn_A', undefined]]);
    expect(doc.counts).toMatchObject({ psp: 1, ledger: 0, matched: 0 });
  });

  test('a windowed run sees ledger bookings up to the window later, but does not report them', async () => {
    const doc = await run(
      [
        { side: 'psp', id: 't1', amount: '10.00', at: '2025-03-31' },
        { side: 'ledger', id: 'L-1', amount: '10.00', pspReference: 't1', at: '2025-04-02' },
        { side: 'ledger', id: 'L-x', amount: '77.00', at: '2025-04-02' },
      ],
      { from: '2025-03-01', to: '2025-03-31' },
    );
    expect(doc.counts.matched).toBe(1);
    expect(doc.discrepancies).toEqual([]);
  });
});

describe('rejected rows', () => {
  test('appear until resolved; resolving resolves the reject', async () => {
    store = new TestStore().add({ side: 'psp', id: 't1', amount: '1.00' }, { side: 'ledger', id: 'L1', amount: '1.00', pspReference: 't1' });
    store.reject('ledger', 7, 'expected a decimal amount like 12.30, found "N/A"');
    const first = await again();
    expect(first.exit_code).toBe(8);
    const d = first.discrepancies[0];
    expect(d).toMatchObject({ kind: 'rejected_row', severity: 'medium', psp: null, ledger: null });
    expect(d.reason).toMatch(/ledger\.csv:7 \(column amount\)/);
    setDiscrepancyStatus(store.db, [d.id], { status: 'resolved', note: 'corrected in ERP', by: 'ana', at: '2025-04-01T08:00:00Z' });
    expect(store.db.prepare('SELECT resolved_by FROM rejects').pluck().get()).toBe('ana');
    const second = await again();
    expect(second.exit_code).toBe(0);
    expect(listDiscrepancies(store.db, { status: 'resolved' }, new Date()).map((x) => x.id)).toEqual([d.id]);
  });
});

describe('bad input writes nothing', () => {
  const count = () => store!.db.prepare('SELECT (SELECT count(*) FROM recon_runs) + (SELECT count(*) FROM audit_log) + (SELECT count(*) FROM discrepancies)').pluck().get();

  test.each([
    [{ from: '2025-03-31', to: '2025-03-01' }, /--from 2025-03-31 is after --to 2025-03-01/],
    [{ from: '2025-02-30' }, /--from must be a date/],
    [{ amountTolerance: '0,05' }, /--amount-tolerance must be a non-negative decimal/],
    [{ amountTolerance: '-1' }, /--amount-tolerance/],
    [{ failOn: ['missing'] as never }, /unknown kind "missing"/],
  ])('%j', async (params, message) => {
    store = new TestStore().add({ side: 'psp', id: 't1', amount: '1.00' });
    const ctx = store.context();
    await expect(reconcile(ctx, params)).rejects.toMatchObject({ exitCode: 16, message: expect.stringMatching(message) });
    ctx.close();
    expect(count()).toBe(0);
  });

  test('an empty store: nothing to reconcile, exit 16', async () => {
    store = new TestStore();
    const ctx = store.context();
    await expect(reconcile(ctx, {})).rejects.toMatchObject({ exitCode: 16, message: expect.stringMatching(/nothing to reconcile/) });
    ctx.close();
    expect(count()).toBe(0);
  });

  test('an interrupted run writes nothing', async () => {
    store = new TestStore().add({ side: 'psp', id: 't1', amount: '1.00' });
    const ac = new AbortController();
    ac.abort('SIGINT');
    const ctx = store.context({ signal: ac.signal });
    await expect(reconcile(ctx, {})).rejects.toMatchObject({ exitCode: 130 });
    ctx.close();
    expect(count()).toBe(0);
  });

  test('a run interrupted between stages writes nothing, even after earlier runs', async () => {
    await run([{ side: 'psp', id: 't1', amount: '1.00' }, { side: 'ledger', id: 'L1', amount: '1.00', pspReference: 't1' }]);
    store!.add({ side: 'psp', id: 't2', amount: '2.00' });
    const before = count();
    const matches = () => store!.db.prepare('SELECT count(*) FROM recon_matches').pluck().get();
    expect(matches()).toBe(1);
    const ac = new AbortController();
    const ctx = store!.context({ signal: ac.signal });
    const { runReconcile } = await import('../../src/reconcile/engine.js');
    const { Decimal } = await import('decimal.js');
    const stages: string[] = [];
    const p = runReconcile(ctx, {
      tolerance: new Decimal(0),
      toleranceText: '0',
      dateWindow: 3,
      onStage: (name) => {
        stages.push(name);
        if (stages.length === 3) ac.abort('SIGINT'); // after the identifier stage and the leftovers
      },
    });
    await expect(p).rejects.toMatchObject({ exitCode: 130 });
    ctx.close();
    expect(stages).toHaveLength(3);
    expect(count()).toBe(before);
    expect(matches()).toBe(1); // the previous run's pairs, untouched
  });

  test('resolving an unknown or already resolved id changes nothing', async () => {
    await run([{ side: 'psp', id: 't1', amount: '1.00' }, { side: 'psp', id: 't2', amount: '2.00' }]);
    const before = count();
    expect(() => setDiscrepancyStatus(store!.db, [1, 99], { status: 'resolved', note: 'x', by: 'a', at: '2025-04-01T00:00:00Z' })).toThrow(/no discrepancy with id 99; nothing was changed/);
    setDiscrepancyStatus(store!.db, [1], { status: 'resolved', note: 'x', by: 'a', at: '2025-04-01T00:00:00Z' });
    expect(() => setDiscrepancyStatus(store!.db, [2, 1], { status: 'resolved', note: 'x', by: 'a', at: '2025-04-01T00:00:00Z' })).toThrow(/discrepancy 1 is already resolved/);
    expect(listDiscrepancies(store!.db, { status: 'open' }, new Date()).map((d) => d.id)).toEqual([2]);
    expect(count()).toBe(before + 1); // the one audit entry of the successful resolve
  });
});

describe('the first narrow run after a bulk load', () => {
  test('builds each window index once, naming it to the progress line before the stages, and finds what a run with them finds', async () => {
    const rows: RowSpec[] = [];
    for (let i = 0; i < 20; i++) rows.push({ side: 'psp', id: `h${i}`, amount: '1.00', at: '2025-03-01' });
    rows.push({ side: 'psp', id: 'n1', amount: '5.00', at: '2025-03-20' }, { side: 'ledger', id: 'L1', amount: '5.00', at: '2025-03-20', pspReference: 'n1' });
    store = new TestStore().add(...rows);
    // What a bulk load leaves (src/db/bulk-load.ts): the window-only indexes not built.
    const { DEFERRED_INDEXES, missingWindowIndexes } = await import('../../src/db/window-indexes.js');
    const names = Object.keys(DEFERRED_INDEXES);
    for (const n of names) store.db.exec(`DROP INDEX ${n}`);
    const { runReconcile } = await import('../../src/reconcile/engine.js');
    const { Decimal } = await import('decimal.js');
    const night = async () => {
      const calls: Array<[string, number, number]> = [];
      const ctx = store!.context();
      try {
        const r = await runReconcile(ctx, {
          from: '2025-03-20',
          to: '2025-03-20',
          tolerance: new Decimal(0),
          toleranceText: '0',
          dateWindow: 3,
          onStage: (name, done, total) => calls.push([name, done, total]),
        });
        return { calls, counts: r.counts };
      } finally {
        ctx.close();
      }
    };
    const first = await night();
    // In the order missingWindowIndexes lists them (DEFERRED_INDEXES'), before any stage.
    expect(first.calls.slice(0, names.length)).toEqual(names.map((n) => [`building index ${n} (once after a bulk load)`, 0, 0]));
    expect(first.calls[names.length][0]).not.toMatch(/building index/);
    expect(missingWindowIndexes(store.db)).toEqual([]);
    expect(first.counts).toMatchObject({ psp: 1, ledger: 1, matched: 1 });
    const second = await night();
    expect(second.calls.some(([n]) => /building index/.test(n))).toBe(false);
    expect(second.counts).toMatchObject({ psp: 1, ledger: 1, matched: 1 });
  });
});
