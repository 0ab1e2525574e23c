/**
 * Checkout.com settlement breakdown report.
 *
 *   Client Entity ID,Client Entity Name,Processing Channel ID,Processing Channel Name,Type,Payment ID,Reference,Processed On,Available On,Holding Currency,Payout ID,Gross In Holding Currency,Deduction In Holding Currency,Net In Holding Currency,Processing Fee In Holding Currency,Scheme Fee In Holding Currency,Interchange In Holding Currency,Tax In Holding Currency,Reserve In Holding Currency,Processing Currency,Gross In Processing Currency,FX Rate Applied,Payment Method
 *   ent_1,ExCo,pc_1,Web,Capture,pay_abc,ORD-4001,2025-03-03T10:00:00.000,2025-03-05T00:00:00.000,EUR,po_9,42.5,-1.2,41.3,-0.6,-0.3,-0.3,0,0,EUR,42.5,1,Visa
 *
 * Quirks: decimals are unpadded (`42.5`); deductions are negative and Net = Gross +
 * Deduction, so the fee (a positive cost) is -Deduction; the charge amount is in the
 * processing currency, net and deductions in the holding (settlement) currency; Processed On
 * has no zone and is read as UTC (the report is generated in UTC); one payment has several
 * rows (capture, refund, ...), so ids are `<Payment ID>:<Type>`, with a counter only when that
 * repeats, and `<Payout ID>:<Type>:<n>` for rows without a payment.
 */
import type { TxType } from '../domain/transaction.js';
import { formatUtc, parseIsoTimestamp } from '../domain/time.js';
import { amountText, cell, currencyAt, exponentOf, optional, required, RowError, timeAt } from './row.js';
import { tableParser } from './table.js';
import type { Importer } from './types.js';

/** Type (lower case, letters only) -> type; anything else is an adjustment. */
export const CHECKOUT_TYPES: Readonly<Record<string, TxType>> = {
  capture: 'charge',
  payment: 'charge',
  refund: 'refund',
  chargeback: 'chargeback',
  dispute: 'chargeback',
  chargebackreversal: 'chargeback_reversal',
  disputereversal: 'chargeback_reversal',
  disputewon: 'chargeback_reversal',
  fee: 'fee',
  fees: 'fee',
  servicefee: 'fee',
  payout: 'payout',
};

export function checkoutType(text: string): TxType {
  return CHECKOUT_TYPES[text.toLowerCase().replace(/[^a-z]/g, '')] ?? 'adjustment';
}

export const checkoutImporter: Importer = {
  name: 'checkout',
  side: 'psp',
  expects:
    'Checkout.com: a settlement breakdown with columns Type, Payment ID, Processed On, Holding Currency, Net In Holding Currency, Processing Currency, Gross In Processing Currency',
  identify(head) {
    const cols = head.firstRecord.map((f) => f.trim());
    return cols.includes('Holding Currency') && cols.some((c) => c.endsWith(' In Holding Currency'));
  },
  open(ctx) {
    return tableParser(ctx, 'Checkout.com', (cols) => {
      const iType = cols.require('Type');
      const iPayment = cols.require('Payment ID');
      const iProcessed = cols.require('Processed On');
      const iHolding = cols.require('Holding Currency');
      const iNet = cols.require('Net In Holding Currency');
      const iProcCur = cols.require('Processing Currency');
      const iGross = cols.require('Gross In Processing Currency');
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
        const externalId = payment !== null ? nextId(`${payment}:${typeText}`, false) : nextId(`${cell(f, iPayout)}:${typeText}`, true);
        required(f, iType, 'Type', 'a row type such as Capture');
        const holding = currencyAt(f, iHolding, 'Holding Currency');
        const holdingExp = exponentOf(holding);
        const netMinor = amountText(required(f, iNet, 'Net In Holding Currency', 'an amount'), 'Net In Holding Currency', holdingExp);
        const deduction = cell(f, iDeduction);
        const feeMinor = deduction === '' ? null : -amountText(deduction, 'Deduction In Holding Currency', holdingExp);
        let currency = holding;
        let amountMinor = netMinor;
        if (cell(f, iProcCur) !== '' || cell(f, iGross) !== '') {
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
          type: checkoutType(typeText),
          currency,
          amountMinor,
          feeMinor,
          netMinor,
          settlementCurrency: holding,
          exchangeRate: optional(f, iRate),
          bookedAt,
          payoutId: optional(f, iPayout),
          description: null,
          line,
          raw: f,
        };
      };
    });
  },
};
