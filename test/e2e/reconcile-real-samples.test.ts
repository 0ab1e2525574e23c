/**
 * Issue 9: the Checkout.com settlement breakdown and an Adyen batch of the real-world corpus
 * (../shared/real-samples) reconciled against a ledger that books every row. Before issue 9,
 * every Checkout.com Charge was an adjustment and the fee-only rows were rejected, so none of
 * this matched.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJson, ROOT, runCli, useTempDb } from '../helpers/cli.js';

const CORPUS = join(ROOT, '..', 'shared', 'real-samples');
const PSP = [join(CORPUS, 'checkout', 'smashpig_cko_settlement-breakdown.csv'), join(CORPUS, 'adyen', 'crm_sdr_chargeback_and_refund_metadata.csv')];

// What a finance team books for those rows: charges with their fees, each Checkout.com
// fee-only row as a fee (network token, account updater, void, the payout fee: it has no id of
// its own, so amount + date alone can only propose it and a person accepts), and the Adyen
// payment's refund and the other payment's chargeback under their modification references.
const LEDGER = `entry_id,booked_at,reference,psp_reference,type,amount,currency,fee,description
L-1,2026-07-01T10:00:00Z,4RpfKjZxqXWKsUOeHaVteD,pay_test_charge_001,charge,50.00,USD,1.50,Checkout donation
L-2,2026-07-01T11:00:00Z,5RpfKjZxqXWKsUOeHaVteD,pay_test_charge_002,charge,25.00,USD,0.75,Checkout donation
L-3,2026-07-01T12:00:00Z,6RpfKjZxqXWKsUOeHaVteD,pay_test_charge_003,charge,10.00,USD,0.30,Checkout donation
L-4,2026-07-01,,pay_test_fee_001,fee,-0.25,USD,,Checkout fee
L-5,2026-07-01,,pay_test_token_001,fee,-0.10,USD,,Network token provisioning
L-6,2026-07-01,,pay_test_token_002,fee,-0.10,USD,,Network token update
L-7,2026-07-01,,pay_test_account_001,fee,-0.20,USD,,Account updater
L-8,2026-07-01,,pay_test_void_001,fee,-0.30,USD,,Void fee
L-9,2026-07-02,,,fee,-2.00,USD,,Checkout payout fee
L-10,2025-07-24,ABCDEFG,FGH,charge,1.00,USD,0.00,Adyen donation
L-11,2025-07-24,ABCDEFG,REF1,refund,-1.00,USD,0.00,Adyen refund
L-12,2025-07-24,WXYZ,XYZ,charge,1.00,USD,0.00,Adyen donation
L-13,2025-07-24,WXYZ,CR2,chargeback,-1.00,USD,10.65,Adyen chargeback
`;

let dir: string;
let db: string;
useTempDb((t) => ({ dir, db } = t));

function reconcileWith(ledger: string) {
  const file = join(dir, 'ledger.csv');
  writeFileSync(file, ledger);
  const psp = runCli(['--db', db, 'import', 'psp', ...PSP]);
  expect(psp.code, psp.stderr).toBe(0);
  const led = runCli(['--db', db, 'import', 'ledger', file]);
  expect(led.code, led.stderr).toBe(0);
  const first = runCli(['--db', db, 'reconcile', '--json']);
  // The payout fee (no id, no reference) is paired by amount + date alone: a proposal, accepted
  // here as a person would after looking at it; the next run then has nothing left to say.
  const proposals = parseJson(runCli(['--db', db, 'proposals', '--json'])).proposals as Array<{ id: number; psp: { id: string } }>;
  expect(proposals.map((p) => p.psp.id), first.stdout).toEqual(['00000003K599:Merchant Payout:1']);
  expect(runCli(['--db', db, 'proposals', '--accept', String(proposals[0].id), '--note', 'payout fee, checked']).code).toBe(0);
  return runCli(['--db', db, 'reconcile', '--json']);
}

describe('reconciling real provider files against a ledger that books them', () => {
  it('finds nothing when every row is booked', () => {
    const r = reconcileWith(LEDGER);
    expect(r.code, r.stdout).toBe(0);
    const doc = parseJson(r);
    expect(doc.discrepancies).toEqual([]);
  });

  it('finds a planted wrong amount, with both sides typed', () => {
    const r = reconcileWith(LEDGER.replace('pay_test_charge_002,charge,25.00,', 'pay_test_charge_002,charge,52.00,'));
    expect(r.code).toBe(4);
    const items = parseJson(r).discrepancies;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      kind: 'amount_mismatch',
      difference: '-27.00',
      psp: { id: 'pay_test_charge_002:Charge:00000003K599', amount: '25.00', type: 'charge' },
      ledger: { id: 'L-2', amount: '52.00', type: 'charge' },
    });
    const listed = parseJson(runCli(['--db', db, 'discrepancies', '--json'])).discrepancies;
    expect(listed[0]).toMatchObject({ psp: { type: 'charge' }, ledger: { type: 'charge' } });
  });

  it('checks the Payouts report against its breakdown: the corpus payout is 0.01 more than its rows', () => {
    reconcileWith(LEDGER);
    runCli(['--db', db, 'import', 'psp', join(CORPUS, 'checkout', 'smashpig_cko_payouts.csv')]);
    const items = parseJson(runCli(['--db', db, 'reconcile', '--json'])).discrepancies;
    const payout = items.find((d: { kind: string }) => d.kind === 'payout_mismatch');
    expect(payout.reason).toMatch(/payout 00000003K599 paid 79\.51 USD but its 9 rows net to 79\.50 USD/);
  });
});
