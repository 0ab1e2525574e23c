/** A database holding the demo month (fixtures/demo): PSP files and ledger imported, not yet reconciled. */
import { join } from 'node:path';
import { expect } from 'vitest';
import { FIXTURES, runCli } from './cli.js';

export const DEMO = join(FIXTURES, 'demo');
export const DEMO_PSP_FILES = ['stripe-balance-report-2025-03.csv', 'settlement_detail_report_batch_118.csv', 'checkout-settlement-breakdown-2025-03.csv', 'STL-20250310.01.009.CSV'].map((f) =>
  join(DEMO, f),
);

/** Imports the demo month into `db`; the ledger has a rejected row, so a reconcile exits 15. */
export function importDemoMonth(db: string): void {
  const psp = runCli(['--db', db, 'import', 'psp', ...DEMO_PSP_FILES]);
  expect(psp.code, psp.stderr).toBe(0);
  const ledger = runCli(['--db', db, 'import', 'ledger', join(DEMO, 'ledger.csv')]);
  expect(ledger.code, ledger.stderr).toBe(8);
}
