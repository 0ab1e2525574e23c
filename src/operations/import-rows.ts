/**
 * One pass over a file being imported: its records through the importer's parser into the
 * store (rows, rejects, the file's own blocks), inside the caller's write transaction. The
 * import operation (src/operations/import.ts) runs a pass, and for a bulk load whose identity
 * check fails (src/db/bulk-load.ts), a second, careful one after rolling the first back.
 */
import { createReadStream } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import { ImportWriter, type RowCounts, type RowOutcome } from '../db/imports.js';
import { BlockWriter } from '../db/original-bytes.js';
import type { DB } from '../db/open.js';
import type { Side } from '../domain/transaction.js';
import { openRegularFile } from '../domain/input-file.js';
import type { Progress } from '../domain/progress.js';
import { InputError } from '../errors.js';
import type { FileBlock } from '../importers/csv-stream.js';
import { parseHere, parseInWorker, type ParsedFile } from '../importers/parallel.js';
import type { Importer } from '../importers/types.js';
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
  /** The mapping file the importer was loaded from (a mapped ledger export). */
  mapping?: string;
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

/** Read the whole file into the store. Blocks still deflating are dropped if the pass fails. */
export async function importPass(ctx: OperationContext, a: PassInput): Promise<PassResult> {
  const { db, file, importer } = a;
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
  let parsed: ParsedFile | undefined;
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
      parsed!.header(),
      onOutcome,
      a.bulk,
    );
    writer = w;
    blocks = new BlockWriter(db, w.importId);
    for (const b of heldBlocks.splice(0)) blocks.add(b);
    return w;
  };
  let stream: ReturnType<typeof createReadStream> | undefined;
  try {
    if (a.bulk && availableParallelism() > 1) {
      // A bulk load parses on a second thread while this one writes (its rows need no raw
      // fields: they are compared with no restatement). On one core that would only add the
      // copying between threads.
      parsed = parseInWorker({ path: a.path, file, importer: importer.name, mapping: a.mapping, source: a.source, referenceColumn: a.referenceColumn }, a.side);
    } else {
      // The file examined before, opened again as a regular file (a path swapped for a FIFO
      // meanwhile is refused, not waited on).
      const { fd } = openRegularFile(a.path, file);
      stream = createReadStream('', { fd, autoClose: true });
      parsed = parseHere(stream, file, importer, importer.open({ file, source: a.source, referenceColumn: a.referenceColumn }));
    }
    for await (const batch of parsed.batches) {
      for (const b of batch.blocks) {
        if (blocks) blocks.add(b);
        else heldBlocks.push(b);
      }
      if (batch.items.length) {
        const w = open();
        counts.total += batch.items.length;
        for (const item of batch.items) w.add(item);
      }
      ctx.checkInterrupted();
      a.progress.update(batch.bytesRead);
      await new Promise(setImmediate);
    }
    if (counts.total === 0 && !parsed.countedEmpty()) {
      throw new InputError(
        `no data rows: the file has a ${importer.name} header but nothing under it`,
        { file },
        'a truncated download looks like this; if the provider really had no transactions there is nothing to import',
      );
    }
    const w = open();
    w.flush();
    w.finish(counts);
    await blocks!.finish(file, a.size);
    return { importId: w.importId, counts, rejects };
  } catch (err) {
    // Blocks still being deflated must not be written once the transaction rolls back.
    blocks?.abandon();
    throw err;
  } finally {
    stream?.destroy();
  }
}
