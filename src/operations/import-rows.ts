/**
 * One pass over a file being imported: its records through the importer's parser into the
 * store (rows, rejects, the file's own blocks), inside the caller's write transaction. The
 * import operation (src/operations/import.ts) runs a pass, and for a bulk load whose identity
 * check fails (src/db/bulk-load.ts), a second, careful one after rolling the first back.
 */
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { ImportWriter, type RowCounts, type RowOutcome } from '../db/imports.js';
import { BlockWriter } from '../db/original-bytes.js';
import type { DB } from '../db/open.js';
import type { Side } from '../domain/transaction.js';
import { openRegularFile } from '../domain/input-file.js';
import { amountOutOfBounds, formatMinorWithExponent, MAX_ROW_MINOR } from '../domain/money.js';
import type { Progress } from '../domain/progress.js';
import { InputError } from '../errors.js';
import { MAX_FIELD_CHARS, MAX_RECORD_CHARS } from '../importers/csv.js';
import type { FileBlock } from '../importers/csv-stream.js';
import { readRecordBatches } from '../importers/index.js';
import type { Importer, ParseItem } from '../importers/types.js';
import { printable } from '../output.js';
import type { OperationContext } from './context.js';

export interface RejectSummary {
  line: number;
  column: string | null;
  reason: string;
}

export interface PassInput {
  db: DB;
  side: Side;
  /** Resolved path, and the path as the user gave it (for messages). */
  path: string;
  file: string;
  size: number;
  sha256: string;
  importer: Importer;
  source: string;
  referenceColumn?: string | readonly string[];
  progress: Progress;
  /** Insert every row as new: the caller checks identities by building the unique index. */
  bulk: boolean;
}

export interface PassResult {
  importId: number;
  counts: RowCounts;
  /** The first MAX_LISTED_REJECTS rejected rows (all are in the rejects table). */
  rejects: RejectSummary[];
}

const MAX_LISTED_REJECTS = 100;

/** The longest reject reason kept: reasons may quote a cell, and a cell may be a megabyte. */
const MAX_REASON_CHARS = 500;

/** Read the whole file into the store. Blocks still deflating are dropped if the pass fails. */
export async function importPass(ctx: OperationContext, a: PassInput): Promise<PassResult> {
  const { db, file, importer } = a;
  const parser = importer.open({ file, source: a.source, referenceColumn: a.referenceColumn });
  const counts: RowCounts = { total: 0, imported: 0, skipped: 0, rejected: 0 };
  const rejects: RejectSummary[] = [];
  let writer: ImportWriter | undefined;
  // The file's own bytes, kept once (the rows keep only their line): stored as they are read,
  // from when the import record exists.
  let blocks: BlockWriter | undefined;
  const heldBlocks: FileBlock[] = [];
  // Outcomes arrive in file order as the writer writes each batch.
  const onOutcome = (o: RowOutcome) => {
    if (o.kind === 'imported') counts.imported++;
    else if (o.kind === 'skipped') counts.skipped++;
    else {
      const r = o.reject;
      counts.rejected++;
      if (rejects.length < MAX_LISTED_REJECTS) rejects.push({ line: r.line, column: r.column ?? null, reason: r.reason });
    }
  };
  const open = (): ImportWriter => {
    // Created at the first item, when the parser has seen the header the raw fields follow.
    if (writer) return writer;
    const w = new ImportWriter(
      db,
      {
        side: a.side,
        path: a.path,
        fileName: basename(a.path),
        size: a.size,
        sha256: a.sha256,
        format: importer.name,
        source: a.source,
        delimiter: importer.delimiter ?? ',',
        importedAt: ctx.now().toISOString(),
      },
      parser.header(),
      onOutcome,
      a.bulk,
    );
    writer = w;
    blocks = new BlockWriter(db, w.importId);
    for (const b of heldBlocks.splice(0)) blocks.add(b);
    return w;
  };
  const consume = (items: ParseItem[]) => {
    const w = open();
    counts.total += items.length;
    for (const item of items) w.add(checked(item));
  };
  try {
    // The file examined before, opened again as a regular file (a path swapped for a FIFO
    // meanwhile is refused, not waited on).
    const { fd } = openRegularFile(a.path, file);
    const stream = createReadStream('', { fd, autoClose: true });
    try {
      for await (const batch of readRecordBatches(stream, file, importer.delimiter)) {
        for (const b of batch.blocks) {
          if (blocks) blocks.add(b);
          else heldBlocks.push(b);
        }
        for (const rec of batch.records) {
          if (rec.oversized) {
            consume([oversizedReject(rec.line)]);
            continue;
          }
          const items = parser.record(rec.fields, rec.line);
          if (items.length) consume(items);
        }
        ctx.checkInterrupted();
        a.progress.update(stream.bytesRead);
        await new Promise(setImmediate);
      }
    } finally {
      stream.destroy();
    }
    consume(parser.end());
    if (counts.total === 0 && !parser.countedEmpty?.()) {
      throw new InputError(
        `no data rows: the file has a ${importer.name} header but nothing under it`,
        { file },
        'a truncated download looks like this; if the provider really had no transactions there is nothing to import',
      );
    }
    const w = open();
    w.flush();
    w.finish(counts);
    await blocks!.finish(file, a.size, a.sha256);
    return { importId: w.importId, counts, rejects };
  } catch (err) {
    // Blocks still being deflated must not be written once the transaction rolls back.
    blocks?.abandon();
    throw err;
  }
}

/**
 * What the import operation checks of every item, whichever importer made it: a reason is one
 * escaped line of bounded length, and no amount, fee or net is past MAX_ROW_MINOR (a rejected
 * row, bit 8, instead of a value the store cannot hold).
 */
function checked(item: ParseItem): ParseItem {
  if ('reject' in item) {
    const reason = printable(item.reject.reason);
    if (reason === item.reject.reason && reason.length <= MAX_REASON_CHARS) return item;
    return { reject: { ...item.reject, reason: reason.length > MAX_REASON_CHARS ? reason.slice(0, MAX_REASON_CHARS) + '...' : reason } };
  }
  const tx = item.tx;
  const over = amountOutOfBounds({ amount: tx.amountMinor, fee: tx.feeMinor, net: tx.netMinor });
  if (!over) return item;
  return {
    reject: {
      line: tx.line,
      column: over,
      reason: `${over}: larger than any amount payrecon accepts (at most ${formatMinorWithExponent(MAX_ROW_MINOR, 0)} minor units per row; a dropped decimal point?)`,
      raw: tx.raw,
    },
  };
}

/** The rejected row standing for a record the CSV reader would not hold (src/importers/csv.ts). */
function oversizedReject(line: number): ParseItem {
  return {
    reject: {
      line,
      reason: `a field is longer than ${MAX_FIELD_CHARS} characters (or the record longer than ${MAX_RECORD_CHARS}); the row was not read`,
      raw: [],
    },
  };
}
