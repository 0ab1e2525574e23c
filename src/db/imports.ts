/**
 * Writing one imported file: its import record, its transactions (a PSP row's own id is
 * indexed by transactions_identity, its aliases by transaction_ids, for exact matching), and
 * its rejected rows. Prepared once per file; the caller owns
 * the transaction.
 */
import type { NormalizedTransaction, RejectedRow, Side } from '../domain/transaction.js';
import type { DB } from './open.js';

export interface ImportRecord {
  id: number;
  side: Side;
  path: string;
  file_name: string;
  size: number;
  sha256: string;
  format: string;
  source: string;
  rows_total: number;
  rows_imported: number;
  rows_skipped: number;
  rows_rejected: number;
  imported_at: string;
}

export function findImportBySha(db: DB, side: Side, sha256: string): ImportRecord | undefined {
  return db.prepare('SELECT * FROM imports WHERE side = ? AND sha256 = ?').get(side, sha256) as ImportRecord | undefined;
}

export interface NewImport {
  side: Side;
  path: string;
  fileName: string;
  size: number;
  sha256: string;
  format: string;
  source: string;
  importedAt: string;
}

export interface RowCounts {
  total: number;
  imported: number;
  skipped: number;
  rejected: number;
}

/** Outcome of storing one transaction. */
export type StoreOutcome = { stored: true } | { stored: false; identical: true } | { stored: false; identical: false; reason: string };

// The fields that make two statements of one row "the same": what reconciliation compares.
// The description and the raw layout may differ between a report and its restatement.
const MATERIAL = [
  'type',
  'currency',
  'amount_minor',
  'fee_minor',
  'net_minor',
  'settlement_currency',
  'exchange_rate',
  'booked_at',
  'reference',
  'psp_reference',
  'payout_id',
] as const;

export class ImportWriter {
  readonly importId: number;
  private readonly insertTx;
  private readonly insertIdent;
  private readonly insertReject;
  private readonly findExisting;
  private readonly file: string;
  private readonly side: Side;
  private readonly source: string;

  constructor(
    private readonly db: DB,
    imp: NewImport,
    header: string[] | null,
  ) {
    this.file = imp.path;
    this.side = imp.side;
    this.source = imp.source;
    this.importId = Number(
      db
        .prepare(
          `INSERT INTO imports (side, path, file_name, size, sha256, format, source, header, imported_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(imp.side, imp.path, imp.fileName, imp.size, imp.sha256, imp.format, imp.source, header ? JSON.stringify(header) : null, imp.importedAt)
        .lastInsertRowid,
    );
    this.insertTx = db.prepare(
      `INSERT INTO transactions (import_id, side, source, external_id, reference, psp_reference, type, currency,
         amount_minor, fee_minor, net_minor, settlement_currency, exchange_rate, booked_at, payout_id, description, line, raw)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (side, source, external_id) DO NOTHING`,
    );
    this.insertIdent = db.prepare('INSERT OR IGNORE INTO transaction_ids (ident, tx_id) VALUES (?, ?)');
    this.insertReject = db.prepare(
      'INSERT INTO rejects (import_id, side, source, file, line, col, reason, raw) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.findExisting = db
      .prepare(
        `SELECT t.*, i.path AS import_path FROM transactions t JOIN imports i ON i.id = t.import_id
         WHERE t.side = ? AND t.source = ? AND t.external_id = ?`,
      )
      .safeIntegers(true);
  }

  /** Store one transaction; an identifier seen before is compared, never silently overwritten. */
  store(tx: NormalizedTransaction): StoreOutcome {
    const info = this.insertTx.run(
      this.importId,
      tx.side,
      this.source,
      tx.externalId,
      tx.reference,
      tx.pspReference,
      tx.type,
      tx.currency,
      tx.amountMinor,
      tx.feeMinor,
      tx.netMinor,
      tx.settlementCurrency,
      tx.exchangeRate,
      tx.bookedAt,
      tx.payoutId,
      tx.description,
      tx.line,
      JSON.stringify(tx.raw),
    );
    if (info.changes === 1) {
      // Only aliases: the row's own id is found through transactions_identity (migration 005).
      if (tx.side === 'psp' && tx.aliases.length) {
        const id = info.lastInsertRowid;
        for (const alias of tx.aliases) if (alias !== tx.externalId) this.insertIdent.run(alias, id);
      }
      return { stored: true };
    }
    return this.compareRestatement(tx);
  }

  private compareRestatement(tx: NormalizedTransaction): StoreOutcome {
    const existing = this.findExisting.get(tx.side, this.source, tx.externalId) as Record<string, unknown>;
    const incoming: Record<string, unknown> = {
      type: tx.type,
      currency: tx.currency,
      amount_minor: tx.amountMinor,
      fee_minor: tx.feeMinor,
      net_minor: tx.netMinor,
      settlement_currency: tx.settlementCurrency,
      exchange_rate: tx.exchangeRate,
      booked_at: tx.bookedAt,
      reference: tx.reference,
      psp_reference: tx.pspReference,
      payout_id: tx.payoutId,
    };
    const differs = MATERIAL.filter((k) => String(existing[k] ?? '') !== String(incoming[k] ?? ''));
    if (differs.length === 0) return { stored: false, identical: true };
    const where = `${existing.import_path}:${existing.line}`;
    return {
      stored: false,
      identical: false,
      reason: `conflicting restatement of ${tx.externalId}, first imported from ${where}: ${differs
        .map((k) => `${k} ${String(existing[k] ?? '(empty)')} -> ${String(incoming[k] ?? '(empty)')}`)
        .join(', ')}`,
    };
  }

  reject(r: RejectedRow): void {
    this.insertReject.run(this.importId, this.side, this.source, this.file, r.line, r.column ?? null, r.reason, JSON.stringify(r.raw));
  }

  finish(counts: RowCounts): void {
    this.db
      .prepare('UPDATE imports SET rows_total = ?, rows_imported = ?, rows_skipped = ?, rows_rejected = ? WHERE id = ?')
      .run(counts.total, counts.imported, counts.skipped, counts.rejected, this.importId);
  }
}
