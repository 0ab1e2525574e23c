/**
 * Importing PSP and ledger files: each file in one transaction — its good rows and its
 * rejected rows together, or nothing. The same bytes again are a no-op; a row restated
 * identically by another file is skipped and counted; restated differently, it is rejected.
 * Called by `payrecon import` and by scheduled reconcile jobs.
 */
import { basename, resolve } from 'node:path';
import { appendAudit } from '../db/audit.js';
import { isDuplicateIdentity, journalForLoad, planIndexes, type IndexPlan } from '../db/bulk-load.js';
import { relaxForLoad } from '../db/bulk-load-pg.js';
import { findImportBySha, type ImportRecord, type RowCounts } from '../db/imports.js';
import { settleQuietly, withWriteTransaction } from '../db/open.js';
import type { Side } from '../domain/transaction.js';
import { ExitCode } from '../domain/exit-codes.js';
import { NO_PROGRESS } from '../domain/progress.js';
import { UsageError } from '../errors.js';
import { examineFile } from '../importers/examine.js';
import { identifyImporter, importerByName, loadMappingImporter, readHead } from '../importers/index.js';
import type { Importer } from '../importers/types.js';
import type { OperationContext } from './context.js';
import { importEachFile, type FileOutcome, type OnEachFile } from './each-file.js';
import { importPass, type PassInput, type PassResult, type RejectSummary } from './import-rows.js';

export type { RejectSummary };

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
  // Small files finish before a bar could be read.
  const progress =
    facts.size > 4 * 1024 * 1024
      ? await ctx.progress({ label: basename(file), total: facts.size, unit: 'bytes' })
      : NO_PROGRESS;
  const input: Omit<PassInput, 'bulk'> = {
    db,
    side: req.side,
    path,
    file,
    size: facts.size,
    sha256: facts.sha256,
    importer,
    source,
    referenceColumn: req.referenceColumn,
    progress,
  };

  let pass: PassResult | undefined;
  let concurrent: ImportRecord | undefined;
  const restoreJournal = journalForLoad(db, estimatedRows(facts.size));
  try {
    await withWriteTransaction(db, async () => {
      // Checked again under the write lock: another run (the scheduler, a colleague) may have
      // imported the same bytes while this one was reading the file.
      concurrent = findImportBySha(db, req.side, facts.sha256);
      if (concurrent) return;
      // PostgreSQL's bulk load (src/db/bulk-load-pg.ts); nothing on SQLite, where bulkPass is it.
      const restore = relaxForLoad(db, estimatedRows(facts.size), req.side);
      pass = (await bulkPass(ctx, input)) ?? (await importPass(ctx, { ...input, bulk: false }));
      restore();
      // The last moment a Ctrl-C still means "as before": past here the import commits.
      ctx.checkInterrupted();
      appendAudit(db, {
        action: 'import',
        subject: path,
        details: { side: req.side, format: importer.name, source, sha256: facts.sha256, size: facts.size, import_id: pass.importId, rows: pass.counts },
        at: ctx.now().toISOString(),
      });
    });
  } finally {
    restoreJournal();
    progress.finish();
  }
  if (concurrent) return alreadyImported(file, concurrent);
  const { importId, counts, rejects } = pass!;
  return { result: { file, status: 'imported', import_id: importId, format: importer.name, source, sha256: facts.sha256, rows: counts, rejects } };
}

/**
 * A bulk load's pass (src/db/bulk-load.ts): rows inserted as new, indexes built after them.
 * Undefined when the file is no bulk load, or when an identity turned out to be there twice:
 * then everything the pass did is rolled back, the dropped indexes with it, and the file is
 * read again the careful way.
 */
async function bulkPass(ctx: OperationContext, input: Omit<PassInput, 'bulk'>): Promise<PassResult | undefined> {
  const db = input.db;
  db.exec('SAVEPOINT bulk_import');
  let plan: IndexPlan | undefined;
  try {
    plan = planIndexes(db, estimatedRows(input.size), input.side);
    const pass = plan.bulk ? await importPass(ctx, { ...input, bulk: true }) : undefined;
    plan.rebuild();
    db.exec('RELEASE bulk_import');
    return pass;
  } catch (err) {
    plan?.release();
    settleQuietly(db);
    // A failed statement may have ended the transaction itself (a full disk): then there is no
    // savepoint left, and the caller's rollback has nothing to do either.
    if (db.inTransaction) {
      db.exec('ROLLBACK TO bulk_import');
      db.exec('RELEASE bulk_import');
    }
    if (!isDuplicateIdentity(err) || !db.inTransaction) throw err;
    input.progress.update(0);
    return undefined;
  }
}

/** ~100 bytes a row in the settlement files and ledgers seen so far: an estimate is enough. */
function estimatedRows(size: number): number {
  return size / 100;
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
