/** A small reconciled database for the report and TUI end-to-end tests, built through the CLI. */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { parseJson, runCli } from './cli.js';
import { copyStore } from './store-copy.js';

export const FORMULA_REF = '=HYPERLINK("http://evil.example","x")';
export const SCRIPT_REF = 'ORD-<script>alert(1)</script>';

const LEDGER = [
  'entry_id,booked_at,reference,psp_reference,type,amount,currency,fee,description',
  'L-1,2025-03-03,ORD-1,ch_1,charge,120.00,USD,,matched',
  'L-2,2025-03-04,ORD-2,ch_2,charge,57.20,USD,,amount differs',
  'L-9,2025-03-05,ORD-9,,charge,99.00,USD,,only in the ledger',
  'L-10,2025-03-05,ORD-10,,refund,-12.30,EUR,,refund only in the ledger',
];
const STRIPE = [
  'balance_transaction_id,created_utc,available_on_utc,currency,gross,fee,net,reporting_category,source_id,description,automatic_payout_id',
  'txn_1,2025-03-03 14:02:11,2025-03-05 00:00:00,usd,120.00,3.78,116.22,charge,ch_1,Order ORD-1,po_1',
  'txn_2,2025-03-04 09:12:45,2025-03-06 00:00:00,usd,57.28,1.00,56.28,charge,ch_2,Order ORD-2,po_1',
  `txn_3,2025-03-04 09:12:45,2025-03-06 00:00:00,usd,10.00,0.30,9.70,charge,ch_3,"${SCRIPT_REF}",po_1`,
  `txn_4,2025-03-04 10:00:00,2025-03-06 00:00:00,usd,11.00,0.30,10.70,charge,ch_4,"${FORMULA_REF.replaceAll('"', '""')}",po_1`,
];

/** Import and reconcile into `db`; returns the `reconcile --json` document. */
export function seedReconciled(dir: string, db: string, env: NodeJS.ProcessEnv = {}) {
  writeFileSync(join(dir, 'ledger.csv'), LEDGER.join('\n') + '\n');
  writeFileSync(join(dir, 'stripe.csv'), STRIPE.join('\n') + '\n');
  for (const [side, file] of [['ledger', 'ledger.csv'], ['psp', 'stripe.csv']]) {
    const r = runCli(['--db', db, 'import', side, join(dir, file)], { env });
    expect(r.code, r.stderr).toBe(0);
  }
  const rec = runCli(['--db', db, 'reconcile', '--json'], { env });
  expect(rec.code, rec.stderr).toBeGreaterThan(0);
  expect(rec.code, rec.stderr).toBeLessThan(16);
  return parseJson(rec);
}

let template: { db: string; dir: string; doc: any } | undefined;

/**
 * The same reconciled database as seedReconciled, built once per test file and copied: three
 * CLI runs per test would dominate the suite. Files are written to `dir` as well.
 */
export function seededCopy(dir: string, db: string) {
  if (!template) {
    const tdir = mkdtempSync(join(tmpdir(), 'payrecon-report-template-'));
    const tdb = join(tdir, 'template.db');
    template = { db: tdb, dir: tdir, doc: seedReconciled(tdir, tdb) };
  }
  // The store itself, on whichever backend the tests run (test/helpers/store-copy.ts).
  copyStore(template.db, db);
  for (const f of ['ledger.csv', 'stripe.csv']) copyFileSync(join(template.dir, f), join(dir, f));
  return structuredClone(template.doc);
}

/** Remove the template built by seededCopy (call from afterAll). */
export function dropTemplate(): void {
  if (template) rmSync(template.dir, { recursive: true, force: true });
  template = undefined;
}
