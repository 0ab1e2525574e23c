/**
 * Stripe itemized balance-change / payout-reconciliation report.
 *
 *   balance_transaction_id,created_utc,available_on_utc,currency,gross,fee,net,reporting_category,source_id,description,automatic_payout_id
 *   txn_1Ex0001,2025-03-03 14:02:11,2025-03-05 00:00:00,usd,120.00,3.78,116.22,charge,ch_1Ex0001,Order ORD-1001,po_1ExP01
 *
 * Quirks: the column set is chosen when the report is run (read by name); currency codes are
 * lower case; amounts are decimals in major units (yen for JPY), and the payout-reconciliation
 * report may use a decimal comma ("116,22", quoted); `fee` is positive when it is a cost;
 * payouts have negative gross (money leaves the Stripe balance) and keep that sign;
 * `created_utc` is preferred, a report with only `created` is read as UTC too (Stripe's
 * default report timezone) because the file does not say which zone it used.
 */
import type { TxType } from '../domain/transaction.js';
import { amountText, cell, checkNet, currencyAt, exponentOf, optional, required, utcTimestamp, type Columns } from './row.js';
import { tableParser } from './table.js';
import type { Importer } from './types.js';

export const DEFAULT_REFERENCE_COLUMN = 'payment_metadata[order_id]';

/** reporting_category -> type; anything else is an adjustment. A Map: keys come from the file. */
export const STRIPE_TYPES: ReadonlyMap<string, TxType> = new Map<string, TxType>([
  ['charge', 'charge'],
  ['refund', 'refund'],
  ['dispute', 'chargeback'],
  ['dispute_reversal', 'chargeback_reversal'],
  ['fee', 'fee'],
  ['tax', 'fee'],
  ['payout', 'payout'],
  ['payout_reversal', 'payout'],
]);

/**
 * The decimal separator is a property of the report, not of a value: the first amount that
 * parses fixes it, so a later "1,234" in a decimal-point file is rejected instead of being
 * read as 1.234.
 */
class DecimalStyle {
  private sep: '.' | ',' | undefined;
  parse(text: string, column: string, exponent: number): bigint {
    let sep = this.sep;
    if (sep === undefined) sep = text.includes(',') && !text.includes('.') ? ',' : '.';
    const v = amountText(text, column, exponent, { decimal: sep });
    if (this.sep === undefined && /[.,]/.test(text)) this.sep = sep;
    return v;
  }
}

/**
 * Indexes of the reference columns in the order given (the first non-empty value wins). A
 * column the user named must exist: a typo would otherwise silently fall back to the
 * description on every row. The default column may be absent.
 */
function referenceColumns(cols: Columns, named: string | readonly string[] | undefined): number[] {
  if (named === undefined) return [cols.index(DEFAULT_REFERENCE_COLUMN)].filter((i) => i >= 0);
  const list = typeof named === 'string' ? [named] : named;
  const missing = list.filter((n) => cols.index(n) === -1);
  if (missing.length > 0) {
    throw cols.headerError(
      `--reference-column names ${missing.map((n) => `"${n}"`).join(', ')}, which the Stripe file does not have; expected one of its columns: ${cols.names.join(', ')}`,
    );
  }
  return list.map((n) => cols.index(n));
}

export const stripeImporter: Importer = {
  name: 'stripe',
  side: 'psp',
  expects:
    'Stripe: a balance-change or payout-reconciliation report with columns balance_transaction_id, created_utc, currency, gross, reporting_category',
  identify(head) {
    const cols = head.firstRecord.map((f) => f.trim());
    return cols.includes('balance_transaction_id') && cols.includes('currency');
  },
  open(ctx) {
    return tableParser(ctx, 'Stripe', (cols) => {
      const iId = cols.require('balance_transaction_id');
      const iCreated = cols.require('created_utc', ['created']);
      const createdName = cols.names[iCreated].trim();
      const iCurrency = cols.require('currency');
      const iGross = cols.require('gross');
      const iCategory = cols.require('reporting_category');
      const iFee = cols.index('fee');
      const iNet = cols.index('net');
      const aliasCols = [cols.index('source_id'), cols.index('charge_id'), cols.index('payment_intent_id')].filter((i) => i >= 0);
      const iDescription = cols.index('description');
      const refCols = referenceColumns(cols, ctx.referenceColumn);
      const iPayout = cols.index('automatic_payout_id');
      const style = new DecimalStyle();
      return (f, line) => {
        const externalId = required(f, iId, 'balance_transaction_id', 'a balance transaction id (txn_...)');
        const currency = currencyAt(f, iCurrency, 'currency');
        const exp = exponentOf(currency);
        const amountMinor = style.parse(f[iGross], 'gross', exp);
        const feeText = cell(f, iFee);
        const netText = cell(f, iNet);
        const feeMinor = feeText === '' ? null : style.parse(feeText, 'fee', exp);
        const netMinor = netText === '' ? null : style.parse(netText, 'net', exp);
        // Stripe: net = amount - fee for every balance transaction.
        if (feeMinor !== null && netMinor !== null) checkNet(amountMinor, feeMinor, netMinor, currency, 'net');
        const created = required(f, iCreated, createdName, 'a timestamp like 2025-03-03 14:02:11');
        const bookedAt = utcTimestamp(created, createdName);
        const category = required(f, iCategory, 'reporting_category', 'a reporting category such as charge or refund');
        const aliases: string[] = [];
        for (const i of aliasCols) {
          const v = cell(f, i);
          if (v !== '' && v !== externalId && !aliases.includes(v)) aliases.push(v);
        }
        const description = iDescription >= 0 && iDescription < f.length && f[iDescription] !== '' ? f[iDescription] : null;
        let reference: string | null = null;
        for (let k = 0; k < refCols.length && reference === null; k++) reference = optional(f, refCols[k]);
        reference ??= description;
        return {
          side: 'psp',
          source: ctx.source,
          externalId,
          aliases,
          reference,
          pspReference: null,
          type: STRIPE_TYPES.get(category.toLowerCase()) ?? 'adjustment',
          currency,
          amountMinor,
          feeMinor,
          netMinor,
          settlementCurrency: null,
          exchangeRate: null,
          bookedAt,
          payoutId: optional(f, iPayout),
          description,
          line,
          raw: f,
        };
      };
    });
  },
};
