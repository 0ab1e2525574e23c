/**
 * Documents printed item by item (reconcile --json, discrepancies --json, report .json) are
 * byte for byte what JSON.stringify(document, null, 2) printed before streaming, on a real
 * run of the demo month. Run `npm run build` first.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FIXTURES, parseJson, runCli, tempDir } from '../helpers/cli.js';

const DEMO = join(FIXTURES, 'demo');
const PSP_FILES = ['stripe-balance-report-2025-03.csv', 'settlement_detail_report_batch_118.csv', 'STL-20250310.01.009.CSV', 'checkout-settlement-breakdown-2025-03.csv'];

let tmp: { dir: string; cleanup: () => void };
let db: string;
const cli = (...args: string[]) => runCli(['--db', db, ...args], { cwd: DEMO });
const pretty = (doc: unknown) => JSON.stringify(doc, null, 2) + '\n';

beforeAll(() => {
  tmp = tempDir();
  db = join(tmp.dir, 'demo.db');
  expect(cli('import', 'psp', ...PSP_FILES).code).toBe(0);
  expect(cli('import', 'ledger', 'ledger.csv').code).toBe(8);
});
afterAll(() => tmp.cleanup());

describe('streamed JSON documents', () => {
  test('reconcile --json, report .json and discrepancies --json print exactly JSON.stringify(doc, null, 2)', () => {
    const rec = cli('reconcile', '--json');
    expect(rec.code).toBe(15);
    const doc = parseJson(rec);
    expect(doc.discrepancies).toHaveLength(17); // the demo month: 13, plus 4 items of 2 amount + date proposals (issue 11)
    expect(rec.stdout).toBe(pretty(doc));

    const out = join(tmp.dir, 'run.json');
    expect(cli('report', '--out', out).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(rec.stdout);

    const list = cli('discrepancies', '--json', '--status', 'all');
    expect(list.code).toBe(0);
    const listed = parseJson(list);
    expect(listed.discrepancies.map((d: { id: number }) => d.id)).toEqual(doc.discrepancies.map((d: { id: number }) => d.id));
    expect(list.stdout).toBe(pretty(listed));
  });

  test('an empty list prints the same empty array as before', () => {
    const none = cli('discrepancies', '--json', '--status', 'resolved');
    expect(none.code).toBe(0);
    expect(none.stdout).toBe('{\n  "discrepancies": []\n}\n');
  });
});
