/**
 * Importing PSP and ledger files: each file in one transaction — its good rows and its
 * rejected rows together, or nothing. The same bytes again are a no-op; a row restated
 * identically by another file is skipped and counted; restated differently, it is rejected.
 * Called by `payrecon import` and by scheduled reconcile jobs.
 */
import { createReadStream } from 'node:fs';
import { basename, resolve } from 'node:path';
import { appendAudit } from '../db/audit.js';
import { BlockWriter } from '../db/original-bytes.js';
import { findImportBySha, type ImportRecord, ImportWriter, type RowCounts, type RowOutcome } from '../db/imports.js';
import { withWriteTransaction } from '../db/open.js';
import { deferWindowIndexes } from '../db/window-indexes.js';
import type { Side } from '../domain/transaction.js';
import { ExitCode } from '../domain/exit-codes.js';
import { NO_PROGRESS } from '../domain/progress.js';
import { openRegularFile } from '../domain/input-file.js';
import { amountOutOfBounds, formatMinorWithExponent, MAX_ROW_MINOR } from '../domain/money.js';
import { InputError, UsageError } from '../errors.js';
import { MAX_FIELD_CHARS, MAX_RECORD_CHARS } from '../importers/csv.js';
import { examineFile } from '../importers/examine.js';
import { identifyImporter, importerByName, loadMappingImporter, readHead, readRecordBatches } from '../importers/index.js';
import type { Importer, ParseItem } from '../importers/types.js';
import type { FileBlock } from '../importers/csv-stream.js';
import { printable } from '../output.js';
import type { OperationContext } from './context.js';
import { importEachFile, type FileOutcome, type OnEachFile } from './each-file.js';

export interface ImportRequest {
  side: Side;
  files: string[];
  /** psp: auto (default) or an importer name. */
  format?: string;
  source?: string;
  /** ledger: a mapping file describing a non-canonical export. */
  mapping?: string;
  /** Stripe: the column(s) holding the order reference, first non-empty wins. */
  referenceColumn?: string | readonly string[];
}

export interface RejectSummary {
  line: number;
  column: string | null;
  reason: string;
}

export interface FileImportResult {
  file: string;
  status: 'imported' | 'already_imported' | 'failed';
  import_id: number | null;
  format: string | null;
  source: string | null;
  sha256: string | null;
  rows: RowCounts;
  /** The rejected rows of this import (the first 100; all are in the rejects table). */
  rejects: RejectSummary[];
  /** For failed files: what was wrong, and the exit code it maps to. */
  error?: { message: string; exit_code: number };
}

export interface ImportSummary {
  exit_code: number;
  files: FileImportResult[];
}

/** Told of each file as soon as it is done, so a person sees files as they go. */
export type OnFileImported = OnEachFile<FileImportResult>;

const MAX_LISTED_REJECTS = 100;
const ZERO: RowCounts = { total: 0, imported: 0, skipped: 0, rejected: 0 };

/** Import each file in its own transaction. A file that cannot be used does not stop the others. */
export async function importFiles(ctx: OperationContext, req: ImportRequest, onFile?: OnFileImported): Promise<ImportSummary> {
  const mappingImporter = req.mapping ? loadMappingImporter(resolve(ctx.cwd, req.mapping)) : undefined;
  let forced: Importer | undefined;
  if (req.side === 'psp' && req.format && req.format !== 'auto') {
    forced = importerByName(req.format);
    if (!forced) throw new UsageError(`unknown --format "${req.format}"`);
  }
  return importEachFile(
    ctx,
    req.files,
    (file) => importOne(ctx, req, file, mappingImporter ?? forced),
    (file, err) => ({
      file,
      status: 'failed',
      import_id: null,
      format: null,
      source: null,
      sha256: null,
      rows: ZERO,
      rejects: [],
      error: { message: err.message, exit_code: err.exitCode },
    }),
    (r) => (r.rows.rejected > 0 ? ExitCode.UNVERIFIED : ExitCode.OK),
    onFile,
  );
}

/** The longest reject reason kept: reasons may quote a cell, and a cell may be a megabyte. */
const MAX_REASON_CHARS = 500;

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

type OneFile = FileOutcome<FileImportResult>;

async function importOne(ctx: OperationContext, req: ImportRequest, file: string, preset?: Importer): Promise<OneFile> {
  const path = resolve(ctx.cwd, file);
  const facts = examineFile(path, file);
  const db = ctx.db();

  const previous = findImportBySha(db, req.side, facts.sha256);
  if (previous) return alreadyImported(file, previous);

  const headInfo = readHead(facts.head, basename(path), file, preset?.delimiter);
  const importer = preset ?? identifyImporter(req.side, headInfo, file);
  const source = req.source ?? (req.side === 'psp' ? importer.name : 'ledger');
  const parser = importer.open({ file, source, referenceColumn: req.referenceColumn });
  const counts: RowCounts = { total: 0, imported: 0, skipped: 0, rejected: 0 };
  const rejects: RejectSummary[] = [];
  // Small files finish before a bar could be read.
  const progress =
    facts.size > 4 * 1024 * 1024
      ? await ctx.progress({ label: basename(file), total: facts.size, unit: 'bytes' })
      : NO_PROGRESS;

  let importId = 0;
  let concurrent: ImportRecord | undefined;
  // The file's own bytes, kept once (the rows keep only their line): stored as they are read.
  let blocks: BlockWriter | undefined;
  try {
    await withWriteTransaction(db, async () => {
      try {
        await importRows();
      } catch (err) {
        // Blocks still being deflated must not be written once the transaction rolls back.
        blocks?.abandon();
        throw err;
      }
    });
    async function importRows(): Promise<void> {
      // Checked again under the write lock: another run (the scheduler, a colleague) may have
      // imported the same bytes while this one was reading the file.
      concurrent = findImportBySha(db, req.side, facts.sha256);
      if (concurrent) return;
      // ~100 bytes a row in the settlement files and ledgers seen so far: an estimate is enough.
      const rebuildIndexes = deferWindowIndexes(db, facts.size / 100);
      let writer: ImportWriter | undefined;
      const heldBlocks: FileBlock[] = [];
      // The file examined above, opened again as a regular file (a path swapped for a FIFO
      // meanwhile is refused, not waited on).
      const { fd } = openRegularFile(path, file);
      const stream = createReadStream('', { fd, autoClose: true });
      const consume = (items: ParseItem[]) => {
        // Created at the first item, when the parser has seen the header the raw fields follow.
        writer ??= newWriter();
        if (!blocks) {
          blocks = new BlockWriter(db, writer.importId);
          for (const b of heldBlocks.splice(0)) blocks.add(b);
        }
        counts.total += items.length;
        for (const item of items) writer.add(checked(item));
      };
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
          progress.update(stream.bytesRead);
          await new Promise(setImmediate);
        }
      } finally {
        stream.destroy();
      }
      consume(parser.end());
      if (counts.total === 0 && parser.countedEmpty?.()) writer ??= newWriter();
      else if (counts.total === 0) {
        throw new InputError(
          `no data rows: the file has a ${importer.name} header but nothing under it`,
          { file },
          'a truncated download looks like this; if the provider really had no transactions there is nothing to import',
        );
      }
      writer!.flush();
      writer!.finish(counts);
      await blocks!.finish(file, facts.size);
      // The last moment a Ctrl-C still means "as before": past here the import commits.
      ctx.checkInterrupted();
      rebuildIndexes();
      importId = writer!.importId;
      appendAudit(db, {
        action: 'import',
        subject: path,
        details: { side: req.side, format: importer.name, source, sha256: facts.sha256, size: facts.size, import_id: importId, rows: counts },
        at: ctx.now().toISOString(),
      });

      function newWriter(): ImportWriter {
        return new ImportWriter(
          db,
          {
            side: req.side,
            path,
            fileName: basename(path),
            size: facts.size,
            sha256: facts.sha256,
            format: importer.name,
            source,
            delimiter: importer.delimiter ?? ',',
            importedAt: ctx.now().toISOString(),
          },
          parser.header(),
          onOutcome,
        );
      }
    }
  } finally {
    progress.finish();
  }
  if (concurrent) return alreadyImported(file, concurrent);
  return { result: { file, status: 'imported', import_id: importId, format: importer.name, source, sha256: facts.sha256, rows: counts, rejects } };
}

function alreadyImported(file: string, previous: ImportRecord): OneFile {
  const result: FileImportResult = {
    file,
    status: 'already_imported',
    import_id: previous.id,
    format: previous.format,
    source: previous.source,
    sha256: previous.sha256,
    rows: { total: previous.rows_total, imported: 0, skipped: 0, rejected: 0 },
    rejects: [],
  };
  return { result, firstImportedAt: previous.imported_at };
}
