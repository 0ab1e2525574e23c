/**
 * An import's rows written to PostgreSQL through COPY (issue 16). Each statement is a round trip
 * to the server there (~0.25 ms through the bridge, plus parsing a 900-parameter INSERT per
 * call): 50-row INSERTs made a 400k-row ledger take a minute. Instead a batch of rows is copied
 * into a staging table, moved over with one INSERT ... SELECT ... ON CONFLICT DO NOTHING, and
 * the ids that did not land (an identity stored before, in the store or earlier in the file)
 * are compared as restatements by the caller (src/db/imports.ts), exactly as on SQLite.
 *
 * A batch is sent deferred (PgDatabase.defer): the server stores it and maintains its indexes
 * while the caller parses the next batch, and the caller settles it just before sending that
 * one. On SQLite both are work of the one thread; here they are two processes on two cores.
 */
import type { NormalizedTransaction, RejectedRow, Side } from '../domain/transaction.js';
import type { DB } from './open.js';
import { copyRow } from './pg/copy-text.js';
import type { PgDatabase } from './pg/database.js';

/** Rows per staged batch: a few MiB of COPY data, and few enough outcomes held in memory. */
export const COPY_BATCH = 5000;

const STAGE = 'payrecon_import_stage';
const ALIAS_STAGE = 'payrecon_alias_stage';

/** A batch the server is writing: the ticket of its move from staging, or of its COPY in a bulk load (null: no rows). */
export interface SentBatch {
  ticket: number | null;
  rows: number;
  firstId: number;
  /** Copied straight into transactions: the ticket's row count is the rows stored. */
  copied?: boolean;
}

const TX_COLUMNS =
  'id, import_id, side, source, external_id, reference, psp_reference, type, currency, amount_minor, fee_minor, net_minor, settlement_currency, exchange_rate, booked_at, payout_id, description, line';

/** Writes batches of one import's transactions and aliases; the caller holds the write transaction. */
export class CopyWriter {
  private readonly moveOver: string;
  private readonly moveDistinct: string;
  private readonly storedIds;
  private readonly existing;
  private rejects: string[] = [];

  constructor(
    private readonly db: PgDatabase,
    private readonly importId: number,
    private readonly source: string,
    /**
     * A bulk load (src/db/bulk-load-pg.ts): rows and aliases are copied straight into their
     * tables, no staging, no check per row; a row whose identity is stored fails the COPY
     * (isDuplicateIdentity), and the caller reads the file again the careful way.
     */
    private readonly direct = false,
  ) {
    // Dropped with the transaction, committed or not: nothing of it outlives the import. A bulk
    // load copies straight into the tables and stages nothing.
    if (!direct) {
      db.exec(`DROP TABLE IF EXISTS pg_temp.${STAGE}; CREATE TEMP TABLE ${STAGE} (LIKE transactions INCLUDING DEFAULTS) ON COMMIT DROP;
               DROP TABLE IF EXISTS pg_temp.${ALIAS_STAGE}; CREATE TEMP TABLE ${ALIAS_STAGE} (LIKE transaction_ids) ON COMMIT DROP`);
    }
    // File order (the ids are given in it), so the first of two rows with one identity is the one stored.
    // One statement moves the rows over and the aliases of those stored (their ids, returned),
    // and counts them. (An alias table joined to transactions instead was planned, without
    // statistics on the staged aliases, as a hash of the whole table per batch.)
    //
    // A batch whose identities are distinct (nearly every batch: the check is in `send`) skips
    // each row already stored with an anti-join instead of ON CONFLICT's speculative insertion,
    // a third of the insert's server time (docs/benchmarks.md, "PostgreSQL"). Nothing else can
    // insert meanwhile: the import holds the writer lock (src/db/open.ts beginWrite).
    const move = (rows: string, conflict: string) => `WITH stored AS (
        INSERT INTO transactions (${TX_COLUMNS}) SELECT ${TX_COLUMNS} FROM ${STAGE} s ${rows} ORDER BY id ${conflict} RETURNING id),
      aliases AS (INSERT INTO transaction_ids (ident, tx_id) SELECT ident, tx_id FROM ${ALIAS_STAGE} WHERE tx_id IN (SELECT id FROM stored))
      SELECT count(*) FROM stored`;
    this.moveDistinct = move(
      'WHERE NOT EXISTS (SELECT 1 FROM transactions t WHERE t.external_id = s.external_id AND t.side = s.side AND t.source = s.source)',
      '',
    );
    this.moveOver = move('', 'ON CONFLICT (side, source, external_id) DO NOTHING');
    this.storedIds = db.prepare('SELECT id FROM transactions WHERE id BETWEEN ? AND ?').pluck();
    this.existing = db
      .prepare(
        `SELECT t.*, i.path AS import_path FROM transactions t JOIN imports i ON i.id = t.import_id
         WHERE t.side = CAST(? AS TEXT) AND t.source = CAST(? AS TEXT)
           AND t.external_id = ANY (ARRAY(SELECT json_array_elements_text(CAST(? AS json))))`,
      )
      .safeIntegers(true);
  }

  /**
   * The stored rows (with their import's path) of these identities, in one round trip instead
   * of one per restated row: a restated report of 100k rows is 100k comparisons. `= ANY (ARRAY(...))`
   * and not `IN (SELECT ...)`: right after a large import (no statistics yet) the planner took
   * the IN for a nested loop over the whole table, 5 s a batch; an array always probes the index.
   */
  storedRows(side: Side, externalIds: string[]): Map<string, Record<string, unknown>> {
    const rows = new Map<string, Record<string, unknown>>();
    if (externalIds.length === 0) return rows;
    for (const r of this.existing.all(side, this.source, JSON.stringify([...new Set(externalIds)])) as Array<Record<string, unknown>>) {
      rows.set(r.external_id as string, r);
    }
    return rows;
  }

  /** Queue a rejected row; `flushRejects` writes the queue (in order: the rejects' ids follow the lines). */
  addReject(side: Side, file: string, r: RejectedRow): void {
    this.rejects.push(copyRow([this.importId, side, this.source, file, r.line, r.column ?? null, r.reason, JSON.stringify(r.raw)]));
  }

  flushRejects(): void {
    if (this.rejects.length === 0) return;
    const lines = this.rejects;
    this.rejects = [];
    this.db.copyFrom('COPY rejects (import_id, side, source, file, line, col, reason, raw) FROM STDIN', lines);
  }

  /**
   * Send `txs` (ids from `firstId`) to be stored, with their aliases, without waiting: the
   * server works while the caller reads on (PgDatabase.defer). `receive` settles it.
   */
  send(txs: NormalizedTransaction[], firstId: number): SentBatch {
    if (txs.length === 0) return { ticket: null, rows: 0, firstId };
    const db = this.db;
    const importId = this.importId;
    const source = this.source;
    const rows = function* () {
      for (let i = 0; i < txs.length; i++) {
        const tx = txs[i];
        yield copyRow([
          firstId + i,
          importId,
          tx.side,
          source,
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
        ]);
      }
    };
    // Aliases of every PSP row (a row's own id excepted, each once per row); only those of the
    // rows that were stored move over. The ids are new, so (alias, id) cannot be there already.
    const aliases: string[] = [];
    for (let i = 0; i < txs.length; i++) {
      const tx = txs[i];
      if (tx.side !== 'psp' || tx.aliases.length === 0) continue;
      for (const alias of new Set(tx.aliases)) if (alias !== tx.externalId) aliases.push(copyRow([alias, firstId + i]));
    }
    if (this.direct) {
      // Rows first: an alias's row must exist when the foreign key is added back.
      const ticket = db.deferCopy(`COPY transactions (${TX_COLUMNS}) FROM STDIN`, rows(), true);
      if (aliases.length) db.deferCopy('COPY transaction_ids (ident, tx_id) FROM STDIN', aliases);
      return { ticket, rows: txs.length, firstId, copied: true };
    }
    db.defer(`TRUNCATE ${STAGE}, ${ALIAS_STAGE}`);
    db.deferCopy(`COPY ${STAGE} (${TX_COLUMNS}) FROM STDIN`, rows());
    if (aliases.length) db.deferCopy(`COPY ${ALIAS_STAGE} (ident, tx_id) FROM STDIN`, aliases);
    const ids = new Set<string>();
    for (const tx of txs) ids.add(tx.externalId);
    const ticket = db.defer(ids.size === txs.length ? this.moveDistinct : this.moveOver, [], true);
    return { ticket, rows: txs.length, firstId };
  }

  /**
   * Statistics for what this import added, before it commits, when it changed the table's
   * shape (a tenth of its rows or more). Autovacuum analyzes on its own schedule, and may do so
   * in the middle of a large import, while its rows are not yet visible: the next reconcile
   * then planned its pair join for a ledger with no rows, as a nested loop, and a 200k x 200k
   * reconcile ran for more than ten minutes instead of nine seconds (docs/benchmarks.md,
   * "PostgreSQL"). ANALYZE inside the transaction counts the transaction's own rows.
   */
  analyzeAfter(imported: number, tableRows: number): void {
    if (imported >= 1000 && imported * 10 >= tableRows) this.db.exec('ANALYZE transactions, transaction_ids');
  }

  /** Wait for a sent batch; the ids actually stored, or null when all were. Throws what failed on the server. */
  receive(sent: SentBatch): Set<number> | null {
    if (sent.ticket === null) return null;
    const r = this.db.result(sent.ticket);
    if ((sent.copied ? r.rowCount : Number(r.result!.rows[0][0])) === sent.rows) return null;
    return new Set(this.storedIds.all(sent.firstId, sent.firstId + sent.rows - 1) as number[]);
  }
}

/** The COPY writer for `db` when it is a PostgreSQL store, else null (SQLite keeps its INSERTs). */
export function copyWriterFor(db: DB, importId: number, source: string, direct = false): CopyWriter | null {
  return 'copyFrom' in db && typeof (db as PgDatabase).copyFrom === 'function' ? new CopyWriter(db as PgDatabase, importId, source, direct) : null;
}
