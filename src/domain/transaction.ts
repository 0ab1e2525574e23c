/**
 * The one normalised shape every importer produces and the store keeps. PSP rows and ledger
 * rows share it so that matchers compare like with like.
 */

export type Side = 'psp' | 'ledger';

export const TX_TYPES = ['charge', 'refund', 'chargeback', 'chargeback_reversal', 'fee', 'payout', 'adjustment'] as const;
export type TxType = (typeof TX_TYPES)[number];

export interface NormalizedTransaction {
  side: Side;
  /** Where the row came from: `stripe`, `adyen`, `paypal`, `checkout`, `ledger` or a `--source` name. */
  source: string;
  /** The row's primary identifier, unique within (side, source). */
  externalId: string;
  /** Every other identifier of the row that the counterparty may have recorded (PSP side). */
  aliases: string[];
  /** The merchant's own reference (order id), when the row carries one. */
  reference: string | null;
  /** Ledger side: the PSP identifier the ledger booked against, when it did. */
  pspReference: string | null;
  type: TxType;
  /** ISO 4217, upper case. */
  currency: string;
  /** Signed gross in minor units of `currency`: positive money in, negative money out. */
  amountMinor: bigint;
  /** Fee in minor units of `settlementCurrency ?? currency` (positive = a cost), when the file states one. */
  feeMinor: bigint | null;
  /** Net in minor units of `settlementCurrency ?? currency`, when the file states one. */
  netMinor: bigint | null;
  settlementCurrency: string | null;
  /** Exact decimal text, when the file gives a rate. */
  exchangeRate: string | null;
  /** UTC, ISO-8601 with a Z: `2025-03-03T14:02:11Z`. */
  bookedAt: string;
  /** Payout, batch or settlement id that groups the row. */
  payoutId: string | null;
  description: string | null;
  /** 1-based physical line in the file where the record starts. */
  line: number;
  /** The record's fields exactly as in the file, in header order (the header is kept per import). */
  raw: string[];
}

/** A row an importer could not turn into a transaction: kept, with why, never dropped. */
export interface RejectedRow {
  line: number;
  column?: string;
  reason: string;
  raw: string[];
}
