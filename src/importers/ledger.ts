/**
 * The canonical ledger CSV: what the company's books say it should have received.
 *
 *   entry_id,booked_at,reference,psp_reference,type,amount,currency,fee,description
 *   L-9912,2025-03-03,ORD-2002,8815000000000002,charge,57.20,EUR,,Card payment ORD-2002
 *
 * Quirks: none by design. `amount` is the signed gross in major units with a `.` decimal
 * point (positive money in); `booked_at` is an ISO date or date-time, no offset = UTC, a bare
 * date stays that calendar date (00:00Z); `psp_reference`, `fee`, `description` and (for
 * entries such as payouts that have no order) `reference` may be empty.
 */
import { TX_TYPES, type NormalizedTransaction, type TxType } from '../domain/transaction.js';
import { amountText, cell, currencyAt, exponentOf, optional, required, RowError, utcTimestamp } from './row.js';
import { tableParser } from './table.js';
import type { Importer } from './types.js';

export const LEDGER_COLUMNS = ['entry_id', 'booked_at', 'reference', 'psp_reference', 'type', 'amount', 'currency', 'fee', 'description'];

/** A canonical type name, or a RowError listing the accepted ones. */
export function canonicalType(text: string, column: string): TxType {
  const t = text.trim().toLowerCase();
  if ((TX_TYPES as readonly string[]).includes(t)) return t as TxType;
  throw new RowError(column, `${column}: expected one of ${TX_TYPES.join(', ')}, found "${text}"`);
}

/** The fields of a ledger row before they become a transaction (shared with mapped exports). */
export interface LedgerValues {
  externalId: string;
  bookedAt: string;
  reference: string | null;
  pspReference: string | null;
  type: TxType;
  currency: string;
  amountMinor: bigint;
  feeMinor: bigint | null;
  description: string | null;
}

export function ledgerTransaction(source: string, v: LedgerValues, line: number, raw: string[]): NormalizedTransaction {
  return {
    side: 'ledger',
    source,
    externalId: v.externalId,
    aliases: [],
    reference: v.reference,
    pspReference: v.pspReference,
    type: v.type,
    currency: v.currency,
    amountMinor: v.amountMinor,
    feeMinor: v.feeMinor,
    netMinor: null,
    settlementCurrency: null,
    exchangeRate: null,
    bookedAt: v.bookedAt,
    payoutId: null,
    description: v.description,
    line,
    raw,
  };
}

export const ledgerImporter: Importer = {
  name: 'ledger',
  side: 'ledger',
  expects: `ledger: the canonical CSV with header ${LEDGER_COLUMNS.join(',')} (or pass --mapping for another export)`,
  identify(head) {
    return head.firstRecord.some((f) => f.trim() === 'entry_id');
  },
  open(ctx) {
    return tableParser(ctx, 'ledger', (cols) => {
      const iId = cols.require('entry_id');
      const iBooked = cols.require('booked_at');
      const iRef = cols.require('reference');
      const iType = cols.require('type');
      const iAmount = cols.require('amount');
      const iCurrency = cols.require('currency');
      const iPsp = cols.index('psp_reference');
      const iFee = cols.index('fee');
      const iDescription = cols.index('description');
      return (f, line) => {
        const currency = currencyAt(f, iCurrency, 'currency');
        const exp = exponentOf(currency);
        const fee = cell(f, iFee);
        const booked = required(f, iBooked, 'booked_at', 'an ISO-8601 date like 2025-03-03');
        return ledgerTransaction(
          ctx.source,
          {
            externalId: required(f, iId, 'entry_id', 'the ledger entry id'),
            bookedAt: utcTimestamp(booked, 'booked_at'),
            reference: optional(f, iRef),
            pspReference: optional(f, iPsp),
            type: canonicalType(required(f, iType, 'type', 'a type'), 'type'),
            currency,
            amountMinor: amountText(required(f, iAmount, 'amount', 'an amount like 12.30'), 'amount', exp),
            feeMinor: fee === '' ? null : amountText(fee, 'fee', exp),
            description: optional(f, iDescription),
          },
          line,
          f,
        );
      };
    });
  },
};
