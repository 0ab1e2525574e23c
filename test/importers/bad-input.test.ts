/**
 * Each bad-input case of the issue: the error (whole file) or reject (one row) names the file,
 * the line, and what was expected. Whole-file errors are InputErrors (exit 17); rejected rows
 * leave the rest of the file importable.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import {
  identifyImporter,
  importerByName,
  LEDGER_IMPORTERS,
  parseText,
  readHead,
  readRecords,
} from '../../src/importers/index.js';
import type { Importer, ParseItem } from '../../src/importers/types.js';
import type { RejectedRow } from '../../src/domain/transaction.js';
import { FIXTURES } from '../helpers/cli.js';

const stripe = importerByName('stripe')!;
const adyen = importerByName('adyen')!;
const paypal = importerByName('paypal')!;
const checkout = importerByName('checkout')!;
const ledger = LEDGER_IMPORTERS[0];

function fails(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).exitCode).toBe(17);
    return (e as Error).message;
  }
  throw new Error('expected an InputError');
}

function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

const parse = (imp: Importer, text: string, file = 'in.csv') => parseText(imp, text, { file, source: imp.name });
const rejects = (items: ParseItem[]): RejectedRow[] => items.flatMap((i) => ('reject' in i ? [i.reject] : []));
const txCount = (items: ParseItem[]) => items.filter((i) => 'tx' in i).length;

const STRIPE_HEADER = 'balance_transaction_id,created_utc,currency,gross,fee,net,reporting_category,source_id,description';
const GOOD_STRIPE = 'txn_1,2025-03-03 10:00:00,usd,10.00,0.59,9.41,charge,ch_1,Order 1';

describe('whole-file input errors name the file, the line and what was expected', () => {
  it('unrecognised', () => {
    const head = readHead(Buffer.from('a,b,c\n1,2,3\n'), 'x.csv', 'inbox/x.csv');
    expect(fails(() => identifyImporter('psp', head, 'inbox/x.csv'))).toBe('inbox/x.csv:1: not a recognised settlement file: the first line begins "a,b,c"');
    const e = inputError(() => identifyImporter('psp', head, 'inbox/x.csv'));
    expect(e.hint).toMatch(/^expected one of:\n  - Stripe: /);
    expect(e.summary).toBe('inbox/x.csv: not a recognised settlement file (exit 17)');
  });

  it('empty, and blank-lines-only', () => {
    expect(fails(() => readHead(Buffer.alloc(0), 'x.csv', 'x.csv'))).toBe('x.csv: the file is empty; expected a UTF-8 CSV file with a header line');
    expect(fails(() => readHead(Buffer.from('\uFEFF\r\n\r\n'), 'x.csv', 'x.csv'))).toMatch(/^x\.csv: the file has no content but blank lines; expected/);
  });

  it('header only', () => {
    expect(fails(() => parse(stripe, `${STRIPE_HEADER}\n`))).toBe(
      'in.csv:1: the file has a header but no rows; expected at least one Stripe row after the header',
    );
  });

  it('missing required column, for every format', () => {
    expect(fails(() => parse(stripe, `balance_transaction_id,created_utc,currency,reporting_category\n`))).toMatch(
      /^in\.csv:1: Stripe file is missing the required column "gross"; the header has: /,
    );
    expect(fails(() => parse(stripe, `balance_transaction_id,currency,gross,reporting_category\n`))).toContain(
      'missing the required column "created_utc" or "created"',
    );
    expect(fails(() => parse(adyen, 'Merchant Account,Type,Net Currency\n'))).toMatch(/^in\.csv:1: Adyen file is missing the required column "Creation Date"/);
    expect(fails(() => parse(checkout, 'Type,Payment ID,Holding Currency\n'))).toMatch(/^in\.csv:1: Checkout\.com file is missing the required column "Processed On"/);
    expect(fails(() => parse(ledger, 'entry_id,booked_at,reference,type,currency\n'))).toMatch(/^in\.csv:1: ledger file is missing the required column "amount"/);
    const stl = readFileSync(join(FIXTURES, 'paypal', 'STL-20250303.01.009.CSV'), 'utf8').replace('"Gross Transaction Amount",', '');
    expect(fails(() => parse(paypal, stl))).toMatch(/^in\.csv:4: PayPal STL file is missing the required column "Gross Transaction Amount"/);
  });

  it('binary', () => {
    const bytes = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00]);
    expect(fails(() => readHead(bytes, 'x.zip', 'x.zip'))).toBe('x.zip:1: binary content (a NUL byte at offset 5); expected a UTF-8 CSV file with a header line');
    expect(fails(() => readHead(Buffer.from('\xff\xfea\x00', 'latin1'), 'x.csv', 'x.csv'))).toMatch(/UTF-16 encoded; expected a UTF-8 CSV/);
  });

  it('invalid UTF-8 in the middle of a streamed file names the line', async () => {
    const body = Buffer.concat([Buffer.from(`${STRIPE_HEADER}\n${GOOD_STRIPE}\n`), Buffer.from('txn_2,2025-03-03 10:00:00,usd,1.00,0,1,charge,ch_2,M\xfcller\n', 'latin1')]);
    const consume = async () => {
      for await (const _ of readRecords(Readable.from([body]), 'in.csv')) void _;
    };
    await expect(consume()).rejects.toThrow(/^in\.csv:\d+: the file is not valid UTF-8 text; expected a UTF-8 CSV/);
  });

  it('truncated mid-row (an open quote at the end of the file)', async () => {
    const path = join(FIXTURES, 'unrecognised', 'stripe-truncated-mid-row.csv');
    const msg = fails(() => parse(stripe, readFileSync(path, 'utf8'), 'stripe-truncated-mid-row.csv'));
    expect(msg).toBe(
      'stripe-truncated-mid-row.csv:3: the record starting here has a quoted field that never closes (truncated file?); expected a closing "',
    );
    const consume = async () => {
      for await (const _ of readRecords(Readable.from([readFileSync(path)]), 'stripe-truncated-mid-row.csv')) void _;
    };
    await expect(consume()).rejects.toThrow(msg);
  });

  it('no complete first record', () => {
    expect(fails(() => readHead(Buffer.from('"balance_transaction_id,created'), 'x.csv', 'x.csv'))).toBe(
      'x.csv:1: no complete first record (a quoted field never closes); expected a UTF-8 CSV file with a header line',
    );
  });

  it('PayPal SC count mismatch names the SC line, expected and found', () => {
    const path = join(FIXTURES, 'unrecognised', 'STL-20250305.01.009.CSV');
    expect(fails(() => parse(paypal, readFileSync(path, 'utf8'), 'STL-20250305.01.009.CSV'))).toBe(
      'STL-20250305.01.009.CSV:8: the SC record of the section starting at line 3 says 3 SB rows, but 2 were found; expected the counts to match (truncated or edited file?)',
    );
  });

  it('PayPal RC and FF mismatches, and a missing footer', () => {
    const stl = readFileSync(join(FIXTURES, 'paypal', 'STL-20250303.01.009.CSV'), 'utf8');
    expect(fails(() => parse(paypal, stl.replace('"RC",9', '"RC",10')))).toMatch(/^in\.csv:21: the RC record says 10 SB rows, but 9 were found/);
    expect(fails(() => parse(paypal, stl.replace('"FF",9', '"FF",8')))).toMatch(/^in\.csv:22: the FF record says 8 SB rows, but 9 were found/);
    const cut = stl.slice(0, stl.indexOf('"SC",3'));
    expect(fails(() => parse(paypal, cut))).toMatch(/^in\.csv:13: the section starting here has no SC record \(truncated file\?\)/);
  });
});

describe('bad rows are rejected with line, column and what was expected; the rest imports', () => {
  const cases: Array<[string, string, string, RegExp]> = [
    ['N/A', 'txn_9,2025-03-03 10:00:00,usd,N/A,0,0,charge,ch_9,x', 'gross', /expected a decimal amount like 12\.30, found "N\/A"/],
    ['1,234.5.6', 'txn_9,2025-03-03 10:00:00,usd,"1,234.5.6",0,0,charge,ch_9,x', 'gross', /expected a decimal amount like 12\.30, found "1,234\.5\.6"/],
    ['1e3', 'txn_9,2025-03-03 10:00:00,usd,1e3,0,0,charge,ch_9,x', 'gross', /expected a decimal amount like 12\.30, found "1e3"/],
    ['unknown currency', 'txn_9,2025-03-03 10:00:00,abc,1.00,0,1.00,charge,ch_9,x', 'currency', /expected an ISO 4217 currency code like USD, found "abc"/],
    ['too many decimals', 'txn_9,2025-03-03 10:00:00,usd,1.001,0,1.001,charge,ch_9,x', 'gross', /amount "1\.001" has 3 decimals; the currency allows 2/],
    ['too many decimals (JPY)', 'txn_9,2025-03-03 10:00:00,jpy,100.5,0,100.5,charge,ch_9,x', 'gross', /has 1 decimal; the currency allows 0/],
    ['bad date', 'txn_9,2025-02-30 10:00:00,usd,1.00,0,1.00,charge,ch_9,x', 'created_utc', /expected a real calendar date and time, found "2025-02-30 10:00:00"/],
    ['unparseable date', 'txn_9,yesterday,usd,1.00,0,1.00,charge,ch_9,x', 'created_utc', /expected an ISO-8601 date or date-time/],
    ['truncated last line', 'txn_9,2025-03-03 10:00:00,usd,1', 'fee', /the row has 4 fields but the header has 9 \(truncated line\?\); expected a value for "fee"/],
  ];
  for (const [name, row, column, reason] of cases) {
    it(name, () => {
      const { items } = parse(stripe, `${STRIPE_HEADER}\n${GOOD_STRIPE}\n${row}\n${GOOD_STRIPE.replace('txn_1', 'txn_3')}`);
      expect(txCount(items)).toBe(2);
      const [r] = rejects(items);
      expect(r.line).toBe(3);
      expect(r.column).toBe(column);
      expect(r.reason).toMatch(reason);
      expect(r.raw).toEqual(readRow(row));
    });
  }

  it('a row with more values than the header (a shifted column) is rejected; a trailing empty field is not', () => {
    const { items } = parse(stripe, `${STRIPE_HEADER}\n${GOOD_STRIPE},\n${GOOD_STRIPE.replace('txn_1', 'txn_2').replace('10.00', '10,00')}\n`);
    expect(txCount(items)).toBe(1);
    expect(rejects(items)[0]).toMatchObject({ line: 3, reason: expect.stringMatching(/has 10 fields but the header has 9 \(an unquoted delimiter inside a value\?\)/) });
  });

  it('PayPal: a JPY amount that is not a whole number of yen after the x100 scale says so', () => {
    const stl = readFileSync(join(FIXTURES, 'paypal', 'STL-20250303.01.009.CSV'), 'utf8');
    const r = rejects(parse(paypal, stl).items).find((x) => x.column === 'Gross Transaction Amount')!;
    expect(r.line).toBe(16);
    expect(r.reason).toContain('PayPal writes amounts x100, and 123456 is not a whole number of JPY');
  });

  it('Adyen: an unknown zone abbreviation rejects the row, naming the TimeZone column', () => {
    const r = rejects(parse(adyen, readFileSync(join(FIXTURES, 'adyen', 'settlement_detail_report_batch_131.csv'), 'utf8')).items)[0];
    expect(r).toMatchObject({ line: 3, column: 'TimeZone' });
    expect(r.reason).toMatch(/unknown zone abbreviation "XYZ"; expected one of UTC GMT/);
  });
});

function readRow(row: string): string[] {
  // The raw fields as the CSV reader returns them (quotes removed).
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of row) {
    if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}
