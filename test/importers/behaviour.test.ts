/** Importer behaviour a user relies on beyond the golden files: options, stable ids, the file head. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { NormalizedTransaction } from '../../src/domain/transaction.js';
import { importerByName, parseText, readHead } from '../../src/importers/index.js';
import type { Importer } from '../../src/importers/types.js';
import { FIXTURES } from '../helpers/cli.js';

const txs = (imp: Importer, text: string, referenceColumn?: string): NormalizedTransaction[] =>
  parseText(imp, text, { file: 'f.csv', source: imp.name, referenceColumn }).items.flatMap((i) => ('tx' in i ? [i.tx] : []));

describe('Stripe reference column', () => {
  const csv = 'balance_transaction_id,created_utc,currency,gross,reporting_category,description,payment_metadata[order_id],payment_metadata[invoice]\n' +
    'txn_1,2025-03-03 10:00:00,usd,1.00,charge,Order A,ORD-A,INV-A\n' +
    'txn_2,2025-03-03 10:00:00,usd,1.00,charge,Order B,,\n';
  it('defaults to payment_metadata[order_id], falling back to the description', () => {
    expect(txs(importerByName('stripe')!, csv).map((t) => t.reference)).toEqual(['ORD-A', 'Order B']);
  });
  it('--reference-column picks another metadata column', () => {
    expect(txs(importerByName('stripe')!, csv, 'payment_metadata[invoice]').map((t) => t.reference)).toEqual(['INV-A', 'Order B']);
  });
});

describe('ids are stable when a file is restated', () => {
  it('Adyen: a rejected row without a Modification Reference still takes its place in the count', () => {
    const text = readFileSync(join(FIXTURES, 'adyen', 'settlement_detail_report_batch_131.csv'), 'utf8');
    // The first of the two Fee rows of batch 131 broken, then restated fixed.
    const broken = text.replace('CEST,Fee,,,,,,EUR,1.00,', 'CEST,Fee,,,,,,EUR,N/A,');
    expect(broken).not.toBe(text);
    const feeIds = (t: string) => txs(importerByName('adyen')!, t).map((x) => x.externalId).filter((id) => id.includes(':Fee:'));
    expect(feeIds(broken)).toEqual(['ExEU:131:Fee:EUR:2']);
    expect(feeIds(text)).toEqual(['ExEU:131:Fee:EUR:1', 'ExEU:131:Fee:EUR:2']);
  });

  it('Checkout.com: a rejected row still takes its occurrence number', () => {
    const header = readFileSync(join(FIXTURES, 'checkout', 'settlement-breakdown-2025-03.csv'), 'utf8').split('\n')[0];
    const row = (id: string, processed: string) => `e,E,pc,W,Capture,${id},R,${processed},x,EUR,po_1,10,0,10,0,0,0,0,0,EUR,10,1,Visa`;
    const good = [header, row('pay_1', '2025-03-03T10:00:00'), row('pay_1', '2025-03-03T11:00:00'), row('pay_1', '2025-03-03T12:00:00')].join('\n');
    const bad = good.replace('2025-03-03T11:00:00', '2025-02-30T11:00:00');
    expect(txs(importerByName('checkout')!, good).map((t) => t.externalId)).toEqual(['pay_1:Capture:po_1', 'pay_1:Capture:po_1:2', 'pay_1:Capture:po_1:3']);
    expect(txs(importerByName('checkout')!, bad).map((t) => t.externalId)).toEqual(['pay_1:Capture:po_1', 'pay_1:Capture:po_1:3']);
  });
});

describe('readHead', () => {
  it('strips the BOM and reads the first record with its quotes', () => {
    expect(readHead(Buffer.from('\uFEFF"a, b",c\r\n1,2\r\n'), 'x.csv', 'x.csv').firstRecord).toEqual(['a, b', 'c']);
  });
  it('tolerates a multi-byte character cut off by the end of the head', () => {
    const buf = Buffer.from('Währung;Betrag\nEUR;1\nÜ');
    expect(readHead(buf.subarray(0, buf.length - 1), 'x.csv', 'x.csv', ';').firstRecord).toEqual(['Währung', 'Betrag']);
  });
  it('a one-line file without a newline is a complete record', () => {
    expect(readHead(Buffer.from('entry_id,booked_at'), 'x.csv', 'x.csv').firstRecord).toEqual(['entry_id', 'booked_at']);
  });
  it('skips blank lines before the header', () => {
    expect(readHead(Buffer.from('\n\r\nentry_id,booked_at\n'), 'x.csv', 'x.csv').firstRecord).toEqual(['entry_id', 'booked_at']);
  });
});
