/**
 * Adyen Settlement details report (`settlement_detail_report_batch_N.csv`).
 *
 *   Company Account,Merchant Account,Psp Reference,Merchant Reference,Payment Method,Creation Date,TimeZone,Type,Modification Reference,Gross Currency,Gross Debit (GC),Gross Credit (GC),Exchange Rate,Net Currency,Net Debit (NC),Net Credit (NC),Commission (NC),Markup (NC),Scheme Fees (NC),Interchange (NC),Payment Method Variant,Modification Merchant Reference,Batch Number,Reserved4,...,Reserved10
 *   ExCo,ExEU,8815000000000001,ORD-2001,visa,2025-03-03 10:15:22,CET,Settled,8815000000000101,EUR,,100.00,1,EUR,,98.35,,0.30,0.15,1.20,visadebit,,118,,,,,,,
 *
 * Quirks: amounts are unsigned, the direction is the column (Credit = money in); gross is in
 * the gross currency, net and every fee column in the net (settlement) currency; Creation
 * Date is local time in the zone abbreviation of the TimeZone column; Fee and MerchantPayout
 * rows have no gross and no references, so their amount is the net in net currency and their
 * id is synthetic; newer files append columns (ignored).
 */
import type { TxType } from '../domain/transaction.js';
import { formatUtc, parseInZoneAbbreviation, ZONE_ABBREVIATIONS } from '../domain/time.js';
import { amountText, cell, currencyAt, exponentOf, optional, required, RowError, timeAt } from './row.js';
import { tableParser } from './table.js';
import type { Importer } from './types.js';

/** Adyen record Type -> type; anything else is an adjustment. */
export const ADYEN_TYPES: Readonly<Record<string, TxType>> = {
  Settled: 'charge',
  SettledBulk: 'charge',
  SettledInInstallments: 'charge',
  Refunded: 'refund',
  RefundedBulk: 'refund',
  RefundedInInstallments: 'refund',
  Chargeback: 'chargeback',
  SecondChargeback: 'chargeback',
  ChargebackReversed: 'chargeback_reversal',
  Fee: 'fee',
  MiscCosts: 'fee',
  PaymentCost: 'fee',
  InvoiceDeduction: 'fee',
  MerchantPayout: 'payout',
  PaidOut: 'payout',
};

const FEE_COLUMNS = ['Commission (NC)', 'Markup (NC)', 'Scheme Fees (NC)', 'Interchange (NC)'];

export const adyenImporter: Importer = {
  name: 'adyen',
  side: 'psp',
  expects:
    'Adyen: a settlement details report with columns Merchant Account, Creation Date, TimeZone, Type, Gross Currency, Net Currency, Batch Number',
  identify(head) {
    const cols = head.firstRecord.map((f) => f.trim());
    return cols.includes('Merchant Account') && cols.includes('Type') && (cols.includes('Net Currency') || cols.includes('Gross Currency'));
  },
  open(ctx) {
    return tableParser(ctx, 'Adyen', (cols) => {
      const iMerchant = cols.require('Merchant Account');
      const iCreated = cols.require('Creation Date');
      const iZone = cols.require('TimeZone');
      const iType = cols.require('Type');
      const iGrossCur = cols.require('Gross Currency');
      const iGrossDebit = cols.require('Gross Debit (GC)');
      const iGrossCredit = cols.require('Gross Credit (GC)');
      const iNetCur = cols.require('Net Currency');
      const iNetDebit = cols.require('Net Debit (NC)');
      const iNetCredit = cols.require('Net Credit (NC)');
      const iBatch = cols.require('Batch Number');
      const iPsp = cols.index('Psp Reference');
      const iMerchantRef = cols.index('Merchant Reference');
      const iModRef = cols.index('Modification Reference');
      const iRate = cols.index('Exchange Rate');
      const feeCols = FEE_COLUMNS.map((name) => [name, cols.index(name)] as const).filter(([, i]) => i >= 0);
      // n-th row of a type within a batch: a stable id for rows without a Modification Reference.
      const seen = new Map<string, number>();

      /** credit - debit, or null when both are empty. */
      const signed = (f: string[], iDebit: number, iCredit: number, exp: number): bigint | null => {
        const debit = cell(f, iDebit);
        const credit = cell(f, iCredit);
        if (debit === '' && credit === '') return null;
        const c = credit === '' ? 0n : amountText(credit, cols.names[iCredit].trim(), exp);
        const d = debit === '' ? 0n : amountText(debit, cols.names[iDebit].trim(), exp);
        return c - d;
      };

      return (f, line) => {
        // Count first, before anything can reject the row: a restated file with a fixed row
        // must give every other row the same id.
        let externalId = optional(f, iModRef);
        if (externalId === null) {
          const key = `${cell(f, iMerchant)}:${cell(f, iBatch)}:${cell(f, iType)}`;
          const n = (seen.get(key) ?? 0) + 1;
          seen.set(key, n);
          externalId = `${key}:${n}`;
        }
        const merchant = required(f, iMerchant, 'Merchant Account', 'the merchant account');
        const typeText = required(f, iType, 'Type', 'a record type such as Settled');
        const batch = required(f, iBatch, 'Batch Number', 'the settlement batch number');
        const netCurrency = currencyAt(f, iNetCur, 'Net Currency');
        const netExp = exponentOf(netCurrency);
        const netMinor = signed(f, iNetDebit, iNetCredit, netExp);
        let currency = netCurrency;
        let amountMinor: bigint;
        const noGross = cell(f, iGrossCur) === '' && cell(f, iGrossDebit) === '' && cell(f, iGrossCredit) === '';
        if (noGross) {
          // Fee, MerchantPayout and similar rows: no gross, the net is the amount.
          if (netMinor === null) {
            throw new RowError('Net Credit (NC)', 'expected an amount in Gross Debit/Credit (GC) or Net Debit/Credit (NC), found none');
          }
          amountMinor = netMinor;
        } else {
          currency = currencyAt(f, iGrossCur, 'Gross Currency');
          const g = signed(f, iGrossDebit, iGrossCredit, exponentOf(currency));
          if (g === null) throw new RowError('Gross Credit (GC)', 'expected an amount in Gross Debit (GC) or Gross Credit (GC), found none');
          amountMinor = g;
        }
        let feeMinor: bigint | null = null;
        for (const [name, i] of feeCols) {
          const v = cell(f, i);
          if (v !== '') feeMinor = (feeMinor ?? 0n) + amountText(v, name, netExp);
        }
        const created = required(f, iCreated, 'Creation Date', 'a date-time like 2025-03-03 10:15:22');
        const zone = required(f, iZone, 'TimeZone', 'a zone abbreviation such as CET');
        if (ZONE_ABBREVIATIONS[zone.toUpperCase()] === undefined) {
          throw new RowError(
            'TimeZone',
            `TimeZone: unknown zone abbreviation "${zone}"; expected one of ${Object.keys(ZONE_ABBREVIATIONS).join(' ')}`,
          );
        }
        const bookedAt = formatUtc(timeAt('Creation Date', () => parseInZoneAbbreviation(created, zone)));
        const psp = optional(f, iPsp);
        return {
          side: 'psp',
          source: ctx.source,
          externalId,
          aliases: psp !== null && psp !== externalId ? [psp] : [],
          reference: optional(f, iMerchantRef),
          pspReference: null,
          type: ADYEN_TYPES[typeText] ?? 'adjustment',
          currency,
          amountMinor,
          feeMinor,
          netMinor,
          settlementCurrency: netCurrency,
          exchangeRate: optional(f, iRate),
          bookedAt,
          payoutId: `${merchant}:batch:${batch}`,
          description: null,
          line,
          raw: f,
        };
      };
    });
  },
};
