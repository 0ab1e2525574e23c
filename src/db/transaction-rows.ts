/**
 * One stored row by the identifier users see in reports (its external id), with the file it
 * came from: what `payrecon show` prints.
 */
import type { Side } from '../domain/transaction.js';
import type { DB } from './open.js';

/** The columns of a `transactions` row that matching and display both read (safe integers as bigint). */
export interface TransactionColumns {
  id: bigint;
  side: Side;
  source: string;
  external_id: string;
  reference: string | null;
  psp_reference: string | null;
  type: string;
  currency: string;
  amount_minor: bigint;
  fee_minor: bigint | null;
  net_minor: bigint | null;
  settlement_currency: string | null;
  booked_at: string;
  payout_id: string | null;
  line: bigint;
}

/** A whole stored row, with the import it came from. */
export interface StoredRow extends TransactionColumns {
  import_id: bigint;
  exchange_rate: string | null;
  description: string | null;
  /** Rows imported before migration 016 only: the record's fields as a JSON array. */
  raw: string | null;
  path: string;
  format: string;
  header: string | null;
}

/** Every row of `side` with this external id (one per source), optionally of one source. */
export function findRowsByExternalId(db: DB, side: Side, externalId: string, source?: string): StoredRow[] {
  return db
    .prepare(
      `SELECT t.*, i.path, i.format, i.header FROM transactions t JOIN imports i ON i.id = t.import_id
       WHERE t.external_id = ? AND t.side = ? AND (CAST(? AS TEXT) IS NULL OR t.source = ?) ORDER BY t.source`,
    )
    .safeIntegers(true)
    .all(externalId, side, source ?? null, source ?? null) as StoredRow[];
}
