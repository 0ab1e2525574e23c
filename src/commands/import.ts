/**
 * `payrecon import psp|ledger <file...>`: each file in one transaction — its good rows and its
 * rejected rows together, or nothing. The same bytes again are a no-op; a row restated
 * identically by another file is skipped and counted; restated differently, it is rejected.
 */
import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { createReadStream, openSync, readSync, closeSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { CommandContext } from '../context.js';
import { appendAudit } from '../db/audit.js';
import { findImportBySha, type ImportRecord, ImportWriter, type RowCounts, type RowOutcome } from '../db/imports.js';
import { withWriteTransaction } from '../db/open.js';
import type { Side } from '../domain/transaction.js';
import { ExitCode, InputError, ioErrorFor, IoError, UsageError } from '../errors.js';
import { identifyImporter, importerByName, loadMappingImporter, readHead, readRecords } from '../importers/index.js';
import type { Importer } from '../importers/types.js';
import { NO_PROGRESS, openProgress } from '../ui/open-progress.js';

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

const HEAD_BYTES = 64 * 1024;
const MAX_LISTED_REJECTS = 100;
const ZERO: RowCounts = { total: 0, imported: 0, skipped: 0, rejected: 0 };

/** Import each file in its own transaction. A file that cannot be used does not stop the others. */
export async function importFiles(ctx: CommandContext, req: ImportRequest): Promise<ImportSummary> {
  const mappingImporter = req.mapping ? loadMappingImporter(resolve(ctx.cwd, req.mapping)) : undefined;
  let forced: Importer | undefined;
  if (req.side === 'psp' && req.format && req.format !== 'auto') {
    forced = importerByName(req.format);
    if (!forced) throw new UsageError(`unknown --format "${req.format}"`);
  }
  const results: FileImportResult[] = [];
  let bits = 0;
  let failure = 0;
  for (const file of req.files) {
    ctx.checkInterrupted();
    try {
      const r = await importOne(ctx, req, file, mappingImporter ?? forced);
      results.push(r);
      if (r.rows.rejected > 0) bits |= ExitCode.UNVERIFIED;
    } catch (err) {
      // Interrupts and database failures stop the whole command; a bad file stops only itself.
      if (!(err instanceof InputError || err instanceof IoError)) throw err;
      failure = Math.max(failure, err.exitCode);
      results.push({
        file,
        status: 'failed',
        import_id: null,
        format: null,
        source: null,
        sha256: null,
        rows: ZERO,
        rejects: [],
        error: { message: err.message, exit_code: err.exitCode },
      });
      if (!ctx.out.json) {
        ctx.out.error(err.message);
        if (err.hint) ctx.out.info(`hint: ${err.hint}`);
      }
    }
  }
  return { exit_code: failure || bits, files: results };
}

interface FileFacts {
  path: string;
  size: number;
  sha256: string;
  head: Buffer;
}

/** Stat, hash and check the whole file is UTF-8 before anything is written. */
function examineFile(path: string, display: string): FileFacts {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    size = st.size;
  } catch (err) {
    throw ioErrorFor(display, err);
  }
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(1 << 20);
  let head = Buffer.alloc(0);
  // The bytes of a character split across two reads, validated with the next read.
  let carry = Buffer.alloc(0);
  let lines = 1;
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw ioErrorFor(display, err);
  }
  const notUtf8 = (line: number) =>
    new InputError('the file is not UTF-8 text (binary or another encoding); expected a UTF-8 CSV', { file: display, line });
  try {
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch (err) {
        throw ioErrorFor(display, err);
      }
      if (n === 0) break;
      const chunk = buf.subarray(0, n);
      hash.update(chunk);
      if (head.length < HEAD_BYTES) head = Buffer.concat([head, chunk.subarray(0, HEAD_BYTES - head.length)]);
      // isUtf8 validates without building a string (a fatal TextDecoder decoded every byte
      // only to throw the text away: ~0.2 s of a million-row import).
      const bytes = carry.length ? Buffer.concat([carry, chunk]) : chunk;
      const cut = bytes.length - unfinishedTail(bytes);
      if (!isUtf8(bytes.subarray(0, cut))) throw notUtf8(lines + countNewlines(bytes.subarray(0, validPrefix(bytes))));
      carry = Buffer.from(bytes.subarray(cut));
      lines += countNewlines(chunk);
    }
  } finally {
    closeSync(fd);
  }
  // A sequence cut off by the end of the file is left to the CSV reader, which names the line.
  return { path, size, sha256: hash.digest('hex'), head };
}

function countNewlines(b: Buffer): number {
  let n = 0;
  for (let i = b.indexOf(10); i !== -1; i = b.indexOf(10, i + 1)) n++;
  return n;
}

/** Length of the longest prefix of `b` that is UTF-8 up to a whole character (only on failure). */
function validPrefix(b: Buffer): number {
  let lo = 0;
  let hi = b.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    const p = b.subarray(0, mid);
    if (isUtf8(p.subarray(0, p.length - unfinishedTail(p)))) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** How many bytes at the end of `b` begin a UTF-8 sequence that the next read must finish. */
function unfinishedTail(b: Buffer): number {
  for (let k = 1; k <= 3 && k <= b.length; k++) {
    const c = b[b.length - k];
    if ((c & 0xc0) === 0x80) continue; // a continuation byte: look further back for the lead
    const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    return need > k ? k : 0;
  }
  return 0;
}

async function importOne(ctx: CommandContext, req: ImportRequest, file: string, preset?: Importer): Promise<FileImportResult> {
  const path = resolve(ctx.cwd, file);
  const facts = examineFile(path, file);
  const db = ctx.db();

  const previous = findImportBySha(db, req.side, facts.sha256);
  if (previous) return alreadyImported(ctx, file, previous);

  const headInfo = readHead(facts.head, basename(path), file, preset?.delimiter);
  const importer = preset ?? identifyImporter(req.side, headInfo, file);
  const source = req.source ?? (req.side === 'psp' ? importer.name : 'ledger');
  const parser = importer.open({ file, source, referenceColumn: req.referenceColumn });
  const counts: RowCounts = { total: 0, imported: 0, skipped: 0, rejected: 0 };
  const rejects: RejectSummary[] = [];
  // Small files finish before a bar could be read.
  const progress =
    facts.size > 4 * 1024 * 1024
      ? await openProgress(ctx.out, { label: basename(file), total: facts.size, unit: 'bytes' })
      : NO_PROGRESS;

  let importId = 0;
  let concurrent: ImportRecord | undefined;
  try {
    await withWriteTransaction(db, async () => {
      // Checked again under the write lock: another run (the scheduler, a colleague) may have
      // imported the same bytes while this one was reading the file.
      concurrent = findImportBySha(db, req.side, facts.sha256);
      if (concurrent) return;
      let writer: ImportWriter | undefined;
      const stream = createReadStream(path);
      const consume = (items: ReturnType<typeof parser.record>) => {
        // Created at the first item, when the parser has seen the header the raw fields follow.
        writer ??= newWriter();
        counts.total += items.length;
        for (const item of items) writer.add(item);
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
        for await (const batch of readRecords(stream, file, importer.delimiter)) {
          for (const rec of batch) {
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
      if (counts.total === 0) {
        throw new InputError(
          `no data rows: the file has a ${importer.name} header but nothing under it`,
          { file },
          'a truncated download looks like this; if the provider really had no transactions there is nothing to import',
        );
      }
      writer!.flush();
      writer!.finish(counts);
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
            importedAt: ctx.now().toISOString(),
          },
          parser.header(),
          onOutcome,
        );
      }
    });
  } finally {
    progress.finish();
  }
  if (concurrent) return alreadyImported(ctx, file, concurrent);

  const parts = [`${counts.imported} imported`, `${counts.skipped} skipped`, `${counts.rejected} rejected`];
  const line = `${file}: ${importer.name} (${source}), ${counts.total} rows: ${parts.join(', ')}`;
  ctx.out.info(counts.rejected ? ctx.out.c.yellow(line) : line);
  for (const r of rejects.slice(0, 10)) {
    ctx.out.info(`  ${file}:${r.line}${r.column ? ` (${r.column})` : ''}: ${r.reason}`);
  }
  if (counts.rejected > 10) ctx.out.info(`  ... and ${counts.rejected - 10} more (see --json or the rejects table)`);
  if (counts.skipped) ctx.out.info(`  ${counts.skipped} rows skipped: their identifier was already imported (from another file or earlier in this one) with identical content`);
  return { file, status: 'imported', import_id: importId, format: importer.name, source, sha256: facts.sha256, rows: counts, rejects };
}

function alreadyImported(ctx: CommandContext, file: string, previous: ImportRecord): FileImportResult {
  ctx.out.info(`${file}: already imported (import #${previous.id} at ${previous.imported_at}); nothing to do`);
  return {
    file,
    status: 'already_imported',
    import_id: previous.id,
    format: previous.format,
    source: previous.source,
    sha256: previous.sha256,
    rows: { total: previous.rows_total, imported: 0, skipped: 0, rejected: 0 },
    rejects: [],
  };
}

function render(ctx: CommandContext, summary: ImportSummary): number {
  if (ctx.out.json) ctx.out.emitJson(summary);
  return summary.exit_code;
}

export async function runImportPsp(files: string[], opts: { format: string; source?: string; referenceColumn?: string | readonly string[] }, ctx: CommandContext): Promise<number> {
  return render(ctx, await importFiles(ctx, { side: 'psp', files, format: opts.format, source: opts.source, referenceColumn: opts.referenceColumn }));
}

export async function runImportLedger(files: string[], opts: { mapping?: string; source?: string }, ctx: CommandContext): Promise<number> {
  return render(ctx, await importFiles(ctx, { side: 'ledger', files, mapping: opts.mapping, source: opts.source }));
}

