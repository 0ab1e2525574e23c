import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvLine, DISCREPANCY_COLUMNS, neutralise, renderReconcileCsv, renderScanCsv } from '../../src/report/csv.js';
import { HOSTILE_CSV, SCAN, dataFor, sampleRows, view } from '../helpers/report-sample.js';

describe('neutralise', () => {
  it.each([
    ['=1+2', "'=1+2"],
    ['+SUM(A1)', "'+SUM(A1)"],
    ['-cmd|calc', "'-cmd|calc"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1', "'\t=1"],
    ['\r=1', "'\r=1"],
    ['  =1', "'  =1"],
    ['-12.30', '-12.30'],
    ['1000', '1000'],
    ['0.08', '0.08'],
    ['+12.30', "'+12.30"],
    ['-', "'-"],
    ['ORD-1', 'ORD-1'],
    ['', ''],
  ])('%j -> %j', (input, expected) => {
    expect(neutralise(input)).toBe(expected);
  });
});

describe('csvLine quoting', () => {
  it.each([
    [['a', 'b'], 'a,b'],
    [['a,b', 'c'], '"a,b",c'],
    [['say "hi"'], '"say ""hi"""'],
    [['two\nlines'], '"two\nlines"'],
    [[' padded'], '" padded"'],
    [[null, undefined, 3], ',,3'],
  ])('%j', (cells, expected) => {
    expect(csvLine(cells)).toBe(expected);
  });
});

// The rfc4180 dialect: plain values as a program reads them (the spreadsheet dialects: csv-dialect.test.ts).
const rfc = <T extends object>(d: T) => ({ ...d, csvDialect: 'rfc4180' as const });

describe('CSV reconcile report (rfc4180)', () => {
  const rows = sampleRows();
  const text = renderReconcileCsv(rfc(dataFor(rows)));
  const records = parse(text, { columns: true }) as Array<Record<string, string>>;

  it('has one row per discrepancy with both sides, in a header a spreadsheet user can read', () => {
    expect(Object.keys(records[0])).toEqual(DISCREPANCY_COLUMNS);
    expect(records.map((r) => r.id)).toEqual(rows.map((r) => String(r.id)));
    const first = records[0];
    expect(first.psp_amount).toBe('57.28');
    expect(first.ledger_amount).toBe('57.20');
    expect(first.ledger_line).toBe('88');
    expect(first.difference).toBe('0.08');
  });

  it('gives the bank entry of a payout/deposit kind its own columns, last; other kinds leave them empty', () => {
    const bank = { id: 'BR-1', amount: '500.00', currency: 'EUR', source: 'bank:DE89', file: 'eur.xml', line: 22, booked_at: '2025-03-14' };
    const deposit = { ...rows[0], id: 900, kind: 'unexplained_deposit' as const, psp: null, ledger: null, bank };
    const [r] = parse(renderReconcileCsv(rfc(dataFor([deposit]))), { columns: true }) as Array<Record<string, string>>;
    expect(DISCREPANCY_COLUMNS.slice(-7)).toEqual(['bank_id', 'bank_amount', 'bank_currency', 'bank_source', 'bank_file', 'bank_line', 'bank_booked_at']);
    expect([r.kind, r.bank_id, r.bank_amount, r.bank_source, r.bank_line, r.psp_id]).toEqual(['unexplained_deposit', 'BR-1', '500.00', 'bank:DE89', '22', '']);
    expect(records[0].bank_id).toBe('');
  });

  it('neutralises a formula in a reference but keeps negative amounts numeric', () => {
    const r = records.find((x) => x.id === '42')!;
    expect(r.reference).toBe(`'${HOSTILE_CSV}`);
    expect(r.psp_amount).toBe('-12.30');
  });

  it('round-trips hostile text exactly (quotes, commas, markup)', () => {
    expect(records.find((x) => x.id === '41')!.reference).toBe('<script>alert(1)</script>');
    expect(records.find((x) => x.id === '41')!.reason).toBe('" onmouseover="alert(2)');
  });

  it('carries the workflow state', () => {
    const r = records.find((x) => x.id === '44')!;
    expect([r.status, r.note, r.resolved_by]).toEqual(['resolved', 'booked late', 'ann']);
  });

  it('uses CRLF line ends and a header only when there are no discrepancies', () => {
    expect(text.split('\r\n').length).toBe(rows.length + 2);
    expect(renderReconcileCsv(rfc(dataFor([])))).toBe(csvLine(DISCREPANCY_COLUMNS) + '\r\n');
  });

  it('a reference with a line break stays one record', () => {
    const t = renderReconcileCsv(rfc(dataFor([view({ id: 9, reference: 'a\nb,"c"' })])));
    const recs = parse(t, { columns: true }) as Array<Record<string, string>>;
    expect(recs).toHaveLength(1);
    expect(recs[0].reference).toBe('a\nb,"c"');
  });
});

describe('CSV scan report', () => {
  it('one row per finding; paths with markup kept verbatim', () => {
    const recs = parse(renderScanCsv(rfc({ scans: [SCAN], generatedAt: 'x' })), { columns: true }) as Array<Record<string, string>>;
    expect(recs).toHaveLength(1);
    expect(recs[0]).toMatchObject({ scan: '3', baseline: 'keys', kind: 'changed', attributes: 'sha256 mode' });
    expect(recs[0].path).toBe(SCAN.findings[0].path);
  });
});
