/**
 * The record loop shared by every header-first format (all but PayPal's framed STL): the
 * first record is the header, every later record is a row. Rows whose field count does not
 * match the header, or whose values do not parse, become rejects with a reason; the rest of
 * the file still imports.
 */
import type { NormalizedTransaction } from '../domain/transaction.js';
import { InputError } from '../errors.js';
import { Columns, RowError } from './row.js';
import type { ParseContext, ParseItem, RecordParser } from './types.js';

/** Turns one row (already checked against the header's length) into a transaction, or throws RowError. */
export type RowReader = (fields: string[], line: number) => NormalizedTransaction;

/** Check a row's length against the header: a reason when it does not fit, else null. */
export function lengthProblem(fields: string[], header: string[]): RowError | null {
  if (fields.length < header.length) {
    const missing = header[fields.length].trim();
    return new RowError(
      missing,
      `the row has ${fields.length} fields but the header has ${header.length} (truncated line?); expected a value for "${missing}"`,
    );
  }
  if (fields.length > header.length) {
    // A trailing delimiter on every row is harmless; real extra values mean columns shifted.
    for (let i = header.length; i < fields.length; i++) {
      if (fields[i].trim() !== '') {
        return new RowError(
          undefined,
          `the row has ${fields.length} fields but the header has ${header.length} (an unquoted delimiter inside a value?); expected ${header.length}`,
        );
      }
    }
  }
  return null;
}

export function rejectFrom(e: RowError, fields: string[], line: number): ParseItem {
  return e.column === undefined
    ? { reject: { line, reason: e.message, raw: fields } }
    : { reject: { line, column: e.column, reason: e.message, raw: fields } };
}

/** A RecordParser for a header-first CSV: `bind` looks up columns once and returns the row reader. */
export function tableParser(
  ctx: ParseContext,
  format: string,
  bind: (cols: Columns, headerLine: number) => RowReader,
): RecordParser {
  let header: string[] | null = null;
  let headerLine = 0;
  let read: RowReader | null = null;
  let rows = 0;
  return {
    record(fields, line) {
      if (read === null) {
        header = fields;
        headerLine = line;
        read = bind(new Columns(fields, ctx.file, line, format), line);
        return [];
      }
      rows++;
      const bad = lengthProblem(fields, header!);
      if (bad) return [rejectFrom(bad, fields, line)];
      try {
        return [{ tx: read(fields, line) }];
      } catch (e) {
        if (e instanceof RowError) return [rejectFrom(e, fields, line)];
        throw e;
      }
    },
    end() {
      if (header === null) throw new InputError(`the file has no records; expected a ${format} header line`, { file: ctx.file });
      if (rows === 0) {
        throw new InputError(`the file has a header but no rows; expected at least one ${format} row after the header`, {
          file: ctx.file,
          line: headerLine,
        });
      }
      return [];
    },
    header() {
      return header;
    },
  };
}
