/**
 * Payout -> deposit matching end to end, on the demo's PSP files and ledger plus generated bank
 * statements: the three kinds and their exit bits, N:1 and 1:N pairing, fees shown, and an
 * item closing by itself once the missing credit arrives in a later statement.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { camt053, mt940, type GenEntry } from '../helpers/bank-files.js';
import { FIXTURES, parseJson, runCli, useTempDb } from '../helpers/cli.js';
import { openTestStore } from '../helpers/backend.js';

const DEMO = join(FIXTURES, 'demo');
const DEPOSIT_KINDS = ['payout_not_deposited', 'unexplained_deposit', 'deposit_mismatch'];

let dir: string;
let db: string;
useTempDb((t) => ({ dir, db } = t));

beforeEach(() => {
  const psp = ['stripe-balance-report-2025-03.csv', 'settlement_detail_report_batch_118.csv', 'STL-20250310.01.009.CSV', 'checkout-settlement-breakdown-2025-03.csv'];
  expect(runCli(['--db', db, 'import', 'psp', ...psp.map((f) => join(DEMO, f))]).code).toBe(0);
  expect(runCli(['--db', db, 'import', 'ledger', join(DEMO, 'ledger.csv')]).code).toBe(8);
});

function bank(name: string, content: string): void {
  const p = join(dir, name);
  writeFileSync(p, content);
  const r = runCli(['--db', db, 'import', 'bank', p, '--json']);
  expect(r.code, r.stdout).toBe(0);
}

const usd = (entries: GenEntry[], extra: object = {}) =>
  mt940({ id: 'USD', seq: 1, account: 'US-OPERATING', currency: 'USD', opening: '0.00', date: '2025-03-31', entries, ...extra });
const eur = (entries: GenEntry[], extra: object = {}) =>
  camt053({ id: 'EUR-1', seq: 1, account: 'DE89370400440532013000', currency: 'EUR', opening: '0.00', date: '2025-03-31', entries, ...extra });
// The Adyen batch 118 payout of the demo: 238.28 EUR on 2025-03-10.
const adyenCredit: GenEntry = { amount: '238.28', date: '2025-03-11', ref: 'A118', text: 'ADYEN PAYOUT BATCH 118' };

function reconcile(...args: string[]) {
  const r = runCli(['--db', db, 'reconcile', '--json', ...args]);
  return { code: r.code, doc: parseJson(r) };
}

const depositItems = (doc: any) => doc.discrepancies.filter((d: any) => DEPOSIT_KINDS.includes(d.kind));

function pairs(): Array<{ group_no: number; rule: string; n_payout_rows: number; n_entries: number }> {
  const h = openTestStore(db, { create: false });
  try {
    return h
      .prepare(
        'SELECT group_no, rule, count(DISTINCT psp_tx_id) AS n_payout_rows, count(DISTINCT bank_entry_id) AS n_entries FROM recon_deposit_matches GROUP BY group_no, rule ORDER BY group_no',
      )
      .all() as any;
  } finally {
    h.close();
  }
}

describe('payout -> deposit', () => {
  it('without bank statements there is nothing to say: no deposit kinds', () => {
    expect(depositItems(reconcile().doc)).toEqual([]);
  });

  it('payout_not_deposited sets bit 2, unexplained_deposit bit 1; a payout found by its batch id or amount is quiet', () => {
    bank('eur.xml', eur([adyenCredit, { amount: '500.00', date: '2025-03-14', ref: 'X1', text: 'J. DOE INVOICE 7731' }]));
    bank('usd.sta', usd([{ amount: '831.60', date: '2025-03-12', ref: 'S1', text: 'STRIPE TRANSFER' }]));
    const { doc } = reconcile();
    const items = depositItems(doc);
    expect(items.map((d: any) => [d.kind, d.currency, d.difference, d.reference])).toEqual([
      ['payout_not_deposited', 'USD', '240.18', 'po_1DemoP02'],
      ['unexplained_deposit', 'EUR', '-500.00', 'X1'],
    ]);
    expect(items[1].bank).toMatchObject({ id: 'X1', amount: '500.00', currency: 'EUR', source: 'bank:DE89370400440532013000', file: 'eur.xml' });
    expect(items[1].reason).toMatch(/^UNEXPLAINED_CREDIT: bank credit of 500\.00 EUR on 2025-03-14/);
    expect(reconcile('--fail-on', 'payout_not_deposited').code).toBe(2);
    expect(reconcile('--fail-on', 'unexplained_deposit').code).toBe(1);
    expect(pairs().map((p) => p.rule)).toEqual(['payout_ref', 'amount']);
  });

  it('a credit short of the payout it names is a deposit_mismatch (bit 4) naming the difference', () => {
    bank('eur.xml', eur([{ ...adyenCredit, amount: '236.78' }]));
    const { doc } = reconcile();
    const [item] = depositItems(doc).filter((d: any) => d.kind === 'deposit_mismatch');
    expect(item).toMatchObject({ kind: 'deposit_mismatch', currency: 'EUR', difference: '1.50', reference: 'ExEU:batch:118' });
    expect(item.reason).toMatch(/^AMOUNT_DIFFERS: payout ExEU:batch:118 of 238\.28 EUR arrived as 236\.78 EUR on 2025-03-11 \(difference 1\.50 EUR\)/);
    expect(reconcile('--fail-on', 'deposit_mismatch').code).toBe(4);
  });

  it('N:1: two payouts named in one credit; 1:N: one payout arriving as two credits', () => {
    bank('usd.sta', usd([{ amount: '1071.78', date: '2025-03-25', ref: 'S9', text: 'STRIPE po_1DemoP01 po_1DemoP02' }]));
    bank('eur.xml', eur([{ ...adyenCredit, amount: '200.00' }, { ...adyenCredit, amount: '38.28', ref: 'A118b' }]));
    const { doc } = reconcile();
    expect(depositItems(doc)).toEqual([]);
    expect(pairs()).toEqual([
      { group_no: 1, rule: 'payout_ref', n_payout_rows: 2, n_entries: 1 },
      { group_no: 2, rule: 'payout_ref', n_payout_rows: 1, n_entries: 2 },
    ]);
  });

  it('a payout whose window the statements do not yet cover is in transit; it closes once the credit arrives', () => {
    // Statements reach 2025-03-26 only: po_1DemoP02 (2025-03-24) may still arrive until 03-31.
    bank('usd1.sta', usd([{ amount: '831.60', date: '2025-03-12', ref: 'S1', text: 'STRIPE' }], { date: '2025-03-26' }));
    expect(depositItems(reconcile().doc)).toEqual([]);
    bank('usd2.sta', usd([], { id: 'USD2', seq: 2, opening: '831.60', date: '2025-04-01' }));
    const late = depositItems(reconcile().doc);
    expect(late.map((d: any) => d.kind)).toEqual(['payout_not_deposited']);
    bank('usd3.sta', usd([{ amount: '240.18', date: '2025-04-02', ref: 'S2', text: 'STRIPE TRANSFER po_1DemoP02' }], { id: 'USD3', seq: 3, opening: '831.60', date: '2025-04-02' }));
    expect(depositItems(reconcile().doc)).toEqual([]);
  });
});
