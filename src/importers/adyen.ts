/**
 * Adyen Settlement details report (`settlement_detail_report_batch_N.csv`).
 *
 *   Company Account,Merchant Account,Psp Reference,Merchant Reference,Payment Method,Creation Date,TimeZone,Type,Modification Reference,Gross Currency,Gross Debit (GC),Gross Credit (GC),Exchange Rate,Net Currency,Net Debit (NC),Net Credit (NC),Commission (NC),Markup (NC),Scheme Fees (NC),Interchange (NC),Payment Method Variant,Modification Merchant Reference,Batch Number,Reserved4,...,Reserved10
 *   ExCo,ExEU,8815000000000001,ORD-2001,visa,2025-03-03 10:15:22,CET,Settled,8815000000000101,EUR,,100.00,1,EUR,,98.35,,0.30,0.15,1.20,visadebit,,118,,,,,,,
 *
 * Quirks: amounts are unsigned, the direction is the column (Credit = money in); gross is in
 * the gross currency, net and every fee column in the net (settlement) currency; Creation
 * Date is local time in the zone abbreviation of the TimeZone column; journal types come in
 * any case (`settled`, `refunded`); batch-level rows (Fee, MerchantPayout, DepositCorrection,
 * InvoiceDeduction, ...) have no Psp Reference and no gross amount (some still name a Gross
 * Currency), so their amount is the net; the column set varies (see docs/importers.md), so
 * every column is read by name.
 *
 * Identity (docs/importers.md, "Row identity"): a payment's journal rows (Settled, Refunded,
 * Chargeback, ChargebackReversed, RefundedReversed, ...) share its Psp Reference and often a
 * Modification Reference, so a row is `<Psp Reference>:<Type>[:<Modification Reference>]`;
 * a batch-level row has no id Adyen keeps unique (MerchantPayout repeats its reference once
 * per currency, DepositCorrection repeats a fixed word), so it is its place in the batch, which
 * Adyen never changes once closed: `<Merchant Account>:<Batch Number>:<Type>:<Net Currency>:<n>`.
 */
import type { TxType } from '../domain/transaction.js';
import { formatUtc, parseInZoneAbbreviation, zoneOffsetMinutes, ZONE_ABBREVIATIONS } from '../domain/time.js';
import { exactFee, settleFee } from './fee.js';
import { amountText, cell, checkNet, currencyAt, exponentOf, optional, required, RowError, timeAt } from './row.js';
import { tableParser } from './table.js';
import type { Importer } from './types.js';

/**
 * Journal type (lower case) -> its spelling in Adyen's documentation and its type. A Map, not
 * an object: the key comes from the file, and `constructor` must not find Object's.
 */
export const ADYEN_TYPES: ReadonlyMap<string, readonly [string, TxType]> = new Map(
  (
    [
      ['Settled', 'charge'],
      ['SettledBulk', 'charge'],
      ['SettledInInstallments', 'charge'],
      ['SettledExternally', 'charge'],
      ['Refunded', 'refund'],
      ['RefundedBulk', 'refund'],
      ['RefundedInInstallments', 'refund'],
      ['RefundedExternally', 'refund'],
      ['RefundedReversed', 'adjustment'],
      ['Chargeback', 'chargeback'],
      ['SecondChargeback', 'chargeback'],
      ['ChargebackExternally', 'chargeback'],
      ['ChargebackReversed', 'chargeback_reversal'],
      ['ChargebackReversedExternally', 'chargeback_reversal'],
      ['Fee', 'fee'],
      ['MiscCosts', 'fee'],
      ['PaymentCost', 'fee'],
      ['InvoiceDeduction', 'fee'],
      ['MerchantPayout', 'payout'],
      ['PaidOut', 'payout'],
      ['DepositCorrection', 'adjustment'],
      ['ManualCorrected', 'adjustment'],
      ['Balancetransfer', 'adjustment'],
      ['ReserveAdjustment', 'adjustment'],
    ] as const
  ).map(([name, type]) => [name.toLowerCase(), [name, type] as const]),
);

/** The documented spelling and type of a journal type; unknown types keep their text and are adjustments. */
export function adyenType(text: string): readonly [string, TxType] {
  return ADYEN_TYPES.get(text.toLowerCase()) ?? [text, 'adjustment'];
}

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
      // n-th batch-level row of a (merchant, batch, type, currency) in the file.
      const seen = new Map<string, number>();

      /** credit - debit, or null when both are empty; a row may not move money both ways. */
      const signed = (f: string[], iDebit: number, iCredit: number, exp: number): bigint | null => {
        const debit = cell(f, iDebit);
        const credit = cell(f, iCredit);
        if (debit === '' && credit === '') return null;
        const creditName = cols.names[iCredit].trim();
        const debitName = cols.names[iDebit].trim();
        const c = credit === '' ? 0n : amountText(credit, creditName, exp);
        const d = debit === '' ? 0n : amountText(debit, debitName, exp);
        if (c !== 0n && d !== 0n) {
          throw new RowError(creditName, `the row has both ${debitName} ${debit} and ${creditName} ${credit}; expected an amount in only one of them`);
        }
        return c - d;
      };

      return (f, line) => {
        // The id first, before anything can reject the row: a restated file with a fixed row
        // must give every other row the same id.
        const [typeName, type] = adyenType(cell(f, iType));
        const psp = optional(f, iPsp);
        const modRef = optional(f, iModRef);
        let externalId: string;
        if (psp !== null) {
          externalId = modRef !== null && modRef !== psp ? `${psp}:${typeName}:${modRef}` : `${psp}:${typeName}`;
        } else {
          const key = `${cell(f, iMerchant)}:${cell(f, iBatch)}:${typeName}:${cell(f, iNetCur).toUpperCase()}`;
          const n = (seen.get(key) ?? 0) + 1;
          seen.set(key, n);
          externalId = `${key}:${n}`;
        }
        const merchant = required(f, iMerchant, 'Merchant Account', 'the merchant account');
        required(f, iType, 'Type', 'a record type such as Settled');
        const batch = required(f, iBatch, 'Batch Number', 'the settlement batch number');
        const netCurrency = currencyAt(f, iNetCur, 'Net Currency');
        const netExp = exponentOf(netCurrency);
        const netMinor = signed(f, iNetDebit, iNetCredit, netExp);
        const fee = exactFee(feeCols.map(([name, i]) => [name, cell(f, i)] as const), netExp);
        let feeMinor: bigint | null = fee === null ? null : settleFee(fee, null, null, netCurrency, netExp, 'Net Credit (NC)');
        let currency = netCurrency;
        let amountMinor: bigint;
        if (cell(f, iGrossDebit) === '' && cell(f, iGrossCredit) === '') {
          // Only batch-level rows are net-only; a payment's row without gross lost its amount.
          if (psp !== null) throw new RowError('Gross Credit (GC)', 'expected an amount in Gross Debit (GC) or Gross Credit (GC), found none');
          if (netMinor === null) throw new RowError('Net Credit (NC)', 'expected an amount in Net Debit (NC) or Net Credit (NC), found none');
          amountMinor = netMinor;
        } else {
          currency = currencyAt(f, iGrossCur, 'Gross Currency');
          amountMinor = signed(f, iGrossDebit, iGrossCredit, exponentOf(currency))!;
          // Adyen: net = gross - commission - markup - scheme fees - interchange. Checkable only
          // without a conversion (the rounding of gross x rate is not documented).
          if (currency === netCurrency && netMinor !== null) {
            if (fee === null) checkNet(amountMinor, 0n, netMinor, netCurrency, 'Net Credit (NC)');
            else feeMinor = settleFee(fee, amountMinor, netMinor, netCurrency, netExp, 'Net Credit (NC)');
          }
        }
        const created = required(f, iCreated, 'Creation Date', 'a date-time like 2025-03-03 10:15:22');
        const zone = required(f, iZone, 'TimeZone', 'a zone abbreviation such as CET');
        if (zoneOffsetMinutes(zone) === undefined) {
          throw new RowError(
            'TimeZone',
            `TimeZone: unknown zone abbreviation "${zone}"; expected one of ${Object.keys(ZONE_ABBREVIATIONS).join(' ')}`,
          );
        }
        const bookedAt = formatUtc(timeAt('Creation Date', () => parseInZoneAbbreviation(created, zone)));
        const aliases: string[] = [];
        if (psp !== null) aliases.push(psp);
        if (modRef !== null && modRef !== psp) aliases.push(modRef);
        return {
          side: 'psp',
          source: ctx.source,
          externalId,
          aliases,
          reference: optional(f, iMerchantRef),
          pspReference: null,
          type,
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
