/** The CSV dialects: each cell by its type, in each dialect (the real spreadsheet: test/e2e/csv-spreadsheet.test.ts). */
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvRecord, DISCREPANCY_COLUMNS, DISCREPANCY_TYPES, renderReconcileCsv, renderScanCsv } from '../../src/report/csv.js';
import { CSV_DIALECTS, DEFAULT_CSV_DIALECT, unwrapFormulaText, type CellType, type CsvDialectName } from '../../src/report/csv-dialect.js';
import { HOSTILE_CSV, SCAN, dataFor, view } from '../helpers/report-sample.js';

const ADYEN_PSP_REF = '8815000000000002'; // 16 digits: Excel keeps 15 significant digits of a number

describe('one cell by type and dialect', () => {
  const LONG = 'R'.repeat(256);
  it.each<[CsvDialectName, CellType, string | number | null, string]>([
    ['excel', 'id', ADYEN_PSP_REF, `"=""${ADYEN_PSP_REF}"""`],
    ['excel', 'id', '0012345', '"=""0012345"""'],
    ['excel', 'id', '1E5', '"=""1E5"""'],
    ['excel', 'id', 'say "x"', '"=""say """"x"""""""'],
    // A formula in a reference becomes the text of a string literal: shown, never run.
    ['excel', 'id', '=1+2', '"=""=1+2"""'],
    // Excel refuses literals over 255 characters, and line breaks: a neutralised text cell.
    ['excel', 'id', LONG, LONG],
    ['excel', 'id', '=a\nb', `"'=a\nb"`],
    ['excel', 'id', null, ''],
    ['excel', 'amount', '-12.30', '-12.30'],
    ['excel', 'int', 88, '88'],
    ['excel', 'text', '=HYPERLINK("x")', `"'=HYPERLINK(""x"")"`],
    ['excel-semicolon', 'id', '0012345', '"=""0012345"""'],
    ['excel-semicolon', 'amount', '-12.30', '-12,30'],
    ['excel-semicolon', 'amount', '1000', '1000'],
    ['excel-semicolon', 'text', 'a;b', '"a;b"'],
    ['excel-semicolon', 'text', 'a,b', 'a,b'],
    ['rfc4180', 'id', '0012345', '"0012345"'],
    ['rfc4180', 'id', '=1+2', `"'=1+2"`],
    ['rfc4180', 'amount', '-12.30', '-12.30'],
    // Not a decimal after all (never from our money code): written as neutralised text.
    ['rfc4180', 'amount', '-1e3', "'-1e3"],
  ])('%s %s %j -> %s', (dialect, type, value, expected) => {
    expect(csvRecord(CSV_DIALECTS[dialect], [type], [value])).toBe(expected);
  });
});

describe('a report in each dialect', () => {
  const row = view({ id: 7, reference: '0012345', psp: { id: ADYEN_PSP_REF, amount: '-12.30', source: 'adyen', file: 'a.csv', line: 3 }, difference: '0.08' });
  const text = (csvDialect: CsvDialectName) => renderReconcileCsv({ ...dataFor([row]), csvDialect, writtenOff: [{ reason: 'fx_rounding', currency: 'EUR', count: 2, amount: '0.04' }] });

  it('has a type for every column', () => {
    expect(DISCREPANCY_TYPES).toHaveLength(DISCREPANCY_COLUMNS.length);
  });

  it.each<[CsvDialectName, boolean, string, string]>([
    ['excel', true, ',', '-12.30'],
    ['excel-semicolon', true, ';', '-12,30'],
    ['rfc4180', false, ',', '-12.30'],
  ])('%s: BOM %s, delimiter %j, amount %s', (dialect, bom, delimiter, amount) => {
    const t = text(dialect);
    expect(t.startsWith('\uFEFF')).toBe(bom);
    const [header, first, , writeOffHeader, writeOff] = parse(t, { bom: true, delimiter, relax_column_count: true }) as string[][];
    expect(header).toEqual(DISCREPANCY_COLUMNS);
    const cell = (name: string) => first[header.indexOf(name)];
    expect(cell('psp_amount')).toBe(amount);
    expect(cell('id')).toBe('7');
    expect(unwrapFormulaText(cell('psp_id'))).toBe(ADYEN_PSP_REF);
    expect(unwrapFormulaText(cell('reference'))).toBe('0012345');
    expect(writeOffHeader[0]).toBe('written_off_reason');
    expect(writeOff[3]).toBe(dialect === 'excel-semicolon' ? '0,04' : '0.04');
    expect(t.endsWith('\r\n')).toBe(true);
  });

  it('the default is excel', () => {
    expect(DEFAULT_CSV_DIALECT).toBe('excel');
    expect(renderReconcileCsv(dataFor([row]))).toBe(text('excel').split('\r\n\r\n')[0] + '\r\n');
  });

  it('a scan report keeps paths text', () => {
    const [header, first] = parse(renderScanCsv({ scans: [{ ...SCAN, findings: [{ ...SCAN.findings[0], path: '/etc/0012' }] }], generatedAt: 'x', csvDialect: 'excel' }), { bom: true }) as string[][];
    expect(first[header.indexOf('path')]).toBe('="/etc/0012"');
  });

  it('a hostile reference holds its exact text in the spreadsheet dialects', () => {
    const [header, first] = parse(renderReconcileCsv({ ...dataFor([view({ reference: HOSTILE_CSV })]), csvDialect: 'excel' }), { bom: true }) as string[][];
    expect(unwrapFormulaText(first[header.indexOf('reference')])).toBe(HOSTILE_CSV);
  });
});

describe('unwrapFormulaText', () => {
  it.each([
    ['="0012345"', '0012345'],
    ['="say ""x"""', 'say "x"'],
    ['=1+2', '=1+2'],
    ['="a"&"b"', '="a"&"b"'],
    ['plain', 'plain'],
  ])('%j -> %j', (input, expected) => {
    expect(unwrapFormulaText(input)).toBe(expected);
  });
});
