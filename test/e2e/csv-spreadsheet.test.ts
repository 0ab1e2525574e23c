/**
 * Issue 17 item 4: a CSV report opened in a real spreadsheet, LibreOffice Calc headless, in an
 * en-US and a de-DE locale. A 16-digit reference, a zero-padded ledger id `0012345` and a `1E5`
 * reference stay text, exactly; amounts are numbers; a formula in a reference is shown, never
 * run. And the sheet of `discrepancies --out` survives a German LibreOffice saving it back.
 * Skipped, saying how to install it, only when soffice is absent (CI installs it: .ci/run).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJson, runCli, tempDir } from '../helpers/cli.js';
import { columnOf, openCsv, readFods, SOFFICE, soffice, type SheetCell } from '../helpers/spreadsheet.js';

if (!SOFFICE) console.warn('skipping the spreadsheet test: soffice not found. Install it with: sudo apt-get install -y libreoffice-calc-nogui');

const LONG_REF = '1234567890123456'; // 16 digits: a number in a spreadsheet keeps only 15
const FORMULA_REF = '=HYPERLINK("http://evil.example","x")';
const ADYEN_HEADER =
  'Company Account,Merchant Account,Psp Reference,Merchant Reference,Payment Method,Creation Date,TimeZone,Type,Modification Reference,Gross Currency,Gross Debit (GC),Gross Credit (GC),Exchange Rate,Net Currency,Net Debit (NC),Net Credit (NC),Commission (NC),Markup (NC),Scheme Fees (NC),Interchange (NC),Payment Method Variant,Modification Merchant Reference,Batch Number,Reserved4,Reserved5,Reserved6,Reserved7,Reserved8,Reserved9,Reserved10';
const adyen = (psp: string, ref: string, gross: string) =>
  `ExCo,ExEU,${psp},"${ref.replaceAll('"', '""')}",visa,2025-03-03 11:40:05,CET,Settled,${psp.slice(0, -3)}1${psp.slice(-2)},EUR,,${gross},1,EUR,,${gross},,,,,visa,,118,,,,,,,`;

let tmp: { dir: string; cleanup: () => void };
let db: string;
const cli = (...args: string[]) => runCli(['--db', db, ...args], { cwd: tmp.dir });
// Workbook cell: the discrepancy row whose `key` column holds `value`.
const rowWhere = (rows: SheetCell[][], key: string, value: string) => {
  const at = rows[0].findIndex((c) => c.value === key);
  const row = rows.find((r) => r[at]?.value === value);
  if (!row) throw new Error(`no row with ${key} = ${value}: ${JSON.stringify(rows.map((r) => r.map((c) => c.value)))}`);
  return (name: string) => row[rows[0].findIndex((c) => c.value === name)];
};

beforeAll(() => {
  tmp = tempDir('payrecon-sheet-');
  db = join(tmp.dir, 't.db');
  writeFileSync(
    join(tmp.dir, 'ledger.csv'),
    [
      'entry_id,booked_at,reference,psp_reference,type,amount,currency,fee,description',
      `0012345,2025-03-03,${LONG_REF},8815000000000002,charge,57.20,EUR,,amount differs by 0.08`,
      'L-10,2025-03-05,1E5,,refund,-12.30,EUR,,refund only in the ledger',
    ].join('\n') + '\n',
  );
  writeFileSync(join(tmp.dir, 'settlement_detail_report_batch_118.csv'), [ADYEN_HEADER, adyen('8815000000000002', LONG_REF, '57.28'), adyen('8815000000000003', FORMULA_REF, '1234.50')].join('\n') + '\n');
  expect(cli('import', 'ledger', 'ledger.csv').code).toBe(0);
  expect(cli('import', 'psp', 'settlement_detail_report_batch_118.csv').code).toBe(0);
  const rec = cli('reconcile', '--json');
  expect(rec.code, rec.stderr).toBeGreaterThan(0);
  expect(parseJson(rec).discrepancies.map((d: { kind: string }) => d.kind).sort()).toEqual(['amount_mismatch', 'missing_in_ledger', 'missing_in_psp']);
});
afterAll(() => tmp?.cleanup());

/** The assertions every spreadsheet dialect must meet in the locale it is meant for. */
function expectIdsTextAmountsNumbers(rows: SheetCell[][]) {
  const mismatch = rowWhere(rows, 'kind', 'amount_mismatch');
  expect(mismatch('reference')).toMatchObject({ type: 'string', value: LONG_REF });
  expect(mismatch('ledger_id')).toMatchObject({ type: 'string', value: '0012345' });
  expect(mismatch('psp_amount')).toEqual({ type: 'float', value: '57.28' });
  expect(mismatch('ledger_amount')).toEqual({ type: 'float', value: '57.2' });
  expect(mismatch('difference').type).toBe('float');
  const refund = rowWhere(rows, 'kind', 'missing_in_psp');
  expect(refund('reference')).toMatchObject({ type: 'string', value: '1E5' });
  expect(refund('ledger_amount')).toEqual({ type: 'float', value: '-12.3' });
  const hostile = rowWhere(rows, 'kind', 'missing_in_ledger');
  // The reference is the text of a string literal: shown exactly, nothing evaluated.
  expect(hostile('reference')).toMatchObject({ type: 'string', value: FORMULA_REF });
  expect(hostile('reference').formula).toMatch(/^of:="=HYPERLINK/);
  expect(hostile('psp_amount')).toEqual({ type: 'float', value: '1234.5' });
  // Every id cell and every amount cell of the sheet, not only the ones named above.
  for (const col of ['reference', 'psp_id', 'ledger_id']) for (const c of columnOf(rows, col)) expect(['string', 'empty']).toContain(c.type);
  for (const col of ['psp_amount', 'ledger_amount']) for (const c of columnOf(rows, col)) expect(['float', 'empty']).toContain(c.type);
}

describe.skipIf(!SOFFICE)('CSV reports in LibreOffice Calc', () => {
  it('excel (the default) in en-US: ids text and intact, amounts numbers', () => {
    const csv = join(tmp.dir, 'en.csv');
    expect(cli('report', '--out', csv).code).toBe(0);
    expect(readFileSync(csv, 'utf8').startsWith('\uFEFFid,kind,')).toBe(true);
    expectIdsTextAmountsNumbers(openCsv(tmp.dir, csv, 'en-US', ','));
  }, 400_000);

  it('excel-semicolon in de-DE: ids text and intact, amounts numbers', () => {
    const csv = join(tmp.dir, 'de.csv');
    expect(cli('report', '--out', csv, '--csv-dialect', 'excel-semicolon').code).toBe(0);
    expectIdsTextAmountsNumbers(openCsv(tmp.dir, csv, 'de-DE', ';'));
  }, 400_000);

  it('the locale is real: in de-DE the decimal-point dialect gives text amounts (why excel-semicolon exists)', () => {
    const csv = join(tmp.dir, 'de-wrong.csv');
    expect(cli('report', '--out', csv, '--csv-dialect', 'excel').code).toBe(0);
    const rows = openCsv(tmp.dir, csv, 'de-DE', ',');
    expect(rowWhere(rows, 'kind', 'amount_mismatch')('psp_amount')).toMatchObject({ type: 'string', value: '57.28' });
    // The ids are still right: the protection does not depend on the locale.
    expect(rowWhere(rows, 'kind', 'amount_mismatch')('ledger_id')).toMatchObject({ type: 'string', value: '0012345' });
  }, 400_000);

  it('the discrepancies sheet, saved back by a German LibreOffice, applies with resolve --from-file', () => {
    const sheet = join(tmp.dir, 'queue.csv');
    expect(cli('discrepancies', '--out', sheet, '--csv-dialect', 'excel-semicolon').code).toBe(0);
    // A person's edit: the refund row resolved, with a note (as typed in the spreadsheet).
    const lines = readFileSync(sheet, 'utf8').split('\r\n');
    const at = lines.findIndex((l) => l.includes('missing_in_psp'));
    const cells = lines[at].split(';');
    const header = lines[0].replace(/^\uFEFF/, '').split(';');
    cells[header.indexOf('status')] = 'resolved';
    cells[header.indexOf('note')] = 'Erstattung im April gebucht';
    lines[at] = cells.join(';');
    writeFileSync(sheet, lines.join('\r\n'));
    // Opened and saved as CSV by LibreOffice in de-DE: its own `;`, its own quoting, the
    // id formulas replaced by their values, amounts in its own decimal format.
    const saved = soffice(tmp.dir, 'de-DE', sheet, 'CSV:59,34,76,1', 'csv:Text - txt - csv (StarCalc):59,34,76,1', join(tmp.dir, 'saved'));
    const text = readFileSync(saved, 'utf8');
    expect(text).toContain(LONG_REF);
    expect(text).not.toContain('="');
    const r = cli('resolve', '--from-file', saved, '--json');
    expect(r.code, r.stderr).toBe(0);
    const id = Number(cells[header.indexOf('id')]);
    expect(parseJson(r).applied).toEqual([expect.objectContaining({ id, changes: ['status'] })]);
    const item = parseJson(cli('discrepancies', '--json', '--status', 'all')).discrepancies.find((d: { id: number }) => d.id === id);
    expect(item).toMatchObject({ status: 'resolved', note: 'Erstattung im April gebucht', reference: '1E5' });
  }, 400_000);

  it('a fods a person could open shows the same as the CSV (sanity of the reader)', () => {
    // readFods is ours: check it against a sheet whose content LibreOffice itself wrote.
    const csv = join(tmp.dir, 'plain.csv');
    writeFileSync(csv, 'a,b\r\n0012345,"=""0012345"""\r\n');
    const rows = readFods(soffice(tmp.dir, 'en-US', csv, 'CSV:44,34,76,1', 'fods', join(tmp.dir, 'plain')));
    expect(rows[1]).toEqual([
      { type: 'float', value: '12345' },
      expect.objectContaining({ type: 'string', value: '0012345' }),
    ]);
  }, 400_000);
});
