/**
 * Issue 9 end to end: the real-world corpus (../shared/real-samples, present in CI) through
 * bin/payrecon. Whole files import, files of one payment's life import together, edited or
 * truncated files are refused, and re-importing is a no-op while a changed restatement is
 * still refused naming both places.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJson, ROOT, runCli, useTempDb } from '../helpers/cli.js';

const CORPUS = join(ROOT, '..', 'shared', 'real-samples');
const at = (rel: string) => join(CORPUS, rel);

let dir: string;
let db: string;
useTempDb((t) => ({ dir, db } = t));

const importPsp = (...args: string[]) => runCli(['--db', db, 'import', 'psp', ...args, '--json']);

// Rows whose own figures contradict each other (see the golden files): rejected, never guessed.
const INCONSISTENT: Record<string, number[]> = {
  'adyen/crm_sdr_batch_1128.csv': [2, 12],
  'adyen/crm_sdr_batch_1129_chargebacks.csv': [2],
  'adyen/crm_sdr_deposit_correction_short_header.csv': [2],
  'stripe/smashpig_stripe_settlement_report.csv': [8],
};

const WHOLE = [
  ...[
    'crm_sdr_batch_1128', 'crm_sdr_batch_1129_chargebacks', 'crm_sdr_chargeback_and_refund_metadata', 'crm_sdr_chargeback_reversal',
    'crm_sdr_deposit_correction_short_header', 'crm_sdr_donation_gravy_mxn', 'crm_sdr_refund_credit_fee', 'crm_sdr_refunded_reversal',
    'smashpig_sdr_chargeback', 'smashpig_sdr_chargeback_reversed', 'smashpig_sdr_deposit_correction', 'smashpig_sdr_donation-ach',
    'smashpig_sdr_donation-ideal', 'smashpig_sdr_donation', 'smashpig_sdr_donation_reordered', 'smashpig_sdr_emptynetcredit',
    'smashpig_sdr_invoice_deduction', 'smashpig_sdr_refund', 'vendor_sdr_manual_corrected',
  ].map((n) => `adyen/${n}.csv`),
  'checkout/smashpig_cko_settlement-breakdown.csv',
  'checkout/smashpig_cko_payouts.csv',
  'paypal/crm_STL-20260106.01.009.csv',
  ...['smashpig_stripe_payments_activity', 'smashpig_stripe_settlement_report', 'smashpig_stripe_settlement_report_giving_basket', 'smashpig_stripe_settlement_report_with_customer_data'].map(
    (n) => `stripe/${n}.csv`,
  ),
];

describe('every whole file of the corpus imports on its own', () => {
  for (const rel of WHOLE) {
    it(rel, () => {
      const r = importPsp(at(rel));
      const bad = INCONSISTENT[rel] ?? [];
      expect(r.code, r.stderr).toBe(bad.length ? 8 : 0);
      const file = parseJson(r).files[0];
      expect(file.rejects.map((x: { line: number }) => x.line)).toEqual(bad);
      for (const x of file.rejects) expect(x.reason).toMatch(/expected net = gross - fee|expected an amount in only one of them/);
      expect(file.rows.skipped).toBe(0);
    });
  }
});

describe('files the fixture authors cut or edited are refused whole (exit 17)', () => {
  const REFUSED: Array<[string, RegExp]> = [
    ['paypal/crm_STL_chargeback_variants.csv', /:12: the FF record says 5 SB rows, but 6 were found/],
    ['paypal/crm_STL_order_recur.csv', /:5: the SC record .* says 5 SB rows, but 1 were found/],
    ['paypal/crm_STL-BRL-convert.csv', /ends without an RC or FF record \(truncated file\?\)/],
    ['paypal/smashpig_stl.csv', /has no SC record \(truncated file\?\)/],
    ['paypal/smashpig_stl_brl_refund.csv', /has no SC record \(truncated file\?\)/],
    ['paypal/smashpig_stl_chargeback_reversal.csv', /has no SC record \(truncated file\?\)/],
    ['paypal/smashpig_stl_chargeback_with_fee.csv', /has no SC record \(truncated file\?\)/],
    ['paypal/smashpig_stl_currency_convert.csv', /has no SC record \(truncated file\?\)/],
    ['paypal/smashpig_stl_dr_payment.csv', /has no SC record \(truncated file\?\)/],
    ['paypal/smashpig_stl_payout_currency_convert.csv', /has no SC record \(truncated file\?\)/],
    ['paypal/smashpig_trr_express_checkout_donation.csv', /ends without an RC or FF record \(truncated file\?\)/],
  ];
  for (const [rel, why] of REFUSED) {
    it(rel, () => {
      const r = runCli(['--db', db, 'import', 'psp', at(rel)]);
      expect(r.code, r.stderr).toBe(17);
      expect(r.stderr).toMatch(why);
    });
  }
});

describe("one payment's life in one database", () => {
  const together = (files: string[]) => {
    const r = importPsp(...files.map(at));
    return { r, files: parseJson(r).files as Array<{ rows: { imported: number; skipped: number; rejected: number }; rejects: Array<{ line: number }> }> };
  };

  it('Adyen batch 1128 then 1129: the chargebacks and the refund of payments settled a batch earlier all import', () => {
    const { files } = together(['adyen/crm_sdr_batch_1128.csv', 'adyen/crm_sdr_batch_1129_chargebacks.csv']);
    expect(files.map((f) => f.rows)).toEqual([
      { total: 15, imported: 13, skipped: 0, rejected: 2 },
      { total: 18, imported: 17, skipped: 0, rejected: 1 },
    ]);
    expect(files[1].rejects.map((x) => x.line)).toEqual([2]); // its own arithmetic, not a "restatement"
  });

  it('settled, charged back, chargeback reversed; settled, refunded, refund reversed (one payment, two files)', () => {
    const { r, files } = together(['adyen/crm_sdr_chargeback_reversal.csv', 'adyen/crm_sdr_refunded_reversal.csv']);
    expect(r.code, r.stderr).toBe(0);
    // The Settled row is in both files of batch 1120: the second is an identical restatement.
    expect(files.map((f) => f.rows)).toMatchObject([{ imported: 3, skipped: 0 }, { imported: 2, skipped: 1 }]);
  });

  it('SmashPig batch 2 and 3: donation, its column-reordered copy, refund, chargeback, chargeback reversed', () => {
    const { r, files } = together([
      'adyen/smashpig_sdr_donation.csv', 'adyen/smashpig_sdr_donation_reordered.csv', 'adyen/smashpig_sdr_refund.csv',
      'adyen/smashpig_sdr_chargeback.csv', 'adyen/smashpig_sdr_chargeback_reversed.csv',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(files.map((f) => [f.rows.imported, f.rows.skipped])).toEqual([[2, 0], [0, 2], [3, 0], [1, 2], [1, 0]]);
  });

  it('Checkout.com: the payouts report and its breakdown import side by side', () => {
    const { r, files } = together(['checkout/smashpig_cko_settlement-breakdown.csv', 'checkout/smashpig_cko_payouts.csv']);
    expect(r.code, r.stderr).toBe(0);
    expect(files.map((f) => f.rows.imported)).toEqual([9, 1]);
  });
});

describe('restatements', () => {
  it('re-importing a batch (another copy of the same rows) is a no-op', () => {
    const src = readFileSync(at('adyen/crm_sdr_batch_1129_chargebacks.csv'), 'utf8');
    const copy = join(dir, 'copy.csv');
    writeFileSync(copy, src.replace(/\n/g, '\r\n')); // other bytes, same rows
    expect(importPsp(at('adyen/crm_sdr_batch_1129_chargebacks.csv')).code).toBe(8);
    const again = parseJson(importPsp(copy)).files[0];
    expect(again.rows).toMatchObject({ imported: 0, skipped: 17, rejected: 1 });
  });

  it('a changed restatement of the same event is refused naming both places', () => {
    const src = readFileSync(at('adyen/crm_sdr_refunded_reversal.csv'), 'utf8');
    const changed = join(dir, 'changed.csv');
    writeFileSync(changed, src.replace(',Refunded,8864893193133131,USD,5,,1,USD,5,', ',Refunded,8864893193133131,USD,6,,1,USD,6,'));
    expect(importPsp(at('adyen/crm_sdr_refunded_reversal.csv')).code).toBe(0);
    const r = importPsp(changed);
    expect(r.code).toBe(8);
    const reject = parseJson(r).files[0].rejects[0];
    expect(reject.line).toBe(3);
    expect(reject.reason).toMatch(/conflicting restatement of 1234893193133131:Refunded:8864893193133131, first imported from .*crm_sdr_refunded_reversal\.csv:3: amount_minor -500 -> -600/);
  });

  it('PayPal: a dispute hold and its release (T1110/T1111) share a Transaction ID and both import', () => {
    // The corpus copy's counts were edited (RC/FF say 5 of its 6 rows, its section has no SC);
    // with counts that match, the file is whole.
    const src = readFileSync(at('paypal/crm_STL_chargeback_variants.csv'), 'utf8');
    const fixed = join(dir, 'STL-fixed.csv');
    writeFileSync(fixed, src.replace('\nRF,', '\nSC,6\nRF,').replace('RC,5,', 'RC,6,').replace('FF,5,', 'FF,6,'));
    const r = importPsp(fixed);
    expect(r.code, r.stderr).toBe(0);
    expect(parseJson(r).files[0].rows).toMatchObject({ imported: 6, rejected: 0 });
  });
});

describe('Stripe --reference-column', () => {
  const file = at('stripe/smashpig_stripe_settlement_report.csv');
  it('may be given more than once: the first non-empty column wins', () => {
    const r = runCli(['--db', db, 'import', 'psp', file, '--reference-column', 'payment_metadata[external_identifier]', '--reference-column', 'payment_metadata[orchestrator_tx_ref]', '--reference-column', 'payment_metadata[gr4vy_tx_ref]']);
    expect(r.code, r.stderr).toBe(8);
    const q = runCli(['--db', db, 'reconcile', '--json']);
    const refs = parseJson(q).discrepancies.filter((d: { kind: string }) => d.kind === 'missing_in_ledger').map((d: { reference: string | null }) => d.reference);
    expect(refs).toEqual(expect.arrayContaining(['24315.1', '24316.1', '24317.1', '2467.1']));
  });
  it('naming a column the file does not have is an input error (17)', () => {
    const r = runCli(['--db', db, 'import', 'psp', file, '--reference-column', 'payment_metadata[order_id]']);
    expect(r.code).toBe(17);
    expect(r.stderr).toMatch(/--reference-column names "payment_metadata\[order_id\]", which the Stripe file does not have/);
  });
});
