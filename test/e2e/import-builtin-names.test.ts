/**
 * Issue 13, item 7: a type cell that names a JavaScript built-in (`constructor`, `__proto__`,
 * `valueOf`, ...) is an ordinary unknown value. It used to find Object's own properties in the
 * type tables and crash the import (exit 21, the whole file lost).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openTestStore } from '../helpers/backend.js';
import { parseJson, runCli, useTempDb } from '../helpers/cli.js';

const NAMES = ['constructor', '__proto__', 'valueOf', 'toString', 'hasOwnProperty'];

let dir: string;
let db: string;
useTempDb((t) => ({ dir, db } = t));

function importFile(name: string, lines: string[]) {
  const p = join(dir, name);
  writeFileSync(p, lines.join('\n') + '\n');
  return runCli(['--db', db, 'import', 'psp', p, '--json']);
}

function storedTypes(): string[] {
  const h = openTestStore(db);
  try {
    return (h.prepare('SELECT type FROM transactions ORDER BY line').all() as Array<{ type: string }>).map((r) => r.type);
  } finally {
    h.close();
  }
}

const files: Record<string, string[]> = {
  'stripe.csv': [
    'balance_transaction_id,created_utc,currency,gross,fee,net,reporting_category',
    ...NAMES.map((n, i) => `txn_${i},2025-03-03 10:00:00,usd,10.00,0.30,9.70,${n}`),
  ],
  'adyen.csv': [
    'Merchant Account,Psp Reference,Creation Date,TimeZone,Type,Modification Reference,Gross Currency,Gross Debit (GC),Gross Credit (GC),Net Currency,Net Debit (NC),Net Credit (NC),Batch Number',
    ...NAMES.map((n, i) => `ExEU,88150000000000${i},2025-03-03 10:00:00,CET,${n},,EUR,,10.00,EUR,,10.00,7`),
  ],
  'checkout.csv': [
    'Type,Payment ID,Processed On,Holding Currency,Payout ID,Gross In Holding Currency,Deduction In Holding Currency,Net In Holding Currency,Processing Currency,Gross In Processing Currency',
    ...NAMES.map((n, i) => `${n},pay_${i},2025-03-03T10:00:00.000,EUR,po_1,10,-1,9,EUR,10`),
  ],
};

describe('type cells naming JavaScript built-ins', () => {
  for (const [name, lines] of Object.entries(files)) {
    it(`${name}: every such row imports as an adjustment (exit 0, nothing lost)`, () => {
      const r = importFile(name, lines);
      expect(r.code, r.stderr).toBe(0);
      expect(parseJson(r).files[0].rows).toMatchObject({ total: NAMES.length, imported: NAMES.length, rejected: 0 });
      expect(storedTypes()).toEqual(NAMES.map(() => 'adjustment'));
    });
  }

  it('an Adyen TimeZone naming a built-in rejects only its row', () => {
    const [header, first, ...rest] = files['adyen.csv'];
    const r = importFile('adyen-zone.csv', [header, first.replace(',CET,', ',constructor,'), ...rest]);
    expect(r.code, r.stderr).toBe(8);
    const file = parseJson(r).files[0];
    expect(file.rows).toMatchObject({ imported: NAMES.length - 1, rejected: 1 });
    expect(file.rejects[0]).toMatchObject({ line: 2, column: 'TimeZone' });
    expect(file.rejects[0].reason).toMatch(/unknown zone abbreviation "constructor"/);
  });
});
