/**
 * Writing reports: pick the format from the file extension, gather the data, render it with
 * the format's pure Reporter and write the file atomically; a run's rows stream from the
 * database through the renderer into the file. Used by `reconcile --report`, `scan --report`
 * and `payrecon report`.
 */
import { extname, resolve } from 'node:path';
import type { CommandContext } from '../context.js';
import { getRunHeader, iterateRunRows, matchedTotals } from '../db/discrepancies.js';
import { latestScanDocuments } from '../db/integrity.js';
import type { ScanDocument } from '../domain/integrity.js';
import { UsageError } from '../errors.js';
import { csvReporter } from './csv.js';
import { htmlReporter } from './html.js';
import { jsonReporter } from './json.js';
import { junitReporter } from './junit.js';
import type { ReconcileStreamData, Reporter, RunHeader } from './types.js';
import { assertWritableDir, writeFileAtomic, writeFileAtomicStream } from './write-atomic.js';

export type { ReconcileReportData, Reporter, ScanReportData } from './types.js';

export const REPORTERS: readonly Reporter[] = [htmlReporter, csvReporter, jsonReporter, junitReporter];

/** The reporter for `path`'s extension, or a UsageError (exit 16) listing the known ones. */
export function reporterFor(path: string): Reporter {
  const ext = extname(path).toLowerCase();
  const hit = REPORTERS.find((r) => r.extension === ext);
  if (hit) return hit;
  const known = REPORTERS.map((r) => `${r.extension} (${r.name})`).join(', ');
  throw new UsageError(
    `cannot tell the report format of ${path}: ${ext ? `unknown extension "${ext}"` : 'no extension'}`,
    `use one of ${known}`,
  );
}

/**
 * Check a report path before doing the work it reports on: known extension (else exit 16) and
 * an existing directory (else exit 18). Returns the absolute path and the reporter.
 */
export function checkReportPath(ctx: CommandContext, path: string): { abs: string; reporter: Reporter } {
  const reporter = reporterFor(path);
  const abs = resolve(ctx.cwd, path);
  assertWritableDir(abs, path);
  return { abs, reporter };
}

/**
 * Write the report of run `runId` (the latest when undefined): the run's header, totals and
 * scans first, then its rows read once, in one query, straight into the format's streaming
 * renderer and the atomic file. One read transaction, so the header's counts and the rows are
 * the same snapshot even while another process writes.
 */
function streamRunReport(ctx: CommandContext, abs: string, path: string, reporter: Reporter, runId?: number): RunHeader {
  const db = ctx.db();
  const now = ctx.now();
  return db.transaction(() => {
    const header = getRunHeader(db, runId);
    const data: ReconcileStreamData = {
      header,
      rows: iterateRunRows(db, header.run, now),
      // The JSON format is the document alone.
      matched: reporter.documentOnly ? [] : matchedTotals(db, header.run),
      scans: reporter.documentOnly ? [] : latestScanDocuments(db),
      generatedAt: now.toISOString(),
    };
    ctx.checkInterrupted();
    writeFileAtomicStream(abs, (write) => reporter.streamReconcile(data, write), path);
    return header;
  })();
}

/** Write the report of reconcile run `runId` to `path` (format from the extension). */
export async function writeReport(ctx: CommandContext, path: string, runId: number): Promise<void> {
  await writeRunReport(ctx, path, runId);
}

/**
 * Write the report of run `runId` (the latest when undefined) and say which run and format it
 * was. Path problems surface before the database is read.
 */
export async function writeRunReport(ctx: CommandContext, path: string, runId?: number): Promise<{ run: number; reporter: Reporter }> {
  const { abs, reporter } = checkReportPath(ctx, path);
  const header = streamRunReport(ctx, abs, path, reporter, runId);
  return { run: header.run, reporter };
}

/** Write a report of integrity scans to `path` (format from the extension). */
export async function writeScanReport(ctx: CommandContext, path: string, scans: ScanDocument[]): Promise<void> {
  const { abs, reporter } = checkReportPath(ctx, path);
  const text = reporter.renderScan({ scans, generatedAt: ctx.now().toISOString() });
  ctx.checkInterrupted();
  writeFileAtomic(abs, text, path);
}
