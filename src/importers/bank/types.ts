/**
 * One interface for the bank-statement formats, parallel to the settlement-file Importer
 * (src/importers/types.ts): bank files are not CSV, and a statement is a unit (opening balance,
 * entries, closing balance) rather than a row. A parser streams the file and yields events in
 * batches; it never touches the database. Malformed input is thrown as an InputError naming
 * file, line and what was expected; balance proofs are checked by the caller
 * (src/importers/bank/proof.ts) so every format is held to the same rule.
 */
import type { BankEvent, BankFormat } from '../../domain/bank.js';

export interface BankParseContext {
  /** Display path of the file, for messages. */
  file: string;
}

export interface BankImporter {
  readonly name: BankFormat;
  /** One line saying what a file of this format looks like, used in "expected ..." messages. */
  readonly expects: string;
  /** Cheap and exclusive: looks at the first bytes of the file (decoded as Latin-1). */
  identify(head: string): boolean;
  parse(chunks: AsyncIterable<Buffer | string>, ctx: BankParseContext): AsyncIterable<BankEvent[]>;
}
