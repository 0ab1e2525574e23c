/** Mapping files: validation names the key; the mapped export reads signs, dates and types as described. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError, IoError } from '../../src/errors.js';
import { loadMappingImporter, parseText } from '../../src/importers/index.js';
import type { NormalizedTransaction } from '../../src/domain/transaction.js';
import { tempDir } from '../helpers/cli.js';

const tmp = tempDir('payrecon-mapping-');
afterAll(tmp.cleanup);
let n = 0;

function mappingFile(json: unknown): string {
  const path = join(tmp.dir, `m${++n}.json`);
  writeFileSync(path, typeof json === 'string' ? json : JSON.stringify(json));
  return path;
}

const BASE = { columns: { entry_id: 'id', booked_at: 'date', amount: 'amount' }, currency: 'EUR', defaultType: 'charge' };

function loadError(json: unknown): string {
  const path = mappingFile(json);
  try {
    loadMappingImporter(path);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message.startsWith(`${path}: `)).toBe(true);
    return (e as Error).message.slice(path.length + 2);
  }
  throw new Error('expected an InputError');
}

function txs(mapping: unknown, csv: string): NormalizedTransaction[] {
  const imp = loadMappingImporter(mappingFile(mapping));
  return parseText(imp, csv, { file: 'export.csv', source: 'erp' }).items.flatMap((i) => ('tx' in i ? [i.tx] : []));
}

describe('mapping validation names the key and what was expected', () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['unknown top-level key', { ...BASE, timeZone: 'UTC' }, /^unknown key "timeZone" in the mapping/],
    ['unknown column key', { ...BASE, columns: { ...BASE.columns, amout: 'x' } }, /^unknown key "columns\.amout" in the mapping/],
    ['missing columns', { currency: 'EUR' }, /^key "columns": /],
    ['missing entry_id', { ...BASE, columns: { booked_at: 'd', amount: 'a' } }, /^key "columns\.entry_id": /],
    ['invalid timezone', { ...BASE, timezone: 'Europe/Berlín' }, /^key "timezone": "Europe\/Berlín" is not an IANA time zone \(like Europe\/Berlin\) or an offset/],
    ['date format without a year', { ...BASE, dateFormat: 'DD.MM' }, /^key "dateFormat": date format "DD\.MM" has no year; expected tokens like/],
    ['decimal separator', { ...BASE, decimalSeparator: ';' }, /^key "decimalSeparator": /],
    ['same thousands and decimal separator', { ...BASE, thousandsSeparator: '.' }, /^key "thousandsSeparator": must differ from the decimal separator "\."/],
    ['sign', { ...BASE, sign: 'positive' }, /^key "sign": /],
    ['typeMap value', { ...BASE, typeMap: { Zahlung: 'sale' } }, /^key "typeMap\.Zahlung": /],
    ['amount and debit', { ...BASE, columns: { ...BASE.columns, debit: 'S' } }, /^key "columns\.amount": give either "amount" or "debit" \+ "credit"/],
    ['debit without credit', { ...BASE, columns: { entry_id: 'id', booked_at: 'd', debit: 'S' } }, /^key "columns\.credit": expected a signed "amount" column, or both/],
    ['no currency at all', { columns: BASE.columns, defaultType: 'charge' }, /^key "currency": the export has no currency column/],
    ['bad default currency', { ...BASE, currency: 'EURO' }, /^key "currency": expected a three-letter ISO 4217 currency code/],
    ['no type at all', { columns: BASE.columns, currency: 'EUR' }, /^key "defaultType": the export has no type column/],
    ['delimiter', { ...BASE, delimiter: ';;' }, /^key "delimiter": expected one character/],
  ];
  for (const [name, json, msg] of cases) it(name, () => expect(loadError(json)).toMatch(msg));

  it('not JSON', () => expect(loadError('{ "columns": ')).toMatch(/^the mapping is not valid JSON \(.*\); expected a JSON object with "columns"$/));

  it('an unreadable mapping is an I/O error (exit 18)', () => {
    const missing = join(tmp.dir, 'nope.json');
    expect(() => loadMappingImporter(missing)).toThrow(IoError);
    expect(() => loadMappingImporter(missing)).toThrow(`cannot read ${missing}: no such file or directory`);
  });

  it('a mapped column missing from the export fails naming the mapping key and the column', () => {
    const imp = loadMappingImporter(mappingFile(BASE));
    expect(() => parseText(imp, 'id,date,value\n1,2025-03-03,1.00\n', { file: 'export.csv', source: 'erp' })).toThrow(
      /^export\.csv:1: missing the column "amount" that the mapping .* names as columns\.amount; the header has: id, date, value$/,
    );
  });
});

describe('mapped exports', () => {
  it('money-in-negative flips a signed amount; fee stays as written', () => {
    const [t] = txs({ ...BASE, sign: 'money-in-negative', columns: { ...BASE.columns, fee: 'fee' } }, 'id,date,amount,fee\nA,2025-03-03,-12.50,0.40\n');
    expect([t.amountMinor, t.feeMinor]).toEqual([1250n, 40n]);
  });

  it('debit/credit: credit is money in, debit money out; money-in-negative flips both', () => {
    const m = { ...BASE, columns: { entry_id: 'id', booked_at: 'date', debit: 'debit', credit: 'credit' } };
    const csv = 'id,date,debit,credit\nA,2025-03-03,,10.00\nB,2025-03-03,4.00,\nC,2025-03-03,1.00,3.00\n';
    expect(txs(m, csv).map((t) => t.amountMinor)).toEqual([1000n, -400n, 200n]);
    expect(txs({ ...m, sign: 'money-in-negative' }, csv).map((t) => t.amountMinor)).toEqual([-1000n, 400n, -200n]);
  });

  it('ISO dates without an offset are in the mapping timezone; with an offset they keep it; bare dates stay that day', () => {
    const m = { ...BASE, timezone: 'America/New_York' };
    const csv = 'id,date,amount\nA,2025-07-01T09:00:00,1\nB,2025-07-01T09:00:00Z,1\nC,2025-07-01,1\nD,2025-01-15 09:00,1\n';
    expect(txs(m, csv).map((t) => t.bookedAt)).toEqual(['2025-07-01T13:00:00Z', '2025-07-01T09:00:00Z', '2025-07-01T00:00:00Z', '2025-01-15T14:00:00Z']);
  });

  it('a fixed-offset timezone and a date-only format', () => {
    expect(txs({ ...BASE, timezone: '+05:30', dateFormat: 'D/M/YYYY H:mm' }, 'id,date,amount\nA,3/7/2025 9:05,1\n')[0].bookedAt).toBe('2025-07-03T03:35:00Z');
    expect(txs({ ...BASE, timezone: '+05:30', dateFormat: 'YYYYMMDD' }, 'id,date,amount\nA,20250703,1\n')[0].bookedAt).toBe('2025-07-03T00:00:00Z');
  });

  it('typeMap first, then a canonical name, then defaultType; without defaultType an unknown type is rejected', () => {
    const m = { columns: { ...BASE.columns, type: 'kind' }, currency: 'EUR', typeMap: { Sale: 'charge', Return: 'refund' } };
    const imp = loadMappingImporter(mappingFile(m));
    const { items } = parseText(imp, 'id,date,amount,kind\nA,2025-03-03,1,Sale\nB,2025-03-03,-1,Return\nC,2025-03-03,-1,fee\nD,2025-03-03,1,Gift\n', {
      file: 'export.csv',
      source: 'erp',
    });
    expect(items.slice(0, 3).map((i) => ('tx' in i ? i.tx.type : null))).toEqual(['charge', 'refund', 'fee']);
    expect(items[3]).toEqual({
      reject: {
        line: 5,
        column: 'kind',
        reason: 'kind: expected one of Sale, Return, charge, refund, chargeback, chargeback_reversal, fee, payout, adjustment, found "Gift"',
        raw: ['D', '2025-03-03', '1', 'Gift'],
      },
    });
    expect(txs({ ...m, defaultType: 'adjustment' }, 'id,date,amount,kind\nD,2025-03-03,1,Gift\n')[0].type).toBe('adjustment');
  });

  it('thousands separators: Swiss apostrophe, and a space', () => {
    expect(txs({ ...BASE, thousandsSeparator: "'" }, "id,date,amount\nA,2025-03-03,1'234.50\n")[0].amountMinor).toBe(123450n);
    expect(txs({ ...BASE, decimalSeparator: ',', thousandsSeparator: ' ', delimiter: ';' }, 'id;date;amount\nA;2025-03-03;-12 345,6\n')[0].amountMinor).toBe(-1234560n);
  });
});
