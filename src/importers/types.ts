/**
 * One interface for every provider (beangulp style): `identify` is cheap and exclusive,
 * `open` returns a record parser that turns CSV records into normalised transactions or
 * rejected rows. Importers never touch the filesystem, the database or the terminal: the
 * import operation (src/operations/import.ts) streams records in and stores what comes out.
 */
import type { NormalizedTransaction, RejectedRow, Side } from '../domain/transaction.js';

/** What `identify` may look at: the first CSV record (BOM stripped) and the file name. */
export interface FileHead {
  /** Fields of the first record of the file. */
  firstRecord: string[];
  /** Base name of the file, e.g. `STL-20250303.01.009.CSV`. */
  fileName: string;
}

export type ParseItem = { tx: NormalizedTransaction } | { reject: RejectedRow };

export interface ParseContext {
  /** Display path of the file, for messages. */
  file: string;
  /** `--source`, else the importer's default. */
  source: string;
  /**
   * Stripe: the column(s) holding the order reference, first non-empty wins (default
   * `payment_metadata[order_id]`, which may be absent; a named column must exist).
   */
  referenceColumn?: string | readonly string[];
}

/**
 * Stateful parser for one file. `record` is called for every CSV record in order (the header
 * record included) with the 1-based line where the record starts; it returns the items that
 * record produced (none for header and framing records). `end` runs after the last record and
 * returns final items (e.g. rejections found by totals checks). A problem that makes the whole
 * file unusable (missing required column, PayPal counts that do not add up) is thrown as an
 * InputError naming file, line and what was expected; the import then writes nothing.
 */
export interface RecordParser {
  record(fields: string[], line: number): ParseItem[];
  end(): ParseItem[];
  /** The column header the raw fields of rows follow (stored with the import). */
  header(): string[] | null;
  /**
   * After end(): the file's own record counts vouch that it holds no rows (a PayPal report of
   * a day without transactions), so zero rows is a real empty day, not a truncated download.
   */
  countedEmpty?(): boolean;
}

export interface Importer {
  /** Format name as `--format` spells it: stripe, adyen, paypal, checkout, ledger, mapping. */
  readonly name: string;
  readonly side: Side;
  /** One line saying what a file of this format looks like, used in "expected ..." messages. */
  readonly expects: string;
  /** CSV field delimiter when not a comma (mapping files may say `;`). */
  readonly delimiter?: string;
  /** Cheap, and exclusive with every other importer of the same side. */
  identify(head: FileHead): boolean;
  open(ctx: ParseContext): RecordParser;
}
