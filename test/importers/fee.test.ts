/**
 * Fees finer than a cent (src/importers/fee.ts): interchange and scheme fees are percentages, and
 * a provider that itemises them may state `0.0425` USD. The row imports; its fee is the figure
 * that explains the money (gross - net) when the exact fee lies within one minor unit of it.
 */
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { exactFee, formatExact, roundHalfEven, settleFee } from '../../src/importers/fee.js';
import { importerByName, parseText } from '../../src/importers/index.js';
import type { ParseItem } from '../../src/importers/types.js';

const fee = (...texts: string[]) => exactFee(texts.map((t, i) => [`c${i}`, t] as const), 2)!;

describe('exactFee reads components at the finest scale any of them uses', () => {
  it.each([
    [['0.30', '0.15', '1.20'], '1.65', 2],
    [['0.0425'], '0.0425', 4],
    [['0.1', '0.04'], '0.14', 2],
    [['0.125', '0.0001'], '0.1251', 4],
    [['1.2300'], '1.23', 2], // trailing zeros are not decimals
    [['', '0.05', ''], '0.05', 2],
  ])('%j -> %s (scale %d)', (parts, text, scale) => {
    const f = fee(...parts);
    expect(formatExact(f)).toBe(text);
    expect(f.scale).toBe(scale);
  });
  it('no stated component is no fee', () => {
    expect(exactFee([['a', ''], ['b', '  ']], 2)).toBeNull();
  });
  it('a garbled component names its column', () => {
    expect(() => exactFee([['Interchange (NC)', '0.123456789']], 2)).toThrow(/^Interchange \(NC\): amount "0.123456789" has 9 decimals; a fee may have at most 8$/);
    expect(() => exactFee([['Markup (NC)', 'abc']], 2)).toThrow(/^Markup \(NC\): expected a decimal amount/);
  });
});

describe('roundHalfEven agrees with decimal.js', () => {
  it.each(['0.0425', '0.0450', '0.0550', '-0.0450', '-0.0451', '0.005', '0.015', '12.34499999', '-7.125'])('%s', (text) => {
    const f = exactFee([['c', text]], 2)!;
    const want = new Decimal(text).toDecimalPlaces(2, Decimal.ROUND_HALF_EVEN).mul(100).toFixed(0);
    expect(roundHalfEven(f, 2).toString()).toBe(want);
  });
});

describe('settleFee', () => {
  it.each([
    // gross, net, components, fee kept
    [1000n, 835n, ['0.30', '0.15', '1.20'], 165n], // whole cents: checked exactly
    [1000n, 996n, ['0.0425'], 4n], // 10.00 - 0.0425 = 9.9575, net 9.96: within a cent, fee = gross - net
    [1000n, 995n, ['0.0425'], 5n], // 9.95 is also within a cent of 9.9575
    [1000n, 996n, ['0.02', '0.0225'], 4n],
  ])('gross %s net %s fees %j -> %s', (gross, net, parts, want) => {
    expect(settleFee(fee(...parts), gross, net, 'USD', 2, 'net')).toBe(want);
  });
  it('a fee in whole cents that does not explain the net is rejected as before', () => {
    expect(() => settleFee(fee('0.18'), 2500n, 2492n, 'USD', 2, 'net')).toThrow(
      'gross 25.00 - fee 0.18 = 24.82 USD, but the row states net 24.92; expected net = gross - fee',
    );
  });
  it('a fine fee more than a cent away from gross - net is rejected with the exact figures', () => {
    expect(() => settleFee(fee('0.0425'), 1000n, 990n, 'USD', 2, 'net')).toThrow(
      'gross 10.00 - fee 0.0425 = 9.9575 USD, but the row states net 9.90; expected net within one minor unit of gross - fee',
    );
  });
  it('without gross and net in the fee currency the exact fee is rounded half to even', () => {
    expect(settleFee(fee('0.0450'), null, null, 'USD', 2, 'net')).toBe(4n);
    expect(settleFee(fee('0.0451'), null, 950n, 'USD', 2, 'net')).toBe(5n);
  });
});

const txs = (items: ParseItem[]) => items.flatMap((i) => ('tx' in i ? [i.tx] : []));
const rejects = (items: ParseItem[]) => items.flatMap((i) => ('reject' in i ? [i.reject] : []));

describe('importers keep rows whose fees are finer than a cent', () => {
  const ADYEN_HEADER =
    'Company Account,Merchant Account,Psp Reference,Merchant Reference,Payment Method,Creation Date,TimeZone,Type,Modification Reference,Gross Currency,Gross Debit (GC),Gross Credit (GC),Exchange Rate,Net Currency,Net Debit (NC),Net Credit (NC),Commission (NC),Markup (NC),Scheme Fees (NC),Interchange (NC),Payment Method Variant,Modification Merchant Reference,Batch Number';
  const adyenRow = (net: string, interchange: string) =>
    `ExCo,ExEU,8815000000000001,ORD-1,visa,2025-03-03 10:15:22,CET,Settled,8815000000000101,EUR,,100.00,1,EUR,,${net},,0.30,0.15,${interchange},visadebit,,118`;

  it('Adyen: an interchange of 1.2049 EUR imports, its fee the 1.65 between gross and net, the exact figure kept in the raw row', () => {
    const items = parseText(importerByName('adyen')!, `${ADYEN_HEADER}\n${adyenRow('98.35', '1.2049')}\n`, { file: 'a.csv', source: 'adyen' }).items;
    expect(rejects(items)).toEqual([]);
    const [tx] = txs(items);
    expect([tx.amountMinor, tx.feeMinor, tx.netMinor]).toEqual([10000n, 165n, 9835n]);
    expect(tx.raw).toContain('1.2049');
  });

  it('Adyen: a fine fee that does not explain the net is still rejected, naming the exact figures', () => {
    const items = parseText(importerByName('adyen')!, `${ADYEN_HEADER}\n${adyenRow('98.00', '1.2049')}\n`, { file: 'a.csv', source: 'adyen' }).items;
    expect(rejects(items).map((r) => [r.line, r.reason])).toEqual([
      [2, 'gross 100.00 - fee 1.6549 = 98.3451 EUR, but the row states net 98.00; expected net within one minor unit of gross - fee'],
    ]);
  });

  it('Checkout.com: a deduction of -0.2349 EUR imports with the fee gross - net', () => {
    const header =
      'Client Entity ID,Client Entity Name,Processing Channel ID,Processing Channel Name,Type,Payment ID,Reference,Processed On,Available On,Holding Currency,Payout ID,Gross In Holding Currency,Deduction In Holding Currency,Net In Holding Currency,Processing Fee In Holding Currency,Scheme Fee In Holding Currency,Interchange In Holding Currency,Tax In Holding Currency,Reserve In Holding Currency,Processing Currency,Gross In Processing Currency,FX Rate Applied,Payment Method';
    const row = 'e,E,pc,W,Capture,pay_1,R,2025-03-03T10:00:00.000,x,EUR,po_1,10,-0.2349,9.77,-0.1,-0.0349,-0.1,0,0,EUR,10,1,Visa';
    const items = parseText(importerByName('checkout')!, `${header}\n${row}\n`, { file: 'c.csv', source: 'checkout' }).items;
    expect(rejects(items)).toEqual([]);
    const [tx] = txs(items);
    expect([tx.amountMinor, tx.feeMinor, tx.netMinor]).toEqual([1000n, 23n, 977n]);
  });
});
