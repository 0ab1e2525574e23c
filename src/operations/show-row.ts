/**
 * `payrecon show psp|ledger <id>`: one stored row as payrecon holds it, beside the record the
 * file had, read back from the import's original bytes (src/db/original-bytes.ts). Read-only.
 */
import { readOriginalRecord } from '../db/original-bytes.js';
import { findRowsByExternalId, type StoredRow } from '../db/transaction-rows.js';
import { formatMinor } from '../domain/money.js';
import type { Side } from '../domain/transaction.js';
import { DatabaseError, UsageError } from '../errors.js';
import { printable } from '../output.js';
import type { OperationContext } from './context.js';

export interface ShownRow {
  side: Side;
  id: string;
  source: string;
  file: string;
  line: number;
  format: string;
  type: string;
  currency: string;
  amount: string;
  fee: string | null;
  net: string | null;
  settlement_currency: string | null;
  exchange_rate: string | null;
  booked_at: string;
  payout_id: string | null;
  reference: string | null;
  psp_reference: string | null;
  description: string | null;
  original: {
    /** The file's column header, when it has one. */
    header: string[] | null;
    fields: string[];
    /** The record exactly as the file had it (without its line end); null for rows imported before the file itself was kept. */
    text: string | null;
  };
}

export function showRow(ctx: OperationContext, side: Side, id: string, source?: string): ShownRow {
  const rows = findRowsByExternalId(ctx.db(), side, id, source);
  const what = `${side === 'psp' ? 'PSP' : 'ledger'} row "${printable(id)}"${source ? ` from source "${printable(source)}"` : ''}`;
  if (rows.length === 0) throw new UsageError(`no ${what}`, `the id is the one reports and discrepancies show (e.g. payrecon discrepancies --json)`);
  if (rows.length > 1) {
    throw new UsageError(`${what} exists in ${rows.length} sources (${rows.map((r) => r.source).join(', ')}); name one with --source`);
  }
  return shown(ctx, rows[0]);
}

function shown(ctx: OperationContext, r: StoredRow): ShownRow {
  const settlement = r.settlement_currency ?? r.currency;
  const kept = r.raw === null ? readOriginalRecord(ctx.db(), Number(r.import_id), Number(r.line)) : null;
  if (r.raw === null && kept === null) {
    throw new DatabaseError(`the stored file of import ${r.import_id} has no record on line ${r.line} (the row's original)`, 'the database was edited or is damaged: payrecon audit verify');
  }
  return {
    side: r.side,
    id: r.external_id,
    source: r.source,
    file: r.path,
    line: Number(r.line),
    format: r.format,
    type: r.type,
    currency: r.currency,
    amount: formatMinor(r.amount_minor, r.currency),
    fee: r.fee_minor === null ? null : formatMinor(r.fee_minor, settlement),
    net: r.net_minor === null ? null : formatMinor(r.net_minor, settlement),
    settlement_currency: r.settlement_currency,
    exchange_rate: r.exchange_rate,
    booked_at: r.booked_at,
    payout_id: r.payout_id,
    reference: r.reference,
    psp_reference: r.psp_reference,
    description: r.description,
    original: {
      header: r.header === null ? null : (JSON.parse(r.header) as string[]),
      fields: r.raw !== null ? (JSON.parse(r.raw) as string[]) : (kept?.fields ?? []),
      text: kept?.text ?? null,
    },
  };
}
