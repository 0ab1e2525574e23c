/**
 * Storing bank statements: one bank_imports row per file, a bank_statements row per statement
 * (pending while the file is read, then active, or superseded by a corrected one), and its
 * entries written in multi-row batches. The caller owns the write transaction.
 */
import type { BankEntry, StatementHead } from '../domain/bank.js';
import type { DB } from './open.js';

export interface BankImportRecord {
  id: number;
  path: string;
  file_name: string;
  size: number;
  sha256: string;
  format: string;
  statements: number;
  entries: number;
  imported_at: string;
}

export interface StoredStatement {
  id: number;
  import_id: number;
  account: string;
  currency: string;
  statement_id: string;
  sequence: number | null;
  opening_minor: bigint | null;
  opening_date: string | null;
  closing_minor: bigint | null;
  closing_date: string | null;
  digest: string | null;
  status: string;
}

export function findBankImportBySha(db: DB, sha256: string): BankImportRecord | undefined {
  return db.prepare('SELECT * FROM bank_imports WHERE sha256 = ?').get(sha256) as BankImportRecord | undefined;
}

export function insertBankImport(db: DB, imp: Omit<BankImportRecord, 'id' | 'statements' | 'entries'>): number {
  return Number(
    db
      .prepare('INSERT INTO bank_imports (path, file_name, size, sha256, format, imported_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id')
      .pluck()
      .get(imp.path, imp.file_name, imp.size, imp.sha256, imp.format, imp.imported_at),
  );
}

export function finishBankImport(db: DB, id: number, statements: number, entries: number): void {
  db.prepare('UPDATE bank_imports SET statements = ?, entries = ? WHERE id = ?').run(statements, entries, id);
}

/** The highest sequence number of the account's active statements, other than `statementId`. */
export function lastSequence(db: DB, account: string, statementId: string): number | null {
  return db
    .prepare("SELECT max(sequence) FROM bank_statements WHERE account = ? AND status = 'active' AND statement_id <> ?")
    .pluck()
    .get(account, statementId) as number | null;
}

export function activeStatement(db: DB, account: string, statementId: string): StoredStatement | undefined {
  return db
    .prepare("SELECT * FROM bank_statements WHERE account = ? AND statement_id = ? AND status = 'active'")
    .safeIntegers(true)
    .get(account, statementId) as StoredStatement | undefined;
}

/**
 * The active statement before one opening on `openingDate` (or with sequence - 1): the one
 * whose closing balance should be this one's opening balance.
 */
export function previousStatement(db: DB, account: string, excludeRow: number, sequence: number | null, openingDate: string | null): StoredStatement | undefined {
  const q = db.prepare(
    `SELECT * FROM bank_statements WHERE account = ? AND status = 'active' AND id <> ? AND closing_minor IS NOT NULL
     AND (sequence = CAST(? AS BIGINT) - 1 OR closing_date <= CAST(? AS TEXT))
     ORDER BY CASE WHEN sequence = CAST(? AS BIGINT) - 1 THEN 1 ELSE 0 END DESC, closing_date DESC NULLS LAST, sequence DESC NULLS LAST, id DESC LIMIT 1`,
  );
  return q.safeIntegers(true).get(account, excludeRow, sequence, openingDate, sequence) as StoredStatement | undefined;
}

export function insertStatement(db: DB, importId: number, head: StatementHead, account: string): number {
  return Number(
    db
      .prepare(
        `INSERT INTO bank_statements (import_id, account, currency, statement_id, sequence, message, opening_minor, opening_date,
           opening_code, closing_minor, closing_date, closing_code, line)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      )
      .pluck()
      .get(
        importId,
        account,
        head.currency,
        head.statementId,
        head.sequence,
        head.message,
        head.opening?.minor ?? null,
        head.opening?.date ?? null,
        head.opening?.code ?? null,
        head.closing?.minor ?? null,
        head.closing?.date ?? null,
        head.closing?.code ?? null,
        head.line,
      ),
  );
}

export interface StatementFinish {
  closing: { minor: bigint; date: string | null; code: string } | null;
  entries: number;
  credits: bigint;
  debits: bigint;
  digest: string;
}

export function finishStatement(db: DB, row: number, f: StatementFinish): void {
  db.prepare(
    `UPDATE bank_statements SET closing_minor = coalesce(?, closing_minor), closing_date = coalesce(?, closing_date),
       closing_code = coalesce(?, closing_code), entries = ?, credits_minor = ?, debits_minor = ?, digest = ?, status = 'active'
     WHERE id = ?`,
  ).run(f.closing?.minor ?? null, f.closing?.date ?? null, f.closing?.code ?? null, f.entries, f.credits, f.debits, f.digest, row);
}

/** The earlier statement is replaced by a corrected one: kept for the record, out of matching. */
export function supersede(db: DB, oldRow: number): void {
  db.prepare("UPDATE bank_statements SET status = 'superseded', superseded_by = NULL WHERE id = ?").run(oldRow);
}

export function linkSuperseded(db: DB, oldRow: number, newRow: number): void {
  db.prepare('UPDATE bank_statements SET superseded_by = ? WHERE id = ?').run(newRow, oldRow);
}

/** Drop a statement read again unchanged (and its entries, ids firstId..lastId). */
export function dropStatement(db: DB, row: number, firstEntry: number, lastEntry: number): void {
  if (lastEntry >= firstEntry) db.prepare('DELETE FROM bank_entries WHERE id BETWEEN ? AND ?').run(firstEntry, lastEntry);
  db.prepare('DELETE FROM bank_statements WHERE id = ?').run(row);
}

const BATCH = 50;
const COLS = 19;

/** Entries of one file, written BATCH at a time with ids assigned up front. */
export class BankEntryWriter {
  private nextId: number;
  private pending: { e: BankEntry; row: number; account: string }[] = [];
  private readonly one;
  private readonly many;

  constructor(private readonly db: DB) {
    this.nextId = Number(db.prepare('SELECT coalesce(max(id), 0) + 1 FROM bank_entries').pluck().get());
    const head = `INSERT INTO bank_entries (id, statement_row, account, currency, amount_minor, booking_date, value_date, bank_reference,
      customer_reference, end_to_end_id, remittance, reversal, type_code, details, fx_currency, fx_minor, fx_rate, charges_minor, line) VALUES `;
    const row = `(${new Array(COLS).fill('?').join(', ')})`;
    this.one = db.prepare(head + row);
    this.many = db.prepare(head + new Array(BATCH).fill(row).join(', '));
  }

  /** The id the next entry will get. */
  get next(): number {
    return this.nextId;
  }

  add(e: BankEntry, row: number, account: string): void {
    this.pending.push({ e, row, account });
    if (this.pending.length === BATCH) this.flush();
  }

  flush(): void {
    const items = this.pending;
    if (!items.length) return;
    this.pending = [];
    const p: unknown[] = new Array(items.length * COLS);
    items.forEach(({ e, row, account }, i) => {
      const o = i * COLS;
      p[o] = this.nextId++;
      p[o + 1] = row;
      p[o + 2] = account;
      p[o + 3] = e.currency;
      p[o + 4] = e.minor;
      p[o + 5] = e.bookingDate;
      p[o + 6] = e.valueDate;
      p[o + 7] = e.bankReference;
      p[o + 8] = e.customerReference;
      p[o + 9] = e.endToEndId;
      p[o + 10] = e.remittance;
      p[o + 11] = e.reversal ? 1 : 0;
      p[o + 12] = e.typeCode;
      p[o + 13] = e.details.length ? JSON.stringify(e.details, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)) : null;
      p[o + 14] = e.fx?.currency ?? null;
      p[o + 15] = e.fx?.minor ?? null;
      p[o + 16] = e.fx?.rate ?? null;
      p[o + 17] = e.chargesMinor;
      p[o + 18] = e.line;
    });
    if (items.length === BATCH) this.many.run(p);
    else for (let i = 0; i < items.length; i++) this.one.run(p.slice(i * COLS, (i + 1) * COLS));
  }
}
