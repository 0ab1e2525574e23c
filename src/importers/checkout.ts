/**
 * Checkout.com settlement breakdown report (one row per payment action, fee or payout of a
 * payout), and its companion Payouts report (checkout-payouts.ts), told apart by the header.
 *
 *   Client Entity ID,Client Entity Name,Processing Channel ID,Processing Channel Name,Type,Payment ID,Reference,Processed On,Available On,Holding Currency,Payout ID,Gross In Holding Currency,Deduction In Holding Currency,Net In Holding Currency,Processing Fee In Holding Currency,Scheme Fee In Holding Currency,Interchange In Holding Currency,Tax In Holding Currency,Reserve In Holding Currency,Processing Currency,Gross In Processing Currency,FX Rate Applied,Payment Method
 *   ent_1,ExCo,pc_1,Web,Capture,pay_abc,ORD-4001,2025-03-03T10:00:00.000,2025-03-05T00:00:00.000,EUR,po_9,42.5,-1.2,41.3,-0.6,-0.3,-0.3,0,0,EUR,42.5,1,Visa
 *
 * Quirks: decimals are unpadded (`42.5`); deductions are negative and Net = Gross +
 * Deduction (checked), so the fee (a positive cost) is -Deduction; the charge amount is in the
 * processing currency, net and deductions in the holding (settlement) currency; Processed On
 * has no zone and is read as UTC (the report is generated in UTC). Rows that move no gross
 * money and only deduct (network-token and account-updater fees, the payout fee, a void's
 * fee, a zero-amount charge's fee) are fees whatever their Type, often without a Processing
 * Currency: their amount is the net in the holding currency.
 *
 * Identity: a breakdown belongs to one payout and Checkout.com gives actions no id of their
 * own, so a row is `<Payment ID>:<Type>:<Payout ID>` (`:<n>` from the second such row of the
 * file: partial refunds of one payment in one payout), and `<Payout ID>:<Type>:<n>` without a
 * payment. The Payout ID keeps a refund paid out later apart from one paid out earlier.
 */
import type { TxType } from '../domain/transaction.js';
import { formatUtc, parseIsoTimestamp } from '../domain/time.js';
import { isPayoutsReport, payoutsReader } from './checkout-payouts.js';
import { exactFee, settleFee } from './fee.js';
import { amountText, cell, currencyAt, exponentOf, optional, required, RowError, timeAt, type Columns } from './row.js';
import { tableParser, type RowReader } from './table.js';
import type { Importer, ParseContext } from './types.js';

/** Type (lower case, letters only) -> type; anything else is an adjustment. A Map: keys come from the file. */
export const CHECKOUT_TYPES: ReadonlyMap<string, TxType> = new Map<string, TxType>([
  ['capture', 'charge'],
  ['charge', 'charge'],
  ['payment', 'charge'],
  ['refund', 'refund'],
  ['chargeback', 'chargeback'],
  ['dispute', 'chargeback'],
  ['chargebackreversal', 'chargeback_reversal'],
  ['disputereversal', 'chargeback_reversal'],
  ['disputewon', 'chargeback_reversal'],
  ['fee', 'fee'],
  ['fees', 'fee'],
  ['servicefee', 'fee'],
  ['networktokenprovisioning', 'fee'],
  ['networktokenupdate', 'fee'],
  ['accountupdater', 'fee'],
  ['merchantpayout', 'fee'],
  ['payoutfee', 'fee'],
  ['payout', 'payout'],
]);

export function checkoutType(text: string): TxType {
  return CHECKOUT_TYPES.get(text.toLowerCase().replace(/[^a-z]/g, '')) ?? 'adjustment';
}

/** Zero or empty. */
function nothing(text: string): boolean {
  return text === '' || /^[+-]?0*(\.0*)?$/.test(text);
}

function breakdownReader(ctx: ParseContext, cols: Columns): RowReader {
  const iType = cols.require('Type');
  const iPayment = cols.require('Payment ID');
  const iProcessed = cols.require('Processed On');
  const iHolding = cols.require('Holding Currency');
  const iNet = cols.require('Net In Holding Currency');
  const iProcCur = cols.require('Processing Currency');
  const iGross = cols.require('Gross In Processing Currency');
  const iGrossHolding = cols.index('Gross In Holding Currency');
  const iDeduction = cols.index('Deduction In Holding Currency');
  const iRef = cols.index('Reference');
  const iPayout = cols.index('Payout ID');
  const iRate = cols.index('FX Rate Applied');
  const occurrences = new Map<string, number>();
  const nextId = (base: string, alwaysNumber: boolean): string => {
    const n = (occurrences.get(base) ?? 0) + 1;
    occurrences.set(base, n);
    return alwaysNumber || n > 1 ? `${base}:${n}` : base;
  };
  return (f, line) => {
    // Ids first, so a rejected row does not shift the ids of the rows after it.
    const payment = optional(f, iPayment);
    const typeText = cell(f, iType);
    const payout = cell(f, iPayout);
    const externalId =
      payment !== null
        ? nextId(payout === '' ? `${payment}:${typeText}` : `${payment}:${typeText}:${payout}`, false)
        : nextId(`${payout}:${typeText}`, true);
    required(f, iType, 'Type', 'a row type such as Capture');
    const holding = currencyAt(f, iHolding, 'Holding Currency');
    const holdingExp = exponentOf(holding);
    const netMinor = amountText(required(f, iNet, 'Net In Holding Currency', 'an amount'), 'Net In Holding Currency', holdingExp);
    // Deductions are negative: the fee is the deduction negated, possibly finer than a cent.
    const deduction = exactFee([['Deduction In Holding Currency', cell(f, iDeduction)]], holdingExp);
    const fee = deduction === null ? null : { scaled: -deduction.scaled, scale: deduction.scale };
    const grossHolding = cell(f, iGrossHolding);
    const feeMinor =
      fee === null
        ? null
        : grossHolding !== ''
          ? settleFee(fee, amountText(grossHolding, 'Gross In Holding Currency', holdingExp), netMinor, holding, holdingExp, 'Net In Holding Currency')
          : settleFee(fee, null, null, holding, holdingExp, 'Net In Holding Currency');
    let type = checkoutType(typeText);
    let currency = holding;
    let amountMinor = netMinor;
    if (nothing(grossHolding) && nothing(cell(f, iGross)) && feeMinor !== null && feeMinor !== 0n) {
      type = 'fee'; // moves no gross money, only deducts: the row is its fee
    } else if (cell(f, iProcCur) !== '' || cell(f, iGross) !== '') {
      currency = currencyAt(f, iProcCur, 'Processing Currency');
      amountMinor = amountText(required(f, iGross, 'Gross In Processing Currency', 'an amount'), 'Gross In Processing Currency', exponentOf(currency));
    } else if (payment !== null) {
      // Only rows without a payment (payouts, account fees) may lack a processing amount:
      // they move holding-currency money, so their amount is the net.
      throw new RowError('Gross In Processing Currency', 'expected an amount in "Gross In Processing Currency", found an empty value');
    }
    const processed = required(f, iProcessed, 'Processed On', 'a date-time like 2025-03-03T10:00:00.000');
    const bookedAt = formatUtc(timeAt('Processed On', () => parseIsoTimestamp(processed)));
    return {
      side: 'psp',
      source: ctx.source,
      externalId,
      aliases: payment !== null && payment !== externalId ? [payment] : [],
      reference: optional(f, iRef),
      pspReference: null,
      type,
      currency,
      amountMinor,
      feeMinor,
      netMinor,
      settlementCurrency: holding,
      exchangeRate: optional(f, iRate),
      bookedAt,
      payoutId: payout === '' ? null : payout,
      description: null,
      line,
      raw: f,
    };
  };
}

export const checkoutImporter: Importer = {
  name: 'checkout',
  side: 'psp',
  expects:
    'Checkout.com: a settlement breakdown with columns Type, Payment ID, Processed On, Holding Currency, Net In Holding Currency, Processing Currency, Gross In Processing Currency; or a payouts report with columns Holding Currency, Payout ID, Payout Date, Payout Amount',
  identify(head) {
    const cols = head.firstRecord.map((f) => f.trim());
    return cols.includes('Holding Currency') && (cols.some((c) => c.endsWith(' In Holding Currency')) || isPayoutsReport(cols));
  },
  open(ctx) {
    return tableParser(ctx, 'Checkout.com', (cols) => {
      const names = cols.names.map((n) => n.trim());
      return isPayoutsReport(names) && !names.includes('Net In Holding Currency') ? payoutsReader(ctx, cols) : breakdownReader(ctx, cols);
    });
  },
};
