/**
 * Writing one imported file: its import record, its transactions (a PSP row's own id is
 * indexed by transactions_identity, its aliases by transaction_ids, for exact matching), and
 * its rejected rows (with their fields: the reason may be about any of them). The file's
 * original bytes are stored beside them by src/db/original-bytes.ts. Prepared once per file; the caller owns
 * the transaction.
 */
import type { NormalizedTransaction, RejectedRow, Side } from '../domain/transaction.js';
import { copyWriterFor, COPY_BATCH, type CopyWriter, type SentBatch } from './import-copy.js';
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
  /** The CSV delimiter the file is read with (its blocks are read back alike). */
  delimiter: string;
  importedAt: string;
}

export interface RowCounts {
  total: number;
  imported: number;
  skipped: number;
  rejected: number;
}

/** What became of one row, reported in file order as its batch is written. */
export type RowOutcome = { kind: 'imported' } | { kind: 'skipped' } | { kind: 'rejected'; reject: RejectedRow };

/** A parsed row as the importers hand it over: a transaction, or a rejected row. */
export type WriterItem = { tx: NormalizedTransaction } | { reject: RejectedRow };

type Restatement = { identical: true } | { identical: false; reason: string };

const IMPORTED: RowOutcome = { kind: 'imported' };
const SKIPPED: RowOutcome = { kind: 'skipped' };

// Rows per multi-row INSERT. One statement per row cost ~15% more of a million-row import
// (statement overhead); 50 rows x 15 values stays far below SQLite's bound-parameter limit.
const BATCH = 50;
// No raw column: the original record is kept once, in the import's blocks (src/db/original-bytes.ts).
// What every row of one import shares (import id, side, source) is bound once per statement as
// @imp, @side, @src; a row binds its own 14 values, and its id unless SQLite numbers it (a bulk
// load). 18 bound values a row cost about 20% more of the insert (docs/benchmarks/import.md).
const ROW_COLUMNS = `external_id, reference, psp_reference, type, currency, amount_minor, fee_minor, net_minor,
  settlement_currency, exchange_rate, booked_at, payout_id, description, line`;
const ROW_VALUES = 14;

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

/** Queued items, their transactions, and the id the first of those gets. */
interface Batch {
  items: WriterItem[];
  txs: NormalizedTransaction[];
  firstId: number;
}

/**
 * Rows are buffered and written BATCH at a time (multi-row INSERTs); `flush` writes what is
 * left. Each row gets its id up front (the next free id in file order), so after a batch one
 * rowid range query tells which rows an earlier identical id kept out; only those are compared.
 */
export class ImportWriter {
  readonly importId: number;
  private readonly insertTx;
  private readonly insertTxBatch;
  private readonly insertIdent;
  private readonly bulk: boolean;
  private readonly insertIdentBatch;
  private readonly insertReject;
  private readonly findExisting;
  private readonly storedIds;
  private readonly file: string;
  private readonly side: Side;
  private readonly source: string;
  private nextId: number;
  private pending: WriterItem[] = [];
  private pendingTx = 0;
  /** Bound values a row: its own, and its id unless SQLite numbers it. */
  private readonly perRow: number;
  private readonly params: unknown[];
  /** The import's shared values, bound once per statement. */
  private readonly shared: { imp: number; side: Side; src: string };
  private readonly identParams: unknown[] = new Array(BATCH * 2);
  /** PostgreSQL: rows go through COPY, COPY_BATCH at a time (src/db/import-copy.ts). */
  private readonly copy: CopyWriter | null;
  /** PostgreSQL: the batch the server is writing while this thread reads on. */
  private inFlight: (Batch & { sent: SentBatch }) | null = null;
  private readonly batch: number;

  constructor(
    private readonly db: DB,
    imp: NewImport,
    header: string[] | null,
    private readonly onOutcome: (o: RowOutcome) => void,
    /**
     * A bulk load (src/db/bulk-load.ts): every row is inserted as new. On SQLite there is no
     * identity index to conflict on and the caller builds it afterwards, which is the check; on
     * PostgreSQL the index stays and a duplicate fails the COPY (src/db/bulk-load-pg.ts).
     */
    bulk = false,
  ) {
    this.file = imp.path;
    this.side = imp.side;
    this.source = imp.source;
    this.importId = Number(
      db
        .prepare(
          `INSERT INTO imports (side, path, file_name, size, sha256, format, source, header, delimiter, imported_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
        )
        .pluck()
        .get(imp.side, imp.path, imp.fileName, imp.size, imp.sha256, imp.format, imp.source, header ? JSON.stringify(header) : null, imp.delimiter, imp.importedAt),
    );
    // The caller holds the write transaction, so nobody else takes ids after this one.
    this.nextId = Number(db.prepare('SELECT coalesce(max(id), 0) + 1 FROM transactions').pluck().get());
    // PostgreSQL: COPY, straight into the tables in a bulk load (src/db/import-copy.ts).
    this.copy = copyWriterFor(db, this.importId, this.source, bulk);
    // What follows of a bulk load is SQLite's.
    bulk = bulk && this.copy === null;
    // A bulk load inserts every row as new, and SQLite numbers it max(id) + 1: the id it took
    // up front (nobody else writes meanwhile); insertTransactions checks that it did. The
    // careful path binds each id, so that after a batch the ids missing are the rows kept out.
    this.perRow = bulk ? ROW_VALUES : ROW_VALUES + 1;
    this.params = new Array(BATCH * this.perRow);
    this.shared = { imp: this.importId, side: imp.side, src: imp.source };
    const cols = `INSERT INTO transactions (${bulk ? '' : 'id, '}import_id, side, source, ${ROW_COLUMNS}) VALUES `;
    const row = `(${bulk ? '' : '?, '}@imp, @side, @src, ${new Array(ROW_VALUES).fill('?').join(', ')})`;
    const conflict = bulk ? '' : ' ON CONFLICT (side, source, external_id) DO NOTHING';
    // PostgreSQL writes through COPY, and binds no mix of named and positional values.
    this.insertTx = this.copy ? null : db.prepare(cols + row + conflict);
    this.insertTxBatch = this.copy ? null : db.prepare(cols + new Array(BATCH).fill(row).join(', ') + conflict);
    this.bulk = bulk;
    // In file order, which is transaction_ids' key order (migration 017): appended at the end;
    // a bulk load builds the lookup by identifier afterwards (src/db/bulk-load.ts).
    const aliases = 'INSERT INTO transaction_ids (ident, tx_id)';
    this.insertIdent = db.prepare(`${aliases} VALUES (?, ?) ON CONFLICT DO NOTHING`);
    this.insertIdentBatch = db.prepare(`${aliases} VALUES ${new Array(BATCH).fill('(?, ?)').join(', ')} ON CONFLICT DO NOTHING`);
    this.storedIds = db.prepare('SELECT id FROM transactions WHERE id BETWEEN ? AND ?').pluck();
    this.batch = this.copy ? COPY_BATCH : BATCH;
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

  /**
   * Queue one row. A transaction is stored unless its identifier was stored before, in which
   * case it is compared, never silently overwritten. Outcomes arrive in order via onOutcome.
   */
  add(item: WriterItem): void {
    this.pending.push(item);
    // Rejects alone (a file of bad rows) must not pile up in memory either.
    if (('tx' in item && ++this.pendingTx === this.batch) || this.pending.length >= 4 * this.batch) {
      if (this.copy) this.pipeline();
      else this.write(this.take());
    }
  }

  /** Write every queued row and wait for it (call before finish). */
  flush(): void {
    if (this.copy) {
      this.pipeline();
      this.settleInFlight();
    } else {
      this.write(this.take());
    }
  }

  private take(): Batch {
    const items = this.pending;
    this.pending = [];
    this.pendingTx = 0;
    const txs: NormalizedTransaction[] = [];
    for (const item of items) if ('tx' in item) txs.push(item.tx);
    const firstId = this.nextId;
    this.nextId += txs.length;
    return { items, txs, firstId };
  }

  /** SQLite: write a batch and settle its outcomes at once. */
  private write(b: Batch): void {
    if (b.items.length === 0) return;
    const stored = this.insertTransactions(b.txs, b.firstId);
    this.insertAliases(b.txs, b.firstId, stored);
    this.settle(b, stored);
  }

  /**
   * PostgreSQL: settle the batch the server has been writing, then hand it the next one and
   * return at once, so that the server writes one batch while this thread parses the next: on
   * two cores the server's index work and the parse overlap instead of taking turns
   * (docs/benchmarks.md, "PostgreSQL").
   */
  private pipeline(): void {
    const next = this.take();
    this.settleInFlight();
    if (next.items.length) this.inFlight = { ...next, sent: this.copy!.send(next.txs, next.firstId) };
  }

  private settleInFlight(): void {
    const b = this.inFlight;
    if (!b) return;
    this.inFlight = null;
    this.settle(b, this.copy!.receive(b.sent));
  }

  /** Each item's outcome, in file order: stored, the same row again (skipped), or a restatement that differs (rejected). */
  private settle(b: Batch, stored: Set<number> | null): void {
    // PostgreSQL: the stored rows the unstored ones restate, fetched at once (one round trip).
    let prior: Map<string, Record<string, unknown>> | undefined;
    if (this.copy && stored !== null) prior = this.copy.storedRows(this.side, b.txs.filter((_, i) => !stored.has(b.firstId + i)).map((tx) => tx.externalId));
    let k = 0;
    for (const item of b.items) {
      if ('reject' in item) {
        this.writeReject(item.reject);
        continue;
      }
      const tx = item.tx;
      if (stored === null || stored.has(b.firstId + k++)) {
        this.onOutcome(IMPORTED);
        continue;
      }
      const r = this.compareRestatement(tx, prior?.get(tx.externalId));
      if (r.identical) this.onOutcome(SKIPPED);
      else this.writeReject({ line: tx.line, reason: r.reason, raw: tx.raw });
    }
    this.copy?.flushRejects();
  }

  /** Insert `txs` with ids from `firstId`; the ids actually stored, or null when all were. */
  private insertTransactions(txs: NormalizedTransaction[], firstId: number): Set<number> | null {
    let changes = 0;
    let lastId = 0;
    const per = this.perRow;
    if (txs.length === BATCH) {
      const p = this.params;
      for (let i = 0; i < BATCH; i++) this.fillRow(p, i * per, txs[i], firstId + i);
      const r = this.insertTxBatch!.run(this.shared, p);
      changes = r.changes;
      lastId = Number(r.lastInsertRowid);
    } else {
      const p = new Array(per);
      for (let i = 0; i < txs.length; i++) {
        this.fillRow(p, 0, txs[i], firstId + i);
        const r = this.insertTx!.run(this.shared, p);
        changes += r.changes;
        lastId = Number(r.lastInsertRowid);
      }
    }
    if (this.bulk && txs.length > 0 && lastId !== firstId + txs.length - 1) {
      // The aliases and the blocks' rows name these ids: a store numbering otherwise is a bug, not bad input.
      throw new Error(`internal: SQLite numbered rows up to ${lastId}, expected ${firstId + txs.length - 1}`);
    }
    if (changes === txs.length) return null;
    return new Set(this.storedIds.all(firstId, firstId + txs.length - 1) as number[]);
  }

  /** A row's own values at p[o...]: its id first unless SQLite numbers it. */
  private fillRow(p: unknown[], o: number, tx: NormalizedTransaction, id: number): void {
    if (!this.bulk) p[o++] = id;
    p[o] = tx.externalId;
    p[o + 1] = tx.reference;
    p[o + 2] = tx.pspReference;
    p[o + 3] = tx.type;
    p[o + 4] = tx.currency;
    p[o + 5] = tx.amountMinor;
    p[o + 6] = tx.feeMinor;
    p[o + 7] = tx.netMinor;
    p[o + 8] = tx.settlementCurrency;
    p[o + 9] = tx.exchangeRate;
    p[o + 10] = tx.bookedAt;
    p[o + 11] = tx.payoutId;
    p[o + 12] = tx.description;
    p[o + 13] = tx.line;
  }

  /** Only aliases: a PSP row's own id is found through transactions_identity (migration 005). */
  private insertAliases(txs: NormalizedTransaction[], firstId: number, stored: Set<number> | null): void {
    const p = this.identParams;
    let n = 0;
    for (let i = 0; i < txs.length; i++) {
      const tx = txs[i];
      if (tx.side !== 'psp' || tx.aliases.length === 0) continue;
      const id = firstId + i;
      if (stored !== null && !stored.has(id)) continue;
      for (const alias of tx.aliases) {
        if (alias === tx.externalId) continue;
        p[n++] = alias;
        p[n++] = id;
        if (n === p.length) {
          this.insertIdentBatch.run(p);
          n = 0;
        }
      }
    }
    for (let i = 0; i < n; i += 2) this.insertIdent.run(p[i], p[i + 1]);
  }

  private compareRestatement(tx: NormalizedTransaction, stored?: Record<string, unknown>): Restatement {
    const existing = stored ?? (this.findExisting.get(tx.side, this.source, tx.externalId) as Record<string, unknown>);
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
    if (differs.length === 0) return { identical: true };
    const where = `${existing.import_path}:${existing.line}`;
    return {
      identical: false,
      reason: `conflicting restatement of ${tx.externalId}, first imported from ${where}: ${differs
        .map((k) => `${k} ${String(existing[k] ?? '(empty)')} -> ${String(incoming[k] ?? '(empty)')}`)
        .join(', ')}`,
    };
  }

  private writeReject(r: RejectedRow): void {
    this.onOutcome({ kind: 'rejected', reject: r });
    if (this.copy) return this.copy.addReject(this.side, this.file, r);
    this.insertReject.run(this.importId, this.side, this.source, this.file, r.line, r.column ?? null, r.reason, JSON.stringify(r.raw));
  }

  finish(counts: RowCounts): void {
    this.db
      .prepare('UPDATE imports SET rows_total = ?, rows_imported = ?, rows_skipped = ?, rows_rejected = ? WHERE id = ?')
      .run(counts.total, counts.imported, counts.skipped, counts.rejected, this.importId);
    // nextId - 1 is the largest id stored: the table's size, near enough.
    this.copy?.analyzeAfter(counts.imported, this.nextId - 1);
  }
}
