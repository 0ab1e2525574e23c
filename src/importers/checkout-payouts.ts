/**
 * Checkout.com Payouts report: one row per payout of a currency account, the amount sent to
 * the bank and what it is made of (the same columns as the payout's settlement breakdown,
 * summed per kind).
 *
 *   Client Entity ID,Client Entity Name,Sub Entity ID,Sub Entity Name,Currency Account ID,Currency Account Name,Holding Currency,Payout ID,Payout Date,Reporting Start Date,Reporting End Date,Payout Amount,Merchant Payout Fees,Payments,Refunds,Chargebacks,...,Network Token Fees
 *   ent_1,ExCo,,,ca_1,ExCo - USD,USD,00000003K599,2026-07-02T02:00:00.000,2026-07-01T00:00:00.000,2026-07-02T00:00:00.000,79.51,-2,85,0,0,...,-0.3
 *
 * Each row becomes one `payout` row whose id and payout id are the Payout ID, so reconcile
 * checks it against the rows of its breakdown (same payout id) and a ledger can book it by
 * that id. Like every payout row it is negative: the money leaves the Checkout.com balance.
 * The component columns are kept in the raw row only: Checkout.com does not document how they
 * add up to the payout amount, so they are not summed or checked here.
 */
import { amountText, currencyAt, exponentOf, required, utcTimestamp, type Columns } from './row.js';
import type { RowReader } from './table.js';
import type { ParseContext } from './types.js';

/** The header is a Payouts report (and not a settlement breakdown). */
export function isPayoutsReport(cols: readonly string[]): boolean {
  return cols.includes('Holding Currency') && cols.includes('Payout ID') && cols.includes('Payout Amount');
}

export function payoutsReader(ctx: ParseContext, cols: Columns): RowReader {
  const iHolding = cols.require('Holding Currency');
  const iPayout = cols.require('Payout ID');
  const iDate = cols.require('Payout Date');
  const iAmount = cols.require('Payout Amount');
  return (f, line) => {
    const payoutId = required(f, iPayout, 'Payout ID', 'the payout id');
    const currency = currencyAt(f, iHolding, 'Holding Currency');
    const paid = amountText(required(f, iAmount, 'Payout Amount', 'an amount'), 'Payout Amount', exponentOf(currency));
    const date = required(f, iDate, 'Payout Date', 'a date-time like 2026-07-02T02:00:00.000');
    return {
      side: 'psp',
      source: ctx.source,
      externalId: payoutId,
      aliases: [],
      reference: null,
      pspReference: null,
      type: 'payout',
      currency,
      amountMinor: -paid,
      feeMinor: null,
      netMinor: -paid,
      settlementCurrency: currency,
      exchangeRate: null,
      bookedAt: utcTimestamp(date, 'Payout Date'),
      payoutId,
      description: null,
      line,
      raw: f,
    };
  };
}
