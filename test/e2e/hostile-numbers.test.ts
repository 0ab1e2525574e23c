/**
 * Issue 13, item 6 and "a quiet day": numbers past 64 bits are rejected rows (8) or usage
 * errors (16), never exit 21; totals stay exact at any size; a reconcile over an empty window
 * of a store with data is a clean run.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyDatabase, FIXTURES, parseJson, runCli, useTempDb } from '../helpers/cli.js';

const LEDGER_HEADER = 'entry_id,booked_at,reference,psp_reference,type,amount,currency,fee,description';
const STRIPE_HEADER = 'balance_transaction_id,created_utc,available_on_utc,currency,gross,fee,net,reporting_category,source_id,description,automatic_payout_id';
const HUGE = '12345678901234567890'; // a dropped decimal point

let dir: string;
let db: string;
useTempDb((t) => ({ dir, db } = t));

/** A fixture with its first occurrence of `from` replaced: one row carries a huge number. */
function mutated(fixture: string, from: string, to: string): string {
  const text = readFileSync(join(FIXTURES, fixture), 'utf8');
  expect(text).toContain(from);
  const out = join(dir, fixture.replace('/', '-'));
  writeFileSync(out, text.replace(from, to));
  return out;
}

describe('numbers past 64 bits', () => {
  it('in an amount or fee column of every importer: a rejected row, and the later files of the command still import', () => {
    const psp = [
      mutated('stripe/balance-2025-03.csv', ',120.00,3.78,', `,${HUGE}.00,3.78,`),
      mutated('stripe/bad-rows.csv', ',10.00,0.59,9.41,', `,10.00,${HUGE}.59,9.41,`),
      mutated('adyen/settlement_detail_report_batch_118.csv', ',100.00,', `,${HUGE}.00,`),
      mutated('checkout/settlement-breakdown-2025-03.csv', ',42.5,-1.2,', `,42.5,-${HUGE},`),
      mutated('paypal/STL-20250303.01.009.CSV', '"CR",5200,', `"CR",${HUGE}0000,`),
    ];
    const r = runCli(['--db', db, 'import', 'psp', ...psp, '--json']);
    expect(r.code, r.stderr).not.toBe(21);
    expect(r.stderr).not.toMatch(/internal error/);
    const doc = parseJson(r);
    const byName = (s: string) => doc.files.find((f: { file: string }) => f.file.includes(s));
    for (const name of ['stripe-balance', 'stripe-bad-rows', 'adyen', 'checkout']) {
      expect(byName(name), name).toMatchObject({ status: 'imported' });
      expect(byName(name).rows.rejected, name).toBeGreaterThan(0);
    }
    // PayPal states totals in its footer: a changed amount may make the whole file 17, never 21.
    expect(['imported', 'failed']).toContain(byName('paypal').status);
    expect(r.code & 8).toBe(8);

    const ledger = join(dir, 'ledger.csv');
    writeFileSync(
      ledger,
      [LEDGER_HEADER, `L-1,2025-03-03,ORD-1,,charge,${HUGE},EUR,,a`, `L-2,2025-03-03,ORD-2,,charge,1.00,EUR,-${HUGE}${HUGE}.00,b`, 'L-3,2025-03-03,ORD-3,,charge,1.00,EUR,,c'].join('\n'),
    );
    const led = runCli(['--db', db, 'import', 'ledger', ledger, '--json']);
    expect(led.code, led.stderr).toBe(8);
    expect(parseJson(led).files[0].rejects).toEqual([
      { line: 2, column: 'amount', reason: expect.stringMatching(/larger than any amount payrecon accepts/) },
      { line: 3, column: 'fee', reason: expect.stringMatching(/more digits than any amount|larger than any amount/) },
    ]);
    const rec = runCli(['--db', db, 'reconcile']);
    expect(rec.code, rec.stderr).not.toBe(21);
    expect(rec.code & 8).toBe(8);
  });

  it('near the per-row limit: 92233720368547758.07 is rejected, and 100 rows at the limit reconcile with an exact total', () => {
    const n = 100;
    const max = '999999999999999.99';
    const psp = [STRIPE_HEADER];
    const ledger = [LEDGER_HEADER];
    for (let i = 0; i < n; i++) {
      psp.push(`txn_${i},2025-03-03 10:00:00,2025-03-05 00:00:00,eur,${max},0.00,${max},charge,ch_${i},Order ${i},`);
      ledger.push(`L-${i},2025-03-03,ORD-${i},ch_${i},charge,${max},EUR,,x`);
    }
    ledger.push('L-big,2025-03-03,ORD-big,,charge,92233720368547758.07,EUR,,x');
    writeFileSync(join(dir, 'psp.csv'), psp.join('\n') + '\n');
    writeFileSync(join(dir, 'ledger.csv'), ledger.join('\n') + '\n');
    expect(runCli(['--db', db, 'import', 'psp', join(dir, 'psp.csv')]).code).toBe(0);
    const led = runCli(['--db', db, 'import', 'ledger', join(dir, 'ledger.csv')]);
    expect(led.code).toBe(8);
    expect(led.stdout).toMatch(/ledger\.csv:102 \(amount\): amount: larger than any amount payrecon accepts/);

    const rec = runCli(['--db', db, 'reconcile']);
    expect(rec.code, rec.stderr).toBe(8);
    // 100 x 99,999,999,999,999,999 cents: past 2^63, exact.
    expect(rec.stdout).toContain('matched EUR: 100 rows, gross 99999999999999999.00');
    const again = runCli(['--db', db, 'reconcile', '--json']);
    expect(again.code).toBe(8);
    expect(parseJson(again).counts).toMatchObject({ psp: n, ledger: n, matched: n });
  });

  it.each([
    [['reconcile', '--amount-tolerance', '99999999999999999999999'], /--amount-tolerance must have at most 15 digits/],
    [['discrepancies', '--run', '99999999999999999999'], /--run must be at most 9007199254740991/],
    [['report', '--run', '99999999999999999999', '--out', 'x.html'], /--run must be at most/],
    [['audit', 'log', '--limit', '99999999999999999999'], /--limit must be at most/],
    [['reconcile', '--date-window', '99999999999999999999'], /--date-window must be a whole number up to 999999/],
  ])('option %j: a usage error (16)', (args, message) => {
    const r = runCli(['--db', db, ...args]);
    expect(r.code, r.stderr).toBe(16);
    expect(r.stderr).toMatch(message);
  });
});

describe('a quiet day', () => {
  it('an empty window of a store with data: exit 0 and a line saying so; open items stay; an empty store stays 16', () => {
    emptyDatabase(db);
    const empty = runCli(['--db', db, 'reconcile']);
    expect(empty.code).toBe(16);
    expect(empty.stderr).toMatch(/nothing to reconcile/);

    const ledger = join(dir, 'ledger.csv');
    writeFileSync(ledger, [LEDGER_HEADER, 'L-1,2025-03-03,ORD-1,,charge,10.00,EUR,,unmatched'].join('\n') + '\n');
    expect(runCli(['--db', db, 'import', 'ledger', ledger]).code).toBe(0);
    expect(runCli(['--db', db, 'reconcile']).code).toBe(2); // missing_in_psp: an open item

    const quiet = runCli(['--db', db, 'reconcile', '--from', '2025-04-01', '--to', '2025-04-01']);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stdout).toContain('the window 2025-04-01 to 2025-04-01 held no PSP rows or ledger entries');
    const json = runCli(['--db', db, 'reconcile', '--from', '2025-04-01', '--to', '2025-04-01', '--json']);
    expect(json.code).toBe(0);
    expect(parseJson(json).counts).toEqual({ psp: 0, ledger: 0, matched: 0, discrepancies: 0 });
    // The earlier run's open item is still open.
    const open = runCli(['--db', db, 'discrepancies', '--json']);
    expect(parseJson(open).discrepancies).toHaveLength(1);
  });
});
